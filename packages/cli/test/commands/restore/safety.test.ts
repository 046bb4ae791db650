import {
  GetObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { errorLines, runCli } from '../../support/cli';
import { createBucket, motoS3, pointInTime, put } from '../../support/versioned';

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});

async function changedAfterT(prefix: string): Promise<{ bucket: string; to: string }> {
  const bucket = await createBucket(s3, prefix);
  await put(s3, bucket, 'doc', 'at T');
  const to = await pointInTime();
  await put(s3, bucket, 'doc', 'after T');
  return { bucket, to };
}

test('GIVEN a versioning-suspended target bucket WHEN restoring into it THEN it exits 2 with one line and writes nothing', async () => {
  const { bucket, to } = await changedAfterT('rsf-src');
  const target = await createBucket(s3, 'rsf-susp', 'none');
  await s3.send(new PutObjectCommand({ Bucket: target, Key: 'doc', Body: 'precious null version' }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: target, VersioningConfiguration: { Status: 'Suspended' } }),
  );

  const result = await runCli([
    'restore',
    '--bucket',
    bucket,
    '--to',
    to,
    '--target-bucket',
    target,
    '--yes',
  ]);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    `s3-dr: target bucket ${target} is versioning-suspended: a copy would overwrite its null versions; enable versioning on it or choose another bucket`,
  ]);
  const body = await (
    await s3.send(new GetObjectCommand({ Bucket: target, Key: 'doc' }))
  ).Body?.transformToString();
  expect(body).toBe('precious null version');
});

test('GIVEN --json WHEN a restore applies THEN the plan is shown on stderr and stdout stays one JSON document', async () => {
  const { bucket, to } = await changedAfterT('rsf-json');

  const result = await runCli(['--json', 'restore', '--bucket', bucket, '--to', to, '--yes']);

  expect(result.code).toBe(0);
  expect(result.stderr).toMatch(/plan for 1 key:\n\s+to copy\s+1\n/);
  expect(JSON.parse(result.stdout).applied.copy).toBe(1);
});
