import { spawn } from 'node:child_process';
import { motoLockPath, SHARED_MOTO_ENV } from './moto-global-setup';
import { removeLock } from './moto-lock';
import { startMotoServer } from './moto-server';

// Usage: tsx test/support/with-moto.ts <command> [args...]
// Starts one moto_server, runs the command with S3_DR_TEST_SHARED_MOTO set to its address (every
// Jest run inside then resets and reuses it instead of starting its own, about 2 s each), stops
// the server and exits with the command's exit code. With `--concurrency N` among the command's
// arguments (Stryker's concurrent test processes), it starts N servers, one per process: each
// Jest run resets its server, which must not empty the buckets of another process's tests.

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    process.stderr.write('usage: tsx test/support/with-moto.ts <command> [args...]\n');
    return 2;
  }
  const servers = await Promise.all(Array.from({ length: concurrencyOf(args) }, () => startMotoServer()));
  const endpoints = servers.map((moto) => moto.endpoint);
  try {
    const child = spawn(command, args, {
      stdio: 'inherit',
      env: { ...process.env, [SHARED_MOTO_ENV]: endpoints.join(',') },
    });
    const stop = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
  } finally {
    await Promise.all(servers.map((moto) => moto.stop()));
    for (const endpoint of endpoints) removeLock(motoLockPath(endpoint));
  }
}

/** The value of `--concurrency N` or `--concurrency=N` among the arguments; 1 without it. */
function concurrencyOf(args: readonly string[]): number {
  const at = args.findIndex((arg) => arg === '--concurrency' || arg.startsWith('--concurrency='));
  if (at < 0) return 1;
  const arg = args[at] as string;
  const value = Number(arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[at + 1]);
  return Number.isInteger(value) && value > 1 ? value : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`with-moto: ${err.message}\n`);
    process.exit(1);
  },
);
