import type { ChildProcess } from 'node:child_process';

export default async function teardown(): Promise<void> {
  const child = (globalThis as { __MOTO__?: ChildProcess }).__MOTO__;
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}
