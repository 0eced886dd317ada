import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface AppProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  child: ChildProcess;
}

/**
 * Starts the built app as its own process, as an operator would, on a free
 * loopback port (`PORT=0`; the port is read from the "Listening on" log
 * line). The environment is only what the test gives plus PATH, so that a
 * developer's own settings cannot leak into a test.
 */
export async function startApp(
  env: Record<string, string | undefined> = {},
  options: { port?: number; timeoutMs?: number } = {},
): Promise<AppProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(options.port ?? 0),
      LOG_LEVEL: 'info',
      MOCK_DELAY_MS: '2',
      // The test machine is shared and its event loops lag when it is busy:
      // load shedding would refuse the requests under test. It is tested on
      // its own (overload.e2e-spec.ts), which turns it on.
      OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
      OVERLOAD_EVENT_LOOP_UTILIZATION: '0',
      ...env,
    },
    // Not the project folder: a developer's own .env must not reach a test.
    cwd: tmpdir(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => (output += chunk.toString('utf8'));
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);

  const url = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => {
      // Not left running behind a failed test (it would hold its port and CPU).
      child.kill('SIGKILL');
      reject(new Error(`app did not start in time:\n${output}`));
    }, options.timeoutMs ?? 20_000);
    const check = () => {
      const match = /Listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match) {
        clearTimeout(deadline);
        child.stdout!.off('data', check);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(deadline);
      reject(new Error(`app exited with ${code} before listening:\n${output}`));
    });
  });

  return {
    url,
    port: Number(new URL(url).port),
    output: () => output,
    child,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null)
        return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

/** Runs the app expecting it to refuse to start; resolves with its exit code and output. */
export async function startAppExpectingFailure(
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}
