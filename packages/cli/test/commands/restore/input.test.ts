import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { noCredentialsEnv } from '../../../../../test/support/moto';
import { errorLines, runCli, runCliProcess } from '../../support/cli';
import { createBucket, currentContents, motoS3, pointInTime, put } from '../../support/versioned';

// Bad input ends with exit code 2 and one clear line on stderr, before anything is written.

let s3: S3Client;
let bucket: string;
beforeAll(async () => {
  s3 = motoS3();
  bucket = await createBucket(s3, 'ri-ok');
  await put(s3, bucket, 'doc.txt', 'doc');
});

const restoreTo = (to: string, ...extra: string[]) =>
  runCli(['restore', '--bucket', bucket, '--to', to, '--yes', ...extra]);

test('GIVEN a time without a zone WHEN restoring THEN it exits 2 asking for a zone', async () => {
  const result = await restoreTo('2024-05-01T12:00:00');

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    "s3-dr: --to '2024-05-01T12:00:00' is not a valid point in time: it has no time zone: add Z for UTC or an offset such as +02:00",
  ]);
});

test('GIVEN a date that does not exist WHEN restoring THEN it exits 2 with one line', async () => {
  const result = await restoreTo('2024-02-30T12:00:00Z');

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    "s3-dr: --to '2024-02-30T12:00:00Z' is not a valid point in time: no such date or time of day",
  ]);
});

test('GIVEN text that is no time at all WHEN restoring THEN it exits 2 with an example of the format', async () => {
  const result = await restoreTo('yesterday');

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)[0]).toContain('e.g. 2024-05-01T12:00:00Z');
});

test('GIVEN a time in the future WHEN restoring THEN it exits 2 and says so', async () => {
  const result = await restoreTo(new Date(Date.now() + 3_600_000).toISOString());

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)[0]).toMatch(/is in the future/);
});

test.each([
  ['--bucket', 'primray', 'primary'],
  ['--bucket', 'replcia', 'replica'],
  ['--target-bucket', 'Replica', 'replica'],
])(
  'GIVEN %s %s, a bucket that does not exist WHEN restoring THEN it asks whether %s was meant',
  async (option, name, word) => {
    const args = option === '--bucket' ? ['--bucket', name] : ['--bucket', bucket, option, name];

    const result = await runCli(['restore', ...args, '--to', '2024-05-01T12:00:00Z']);

    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      `s3-dr: bucket ${name} does not exist: did you mean ${option} ${word}, the ${word} bucket of the target (--env, --outputs or --source/--replica)?`,
    ]);
  },
);

test('GIVEN a bucket that does not exist WHEN restoring THEN it exits 2 naming the bucket', async () => {
  const result = await runCli(['restore', '--bucket', 'no-such-bucket-s3dr', '--to', '2024-05-01T12:00:00Z']);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    's3-dr: bucket no-such-bucket-s3dr does not exist: check the bucket name, --env or --region',
  ]);
});

test('GIVEN an unversioned bucket WHEN restoring THEN it exits 2: there is no history to restore from', async () => {
  const plain = await createBucket(s3, 'ri-plain', 'none');

  const result = await runCli(['restore', '--bucket', plain, '--to', '2024-05-01T12:00:00Z', '--yes']);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    `s3-dr: bucket ${plain} is not versioned: a point-in-time restore needs the version history of a versioning-enabled bucket`,
  ]);
});

test('GIVEN a versioning-suspended bucket WHEN restoring THEN it exits 2', async () => {
  const suspended = await createBucket(s3, 'ri-susp', 'Suspended');

  const result = await runCli(['restore', '--bucket', suspended, '--to', '2024-05-01T12:00:00Z', '--yes']);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)[0]).toContain(`bucket ${suspended} is versioning-suspended`);
});

test('GIVEN --yes and --dry-run together WHEN restoring THEN it exits 2 and writes nothing', async () => {
  const to = await pointInTime();
  await put(s3, bucket, 'doc.txt', 'after T');

  const result = await restoreTo(to, '--dry-run');

  expect(result.code).toBe(2);
  expect(await currentContents(s3, bucket)).toEqual({ 'doc.txt': 'after T' });
});

test('GIVEN --target-prefix without --target-bucket WHEN restoring THEN it exits 2', async () => {
  const result = await restoreTo('2024-05-01T12:00:00Z', '--target-prefix', 'x/');

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual(['s3-dr: --target-prefix needs --target-bucket']);
});

test("GIVEN --bucket primary WHEN restoring THEN it resolves to the target's source bucket", async () => {
  const result = await runCli([
    '--source',
    bucket,
    '--replica',
    'unused-replica',
    'restore',
    '--bucket',
    'primary',
    '--to',
    '2024-05-01T12:00:00Z',
    '--dry-run',
  ]);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`restore s3://${bucket}/ to its state at 2024-05-01T12:00:00.000Z`);
});

test('GIVEN no AWS credentials anywhere WHEN the executable restores THEN it exits 2 with one line on what to set', async () => {
  const env = noCredentialsEnv();

  const result = await runCliProcess(['restore', '--bucket', bucket, '--to', '2024-05-01T12:00:00Z'], env);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    `s3-dr: no AWS credentials found while accessing bucket ${bucket}: set AWS_PROFILE (or --profile) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
  ]);
});

test('GIVEN a --journal in a directory that does not exist WHEN restoring THEN it exits 2 naming the journal and why, and writes nothing', async () => {
  const to = await pointInTime();
  await put(s3, bucket, 'doc.txt', 'after T');

  const result = await restoreTo(to, '--journal', '/nonexistent/j.jsonl');

  expect(result.code).toBe(2);
  expect(result.stderr).toBe(
    's3-dr: cannot write restore journal /nonexistent/j.jsonl: directory /nonexistent does not exist\n',
  );
  expect(await currentContents(s3, bucket)).toEqual({ 'doc.txt': 'after T' });
});

test('GIVEN a --journal that is a directory WHEN restoring THEN it exits 2 saying so in words', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's3-dr-journal-'));

  const result = await restoreTo('2024-05-01T12:00:00Z', '--journal', dir);

  expect(result.code).toBe(2);
  expect(result.stderr).toBe(`s3-dr: cannot read restore journal ${dir}: it is a directory\n`);
});
