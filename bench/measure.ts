// What the benchmarks share: one run of a command under GNU time, the median run, the environment
// a child gets, and the machine the figures come from.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';

/** One run under GNU time. */
export interface TimedRun {
  readonly seconds: number;
  /** User + system CPU seconds of the measured process. */
  readonly cpuSeconds: number;
  readonly peakRssMB: number;
  readonly code: number;
  /** The last 4,000 characters of its stderr. */
  readonly stderr: string;
}

/**
 * Runs a command once under GNU time: wall and CPU seconds, peak RSS. Asynchronous, so that a server
 * in this process (moto's stand-ins) can answer it.
 */
export async function timeCommand(
  command: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<TimedRun> {
  const child = spawn('/usr/bin/time', ['-f', 'BENCH %e %M %U %S', command, ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const code = await new Promise<number>((resolve) => child.once('close', (c) => resolve(c ?? -1)));
  const match = /BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
  if (!match) throw new Error(`cannot measure ${command}: ${stderr.slice(-500)}`);
  return {
    seconds: Number(match[1]),
    cpuSeconds: Math.round((Number(match[3]) + Number(match[4])) * 100) / 100,
    peakRssMB: Math.round(Number(match[2]) / 1024),
    code,
    stderr,
  };
}

/** The run of median wall time. */
export function median<T extends { readonly seconds: number }>(runs: readonly T[]): T {
  return [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)] as T;
}

/** This environment with `env` over it; an `undefined` value removes the variable. */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}

/** The machine and moment the figures come from. */
export function machine(): object {
  let rclone = 'not installed';
  try {
    rclone = execFileSync('rclone', ['version'], { encoding: 'utf8' }).split('\n')[0] ?? rclone;
  } catch {
    // reported as not installed
  }
  return {
    nproc: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    rclone,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}

/** A moto_server of this benchmark's own on a free port, and how to stop it. */
export async function startMoto(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${endpoint}/moto-api/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
