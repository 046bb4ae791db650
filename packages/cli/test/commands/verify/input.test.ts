import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { motoEnv, noCredentialsEnv } from '../../../../../test/support/moto';
import { type CliResult, errorLines, runCli, runCliProcess } from '../../support/cli';
import { isListing, type RecordingProxy, startRecordingProxy } from '../../support/recording-proxy';
import { createBucket, motoS3 } from '../../support/versioned';

// Bad input to verify ends with exit code 2 and one clear line on stderr.

let s3: S3Client;
let bucket: string;
let replica: string;
beforeAll(async () => {
  s3 = motoS3();
  bucket = await createBucket(s3, 'vi-ok');
  replica = await createBucket(s3, 'vi-rep');
});

test('GIVEN a replica bucket that does not exist WHEN verifying THEN it exits 2 with one line naming it and nothing before it', async () => {
  const result = await runCli(['--source', bucket, '--replica', 'no-such-replica-s3dr', 'verify']);

  expect(result.code).toBe(2);
  expect(result.stderr).toBe(
    's3-dr: replica bucket no-such-replica-s3dr does not exist: check the bucket name, --env or --region\n',
  );
});

test('GIVEN no readable stack, a primary and no replica by the naming contract WHEN verifying THEN the line says where the name came from and how a vault is named', async () => {
  await s3.send(new CreateBucketCommand({ Bucket: 'primary-bucket-vinovault-123456789012' }));

  const result = await runCli(['verify', '--env', 'vinovault']);

  expect(result.code).toBe(2);
  expect(result.stderr).toBe(
    "s3-dr: replica bucket replica-bucket-vinovault-123456789012 (named by the naming contract for suffix vinovault: its stack was not readable) does not exist: check the bucket name, --env or --region; a vault in another account is named with that account's id: pass --replica-profile or --replica-role-arn to reach it\n",
  );
});

test('GIVEN no target options WHEN verifying THEN it exits 2 and says how to name the buckets', async () => {
  const result = await runCli(['verify']);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    's3-dr: no target: pass --env <suffix>, --outputs <file> or --source <bucket> --replica <bucket>',
  ]);
});

test('GIVEN a --grace that is no duration WHEN verifying THEN it exits 2 with an example', async () => {
  const result = await runCli(['--source', bucket, '--replica', replica, 'verify', '--grace', 'soon']);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    "s3-dr: --grace must be a duration such as 90s, 20m, 1h30m, 1d or 500ms, got 'soon'",
  ]);
});

test('GIVEN --grace 15 without a unit WHEN verifying THEN it exits 2 asking for the unit instead of guessing seconds', async () => {
  const result = await runCli(['--source', bucket, '--replica', 'other', 'verify', '--grace', '15']);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    "s3-dr: --grace needs a unit: 15s, 15m or 15h? (a duration such as 90s, 20m, 1h30m, 1d or 500ms), got '15'",
  ]);
});

describe('GIVEN a report path in a missing directory', () => {
  let proxy: RecordingProxy;
  let result: CliResult;
  beforeAll(async () => {
    proxy = await startRecordingProxy();
    const args = ['--source', bucket, '--replica', replica, 'verify', '--report', '/nonexistent/dir/r.jsonl'];
    result = await runCli(args, { env: { ...motoEnv(), AWS_ENDPOINT_URL: proxy.endpoint } });
  });
  afterAll(() => proxy.close());

  it('WHEN verifying THEN it exits 2 with one line naming the report file and why', () => {
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      's3-dr: cannot write report file /nonexistent/dir/r.jsonl: directory /nonexistent/dir does not exist\n',
    );
  });

  it('WHEN verifying THEN it sends requests but no listing of either bucket', () => {
    expect(proxy.requests().length).toBeGreaterThan(0);
    expect(proxy.requests().filter(isListing)).toEqual([]);
  });
});

test('GIVEN no AWS credentials anywhere WHEN the executable verifies THEN it exits 2 with one line on what to set', async () => {
  const env = noCredentialsEnv();

  const result = await runCliProcess(['--source', bucket, '--replica', replica, 'verify'], env);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    `s3-dr: no AWS credentials found while accessing source bucket ${bucket}: set AWS_PROFILE (or --profile) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
  ]);
});

test('GIVEN the same bucket as source and replica WHEN verifying THEN it exits 1 with one line instead of comparing it with itself', async () => {
  const result = await runCli(['--source', bucket, '--replica', bucket, 'verify']);

  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(
    `s3-dr: source and replica are the same bucket ${bucket}: comparing a bucket with itself proves nothing about its replica\n`,
  );
});

describe('GIVEN an option of --inventory without --inventory', () => {
  let proxy: RecordingProxy;
  beforeAll(async () => {
    proxy = await startRecordingProxy();
  });
  afterAll(() => proxy.close());

  test.each([
    [
      ['--failed-manifest', 'f.csv'],
      '--failed-manifest f.csv lists the failed and missing entries of the S3 Inventory reports',
    ],
    [['--locks'], "--locks reads the replica's Object Lock fields from its S3 Inventory report"],
    [
      ['--source-inventory', 's3://ops/inv/'],
      "--source-inventory s3://ops/inv/ names the source's S3 Inventory reports",
    ],
    [
      ['--replica-inventory', 's3://ops/inv/'],
      "--replica-inventory s3://ops/inv/ names the replica's S3 Inventory reports",
    ],
    [
      ['--inventory-date', '2026-12-01'],
      '--inventory-date 2026-12-01 picks the day of the S3 Inventory reports to compare',
    ],
    [['--engine', 'local'], '--engine local says where the S3 Inventory reports are compared'],
    [
      ['--workgroup', 'wg'],
      '--workgroup wg names the Athena workgroup that compares the S3 Inventory reports',
    ],
    [['--database', 'db'], '--database db names the Glue database of the S3 Inventory tables'],
    [['--max-scan', '1TB'], '--max-scan bounds the Athena query over the S3 Inventory reports'],
    [['--yes'], '--yes allows a large Athena query over the S3 Inventory reports'],
  ])(
    'WHEN verifying with %j THEN it exits 2 with one line asking for --inventory, before any request',
    async (args, line) => {
      const before = proxy.requests().length;

      const result = await runCli(['--source', bucket, '--replica', replica, 'verify', ...args], {
        env: { ...motoEnv(), AWS_ENDPOINT_URL: proxy.endpoint },
      });

      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`s3-dr: ${line}: add --inventory\n`);
      expect(proxy.requests().length).toBe(before);
    },
  );
});
