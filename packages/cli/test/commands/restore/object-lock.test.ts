import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectLockConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { uniqueBucket } from '../../../../../test/support/moto';
import { runCli } from '../../support/cli';
import {
  createBucket,
  currentContents,
  motoS3,
  pointInTime,
  put,
  remove,
  versionIds,
} from '../../support/versioned';

// restore into a bucket with Object Lock (the locked replica, or any locked target) on moto_server:
// copies are new versions and delete markers only hide keys, so the restore works under a default
// retention and deletes nothing; its plan says so.

jest.mock('../../../src/shared/aws', () => {
  const actual = jest.requireActual('../../../src/shared/aws');
  const { withCopiesIntoLockedBuckets } = jest.requireActual('../../support/object-lock-fidelity');
  return {
    ...actual,
    createClients: (options: unknown) => withCopiesIntoLockedBuckets(actual.createClients(options)),
  };
});

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});

/** A bucket created with Object Lock and a COMPLIANCE default retention of one day. */
async function lockedBucket(prefix: string): Promise<string> {
  const bucket = uniqueBucket(prefix);
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  await s3.send(
    new PutObjectLockConfigurationCommand({
      Bucket: bucket,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } },
      },
    }),
  );
  return bucket;
}

const PLAN_LINE = (bucket: string) =>
  `object lock: s3://${bucket} has Object Lock: each copy is a new version locked by its default retention (COMPLIANCE, 1 day); delete markers only hide keys; nothing is deleted`;

test('GIVEN a locked bucket WHEN restored in place THEN the plan says so, the state at T comes back and no version is deleted', async () => {
  const bucket = await lockedBucket('rl-inplace');
  await put(s3, bucket, 'kept', 'kept at T');
  await put(s3, bucket, 'deleted', 'deleted at T');
  const to = await pointInTime();
  await put(s3, bucket, 'kept', 'after T');
  await remove(s3, bucket, 'deleted');
  await put(s3, bucket, 'late', 'late');
  const before = await versionIds(s3, bucket);

  const result = await runCli(['restore', '--bucket', bucket, '--to', to, '--yes']);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain(PLAN_LINE(bucket));
  expect(await currentContents(s3, bucket)).toEqual({ kept: 'kept at T', deleted: 'deleted at T' });
  expect(await versionIds(s3, bucket)).toEqual(expect.arrayContaining(before));
});

test('GIVEN a locked target bucket WHEN restoring into it THEN every copy is a version locked in compliance mode', async () => {
  const source = await createBucket(s3, 'rl-src');
  await put(s3, source, 'a', 'a at T');
  const to = await pointInTime();
  await put(s3, source, 'a', 'after T');
  const target = await lockedBucket('rl-dst');

  const result = await runCli([
    'restore',
    '--bucket',
    source,
    '--to',
    to,
    '--target-bucket',
    target,
    '--yes',
  ]);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain(PLAN_LINE(target));
  expect(await currentContents(s3, target)).toEqual({ a: 'a at T' });
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: target }));
  const copy = versions.Versions?.[0];
  // HeadObject, not GetObjectRetention: moto 5.2 answers the latter with a body the SDK cannot parse.
  const head = await s3.send(new HeadObjectCommand({ Bucket: target, Key: 'a', VersionId: copy?.VersionId }));
  expect(head.ObjectLockMode).toBe('COMPLIANCE');
  expect(head.ObjectLockRetainUntilDate?.getTime()).toBeGreaterThan(Date.now());
});

test('GIVEN a locked target WHEN planning with --json THEN the plan on stderr and the JSON both carry the Object Lock', async () => {
  const source = await createBucket(s3, 'rl-src');
  await put(s3, source, 'a', 'a at T');
  const to = await pointInTime();
  const target = await lockedBucket('rl-dst');

  const result = await runCli([
    'restore',
    '--bucket',
    source,
    '--to',
    to,
    '--target-bucket',
    target,
    '--json',
  ]);

  expect(result.code).toBe(0);
  expect(result.stderr).toContain(PLAN_LINE(target));
  expect(JSON.parse(result.stdout).objectLock).toEqual({ enabled: true, mode: 'COMPLIANCE', days: 1 });
});

test('GIVEN a target without Object Lock WHEN planning THEN the plan has no Object Lock line', async () => {
  const source = await createBucket(s3, 'rl-src');
  await put(s3, source, 'a', 'a at T');
  const to = await pointInTime();
  const target = await createBucket(s3, 'rl-dst');

  const result = await runCli(['restore', '--bucket', source, '--to', to, '--target-bucket', target]);

  expect(result.stdout).not.toContain('object lock:');
});
