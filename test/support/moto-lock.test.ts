import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { takeLock } from './moto-lock';

// The lock that gives each concurrent test process its own moto_server (moto-global-setup.ts):
// two processes sharing one would empty each other's buckets.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 's3-dr-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid as number;

test('a free lock is taken and holds the pid', () => {
  const path = join(dir, 'a.lock');
  expect(takeLock(path)).toBe(true);
  expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
});

test('a lock held by a live process is not taken', () => {
  const path = join(dir, 'a.lock');
  writeFileSync(path, String(process.ppid));
  expect(takeLock(path)).toBe(false);
  expect(readFileSync(path, 'utf8')).toBe(String(process.ppid));
});

test('a lock file still being written (empty) counts as held', () => {
  const path = join(dir, 'a.lock');
  writeFileSync(path, '');
  expect(takeLock(path)).toBe(false);
});

test("a dead process's lock is taken over", () => {
  const path = join(dir, 'a.lock');
  writeFileSync(path, String(deadPid()));
  expect(takeLock(path)).toBe(true);
  expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
  // The takeover file is gone: the next takeover of this lock is not blocked.
  expect(existsSync(`${path}.takeover`)).toBe(false);
});

test("of many processes finding the same dead owner's lock at once, exactly one takes it", async () => {
  for (let round = 0; round < 2; round++) {
    const path = join(dir, `round-${round}.lock`);
    writeFileSync(path, String(deadPid()));
    const answers = await race(path, 6);
    const takers = answers.filter(({ answer }) => answer === 'took');
    expect(answers.map(({ answer }) => answer).sort()).toEqual([...Array(5).fill('declined'), 'took']);
    expect(readFileSync(path, 'utf8')).toBe(String(takers[0]?.pid));
    expect(existsSync(`${path}.takeover`)).toBe(false);
  }
}, 60_000);

/** Starts `count` processes that all call takeLock(path) at once; what each answered. */
async function race(path: string, count: number): Promise<{ pid: number; answer: string | undefined }[]> {
  const go = `${path}.go`;
  const racers = Array.from({ length: count }, () => {
    const racer = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'lock-racer.ts'), path, go], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => racer.once('exit', resolve));
    return { racer, exited, lines: createInterface({ input: racer.stdout })[Symbol.asyncIterator]() };
  });
  try {
    // Each says "ready" first: all of them are waiting for the go file before it is written.
    for (const { lines } of racers) expect((await lines.next()).value).toBe('ready');
    writeFileSync(go, '');
    return await Promise.all(
      racers.map(async ({ racer, lines }) => ({
        pid: racer.pid as number,
        answer: (await lines.next()).value,
      })),
    );
  } finally {
    // Also when a racer failed: the others must not wait for the go file, nor outlive the test.
    writeFileSync(go, '');
    for (const { racer } of racers) racer.stdin.end();
    const grace = setTimeout(() => {
      for (const { racer } of racers) if (racer.exitCode === null) racer.kill('SIGKILL');
    }, 5_000);
    await Promise.all(racers.map(({ exited }) => exited));
    clearTimeout(grace);
  }
}
