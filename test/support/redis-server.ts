import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? 'redis-server';

export interface RedisServerOptions {
  /** Settings after the defaults, e.g. `['--cluster-enabled', 'yes']`. */
  args?: string[];
  /** The program: `redis-sentinel` for a sentinel. */
  binary?: string;
  /** A configuration file's text, written to its directory and passed first (a sentinel needs one). */
  config?: string;
  /** The port; a free one by default. */
  port?: number;
}

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops the server (SIGTERM, or SIGKILL to simulate a crash). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port, empty (nothing is persisted). */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
  /** Everything the server printed. */
  output(): string;
  /** The server's own directory (its cluster or sentinel state lives there). */
  dir: string;
}

/**
 * The settings that put an app's shared state on `redis`, under a key
 * prefix of its own (`label-<uuid>:`), so specs sharing a server never meet.
 */
export const redisEnv = (redis: RedisServer, label: string) => ({
  EVENT_BUS: 'redis',
  REDIS_URL: redis.url,
  REDIS_KEY_PREFIX: `${label}-${randomUUID()}:`,
});

/**
 * A real `redis-server` for tests: loopback only, on a free port, with no
 * persistence at all, in its own temporary directory. Resolves once it
 * answers PING.
 */
export async function startRedisServer(
  options: RedisServerOptions = {},
): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-test-'));
  const port = options.port ?? (await freePort());
  const configFile = join(dir, 'redis.conf');
  if (options.config !== undefined) await writeFile(configFile, options.config);
  let child: ChildProcess | undefined;
  let output = '';

  const start = async () => {
    const server = spawn(
      options.binary ?? REDIS_SERVER,
      [
        ...(options.config !== undefined ? [configFile] : []),
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--logfile',
        '',
        ...(options.args ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = server;
    const append = (chunk: Buffer) => (output += chunk.toString('utf8'));
    server.stdout!.on('data', append);
    server.stderr!.on('data', append);
    const exited = once(server, 'exit').then(() => {
      throw new Error(`redis-server exited at start-up:\n${output}`);
    });
    await Promise.race([answersPing(port, 10_000), exited]);
    exited.catch(() => undefined);
  };

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null)
      return;
    const exited = once(running, 'exit');
    running.kill(signal);
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop,
    start,
    output: () => output,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A port the system had free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/** Sends PING over a raw socket until `+PONG` comes back, up to the deadline. */
async function answersPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await pingOnce(port)) return;
    if (Date.now() > deadline)
      throw new Error(`redis-server on ${port} did not answer PING`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}
