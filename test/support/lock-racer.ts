// For moto-lock.test.ts: says "ready", takes the lock at argv[2] as soon as the file argv[3]
// exists, says whether it took it, and keeps running (so that its lock stays held by a live
// process) until its standard input closes. It gives up after 30 s without the go file.
import { existsSync } from 'node:fs';
import { takeLock } from './moto-lock';

const [lockPath, goPath] = process.argv.slice(2) as [string, string];
process.stdout.write('ready\n');
const pause = new Int32Array(new SharedArrayBuffer(4));
const deadline = Date.now() + 30_000;
while (!existsSync(goPath)) {
  if (Date.now() > deadline) process.exit(2);
  Atomics.wait(pause, 0, 0, 1);
}
process.stdout.write(takeLock(lockPath) ? 'took\n' : 'declined\n');
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
