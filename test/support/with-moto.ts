import { spawn } from 'node:child_process';
import { SHARED_MOTO_ENV } from './moto-global-setup';
import { startMotoServer } from './moto-server';

// Usage: tsx test/support/with-moto.ts <command> [args...]
// Starts one moto_server, runs the command with S3_DR_TEST_SHARED_MOTO set to its address (every
// Jest run inside then resets and reuses it instead of starting its own, about 2 s each), stops
// the server and exits with the command's exit code.

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    process.stderr.write('usage: tsx test/support/with-moto.ts <command> [args...]\n');
    return 2;
  }
  const moto = await startMotoServer();
  try {
    const child = spawn(command, args, {
      stdio: 'inherit',
      env: { ...process.env, [SHARED_MOTO_ENV]: moto.endpoint },
    });
    const stop = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
  } finally {
    await moto.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`with-moto: ${err.message}\n`);
    process.exit(1);
  },
);
