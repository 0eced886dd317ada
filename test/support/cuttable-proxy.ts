import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';

export interface CuttableProxy {
  url: string;
  /** Drops every open connection, as a network cut would; new ones still get through. */
  cut(): void;
  close(): Promise<void>;
}

/**
 * A TCP relay in front of the app on loopback. The browser talks to the app
 * through it, so that a test can cut the page's event stream in the middle
 * of a reply (the browser's offline emulation leaves open streams alone).
 */
export async function startCuttableProxy(
  targetPort: number,
): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.once('error', () => upstream.destroy());
    upstream.once('error', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    cut,
    close: async () => {
      cut();
      server.close();
      await once(server, 'close');
    },
  };
}
