import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CopyObjectCommand, DeleteObjectCommand, DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { runCli } from '../../support/cli';
import {
  createBucket,
  currentContents,
  motoS3,
  pointInTime,
  putMany,
  remove,
  versionIds,
} from '../../support/versioned';

// Idempotence, resumability and the "plan first" rule of restore, against moto_server.

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});
afterEach(() => {
  jest.restoreAllMocks();
});

const KEYS = Array.from({ length: 12 }, (_, i) => `k/${String(i).padStart(2, '0')}`);

/** A bucket where every key of KEYS was overwritten after T, and `gone` deleted after T. */
async function changedAfterT(prefix: string): Promise<{ bucket: string; to: string }> {
  const bucket = await createBucket(s3, prefix);
  await putMany(
    s3,
    bucket,
    [...KEYS, 'gone'].map((key) => ({ key, body: `${key} at T` })),
  );
  const to = await pointInTime();
  await putMany(
    s3,
    bucket,
    KEYS.map((key) => ({ key, body: 'after T' })),
  );
  await remove(s3, bucket, 'gone');
  return { bucket, to };
}

const stateAtT = (): Record<string, string> =>
  Object.fromEntries([...KEYS, 'gone'].map((k) => [k, `${k} at T`]));

/**
 * Records every command the CLI (or anything in this process) sends. With `interruptAt`, the
 * SIGINT handlers registered after this call (the CLI's, not jest's) are invoked when that many
 * CopyObject requests were sent: the same as pressing Ctrl-C at that point.
 */
function recordCommands(interruptAt?: number): { name: string; input: Record<string, unknown> }[] {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const original = S3Client.prototype.send;
  const jestHandlers = new Set(process.listeners('SIGINT'));
  jest.spyOn(S3Client.prototype, 'send').mockImplementation(function (this: S3Client, ...args: unknown[]) {
    const command = args[0] as { constructor: { name: string }; input: Record<string, unknown> };
    sent.push({ name: command.constructor.name, input: command.input });
    const copies = sent.filter((c) => c.name === CopyObjectCommand.name).length;
    if (command instanceof CopyObjectCommand && copies === interruptAt) {
      for (const handler of process.listeners('SIGINT')) {
        if (!jestHandlers.has(handler)) (handler as () => void)();
      }
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
  });
  return sent;
}

const restoreArgs = (bucket: string, to: string, ...extra: string[]): string[] => [
  '--concurrency',
  '1',
  'restore',
  '--bucket',
  bucket,
  '--to',
  to,
  ...extra,
];

test('GIVEN a finished restore WHEN the same restore runs again THEN it plans nothing and writes nothing', async () => {
  const { bucket, to } = await changedAfterT('rs-again');
  expect((await runCli(restoreArgs(bucket, to, '--yes'))).code).toBe(0);
  const before = await versionIds(s3, bucket);

  const second = await runCli(restoreArgs(bucket, to, '--yes'));

  expect(second.code).toBe(0);
  expect(second.stdout).toContain('Nothing to change.');
  expect(await versionIds(s3, bucket)).toEqual(before);
});

test('GIVEN a restore interrupted after 3 copies WHEN it is run again THEN it exits 1 first and finishes the job', async () => {
  const { bucket, to } = await changedAfterT('rs-resume');
  const sent = recordCommands(3);
  const first = await runCli(restoreArgs(bucket, to, '--yes'));
  const copiesBeforeInterrupt = sent.filter((c) => c.name === CopyObjectCommand.name).length;
  jest.restoreAllMocks();

  const second = await runCli(restoreArgs(bucket, to, '--yes'));

  expect([first.code, first.stdout.includes('INTERRUPTED'), copiesBeforeInterrupt]).toEqual([1, true, 3]);
  expect(second.code).toBe(0);
  expect(await currentContents(s3, bucket)).toEqual(stateAtT());
});

test('GIVEN an interrupted restore WHEN it is run again THEN no key is copied twice', async () => {
  const { bucket, to } = await changedAfterT('rs-once');
  const before = (await versionIds(s3, bucket)).length;
  recordCommands(3);
  await runCli(restoreArgs(bucket, to, '--yes'));
  jest.restoreAllMocks();

  await runCli(restoreArgs(bucket, to, '--yes'));

  // One new version per changed key: 12 copies and 1 copy for `gone`.
  expect((await versionIds(s3, bucket)).length).toBe(before + KEYS.length + 1);
});

test('GIVEN --dry-run WHEN restoring THEN the plan is printed and nothing is written', async () => {
  const { bucket, to } = await changedAfterT('rs-dry');
  const before = await versionIds(s3, bucket);

  const result = await runCli(restoreArgs(bucket, to, '--dry-run'));

  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/to copy +13/);
  expect(result.stdout).toContain('Dry run: nothing written.');
  expect(await versionIds(s3, bucket)).toEqual(before);
});

test('GIVEN neither --yes nor --dry-run WHEN restoring THEN nothing is written and --yes is asked for', async () => {
  const { bucket, to } = await changedAfterT('rs-noyes');
  const before = await versionIds(s3, bucket);

  const result = await runCli(restoreArgs(bucket, to));

  expect(result.stdout).toContain('add --yes to apply');
  expect(await versionIds(s3, bucket)).toEqual(before);
});

test('GIVEN a restore that adds delete markers WHEN it runs THEN no delete request names a version', async () => {
  const bucket = await createBucket(s3, 'rs-nover');
  await putMany(s3, bucket, [{ key: 'old', body: 'old' }]);
  const to = await pointInTime();
  await putMany(
    s3,
    bucket,
    KEYS.map((key) => ({ key, body: 'new' })),
  );
  const sent = recordCommands();

  const result = await runCli(restoreArgs(bucket, to, '--yes'));

  const deletes = sent.filter(
    (c) => c.name === DeleteObjectCommand.name || c.name === DeleteObjectsCommand.name,
  );
  expect(result.code).toBe(0);
  expect(deletes).toHaveLength(KEYS.length);
  expect(deletes.filter((c) => c.name !== DeleteObjectCommand.name || 'VersionId' in c.input)).toEqual([]);
});

test('GIVEN a restore with --report WHEN it applies THEN the file lists every action with its result', async () => {
  const { bucket, to } = await changedAfterT('rs-report');
  const report = join(mkdtempSync(join(tmpdir(), 's3dr-')), 'restore.jsonl');

  await runCli(restoreArgs(bucket, to, '--yes', '--report', report));

  const lines = readFileSync(report, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines).toHaveLength(KEYS.length + 1);
  expect(lines.every((l) => l.status === 'done' && l.action === 'copy' && l.newVersionId)).toBe(true);
});
