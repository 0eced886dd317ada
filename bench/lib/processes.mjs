// Starting, talking to and stopping the processes of a bench run. Every
// process started here is killed when the bench exits, however it exits.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';

/** @type {Set<import('node:child_process').ChildProcess>} */
const running = new Set();

function killAll() {
  for (const child of running) child.kill('SIGKILL');
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping its processes\n`);
    killAll();
    process.exit(130);
  });
}

// The shell raises the open-file limit to the hard limit (10 000 idle
// connections need as many descriptors) and then becomes the node process.
const RAISE_FD_LIMIT = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';

/**
 * @typedef {object} Managed
 * @property {string} name
 * @property {import('node:child_process').ChildProcess} child
 * @property {() => string} output  the last 64 KB it printed
 * @property {(message: object, timeoutMs?: number) => Promise<any>} request
 * @property {(timeoutMs?: number) => Promise<void>} stop
 */

/**
 * Starts `node <args>` with an IPC channel, its own environment (PATH only
 * from ours) and a raised descriptor limit.
 * @param {string} name
 * @param {string[]} args  node flags, script and its arguments
 * @param {Record<string, string>} env
 * @param {string} [cwd]
 * @returns {Managed}
 */
export function startNode(name, args, env = {}, cwd = undefined) {
  const child = spawn(
    '/bin/sh',
    ['-c', RAISE_FD_LIMIT, process.execPath, ...args],
    {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const keep = (/** @type {Buffer} */ chunk) => {
    output = (output + chunk.toString('utf8')).slice(-65_536);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let nextId = 0;

  return {
    name,
    child,
    output: () => output,
    request(message, timeoutMs = 60_000) {
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        const done = (/** @type {Error | undefined} */ error, value) => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
          if (error) reject(error);
          else resolve(value);
        };
        const onMessage = (/** @type {any} */ reply) => {
          if (reply?.id !== id) return;
          if (reply.error) done(new Error(`${name}: ${reply.error}`));
          else done(undefined, reply);
        };
        const onExit = (/** @type {number | null} */ code) =>
          done(
            new Error(`${name} exited (${code}) during a request:\n${output}`),
          );
        const timer = setTimeout(
          () =>
            done(
              new Error(
                `${name} did not answer ${JSON.stringify(message)} in ${timeoutMs} ms`,
              ),
            ),
          timeoutMs,
        );
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send({ ...message, id });
      });
    },
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A loopback port that was free a moment ago. */
export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = /** @type {net.AddressInfo} */ (server.address());
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Resolves once `port` accepts connections; fails if `managed` exits first or
 * the deadline passes.
 * @param {Managed} managed
 * @param {number} port
 */
export async function waitForPort(managed, port, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (managed.child.exitCode !== null || managed.child.signalCode !== null) {
      throw new Error(
        `${managed.name} exited before listening:\n${managed.output()}`,
      );
    }
    const accepted = await new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `${managed.name} did not listen on ${port} in ${timeoutMs} ms:\n${managed.output()}`,
  );
}
