import { RestoreObjectCommand, S3Client } from '@aws-sdk/client-s3';
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

// restore --target-bucket (copy the state at T elsewhere) and archived versions, against moto_server.

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});
afterEach(() => {
  jest.restoreAllMocks();
});

/** A source bucket with: kept (overwritten after T), deleted (deleted after T), late (created after T). */
async function source(): Promise<{ bucket: string; to: string }> {
  const bucket = await createBucket(s3, 'rt-src');
  await put(s3, bucket, 'kept', 'kept at T');
  await put(s3, bucket, 'deleted', 'deleted at T');
  const to = await pointInTime();
  await put(s3, bucket, 'kept', 'after T');
  await remove(s3, bucket, 'deleted');
  await put(s3, bucket, 'late', 'late');
  return { bucket, to };
}

/** Runs `restore` of `bucket` as of `to` into `target`, with `extra` options (e.g. --yes). */
const restoreInto = (bucket: string, to: string, target: string, ...extra: string[]) =>
  runCli(['restore', '--bucket', bucket, '--to', to, '--target-bucket', target, ...extra]);

test('GIVEN --target-bucket WHEN restoring THEN the target holds the state at T and the source is untouched', async () => {
  const { bucket, to } = await source();
  const target = await createBucket(s3, 'rt-dst');
  const sourceBefore = await versionIds(s3, bucket);

  const result = await restoreInto(bucket, to, target, '--yes');

  expect(result.code).toBe(0);
  expect(await currentContents(s3, target)).toEqual({ kept: 'kept at T', deleted: 'deleted at T' });
  expect(await versionIds(s3, bucket)).toEqual(sourceBefore);
});

test('GIVEN --target-prefix WHEN restoring into a target bucket THEN every key lands under that prefix', async () => {
  const { bucket, to } = await source();
  const target = await createBucket(s3, 'rt-dst');

  await restoreInto(bucket, to, target, '--target-prefix', 'T/', '--yes');

  expect(await currentContents(s3, target)).toEqual({ 'T/kept': 'kept at T', 'T/deleted': 'deleted at T' });
});

test('GIVEN a target holding keys absent at T WHEN restoring into it THEN the plan delete-marks them (reserved keys aside), its counts cover every key, and the target ends in the state at T without losing a version', async () => {
  const { bucket, to } = await source();
  const target = await createBucket(s3, 'rt-dst');
  await put(s3, target, 'late', 'the target own late');
  await put(s3, target, 'other', 'the target own other');
  await put(s3, target, '_s3-dr/probe', 'a probe of the target, reserved');
  const before = await versionIds(s3, target);

  const plan = await restoreInto(bucket, to, target);
  const result = await restoreInto(bucket, to, target, '--yes');

  expect(plan.stdout).toContain('plan for 4 keys:');
  expect(plan.stdout).toContain('  to copy              2');
  expect(plan.stdout).toContain('  to delete-mark       2');
  expect(plan.stdout).toContain('  unchanged            0');
  expect(plan.stdout).toContain('delete-mark     "late" (did not exist at T, present in the target)');
  expect(plan.stdout).toContain('delete-mark     "other" (did not exist at T, present in the target)');
  expect(result.code).toBe(0);
  expect(await currentContents(s3, target)).toEqual({
    kept: 'kept at T',
    deleted: 'deleted at T',
    '_s3-dr/probe': 'a probe of the target, reserved',
  });
  const after = await versionIds(s3, target);
  expect(before.filter((id) => !after.includes(id))).toEqual([]);
});

test('GIVEN a restore into a target bucket WHEN it runs a second time THEN nothing is written', async () => {
  const { bucket, to } = await source();
  const target = await createBucket(s3, 'rt-dst');
  await restoreInto(bucket, to, target, '--yes');
  const before = await versionIds(s3, target);

  const second = await restoreInto(bucket, to, target, '--yes');

  expect(second.stdout).toContain('Nothing to change.');
  expect(await versionIds(s3, target)).toEqual(before);
});

test('GIVEN an unversioned target holding a different object and a key absent at T WHEN restoring into it THEN both are blocked, neither overwritten nor deleted', async () => {
  const { bucket, to } = await source();
  const target = await createBucket(s3, 'rt-unv', 'none');
  await put(s3, target, 'kept', 'precious');
  await put(s3, target, 'late', 'precious too');

  const result = await restoreInto(bucket, to, target, '--yes');

  expect(result.code).toBe(1);
  expect(result.stdout).toContain('  blocked              2');
  expect(await currentContents(s3, target)).toEqual({
    kept: 'precious',
    late: 'precious too',
    deleted: 'deleted at T',
  });
});

test('GIVEN the version at T is in GLACIER WHEN restoring THEN the key is reported blocked and left alone', async () => {
  const bucket = await createBucket(s3, 'rt-glacier');
  await put(s3, bucket, 'cold', 'cold at T', { StorageClass: 'GLACIER' });
  const to = await pointInTime();
  await put(s3, bucket, 'cold', 'after T');

  const result = await runCli(['restore', '--bucket', bucket, '--to', to, '--yes']);

  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/blocked +1/);
  expect(result.stdout).toContain('pass --restore-archived');
  expect(await currentContents(s3, bucket)).toEqual({ cold: 'after T' });
});

test('GIVEN the version at T is in GLACIER WHEN restoring with --restore-archived THEN a RestoreObject of that version is started (7 days, Standard tier)', async () => {
  const bucket = await createBucket(s3, 'rt-thaw');
  const atT = await put(s3, bucket, 'cold', 'cold at T', { StorageClass: 'GLACIER' });
  const to = await pointInTime();
  // moto restores the *current* version whatever VersionId says, and refuses if that one is not
  // archived: keep the newer version in GLACIER too; the request itself is checked below.
  await put(s3, bucket, 'cold', 'after T', { StorageClass: 'GLACIER' });
  const original = S3Client.prototype.send;
  const restores: unknown[] = [];
  jest.spyOn(S3Client.prototype, 'send').mockImplementation(function (this: S3Client, ...args: unknown[]) {
    if (args[0] instanceof RestoreObjectCommand) restores.push(args[0].input);
    return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
  });

  const result = await runCli(['restore', '--bucket', bucket, '--to', to, '--restore-archived', '--yes']);

  jest.restoreAllMocks();
  expect(result.stdout).toContain('1 archive restore started');
  expect(restores).toEqual([
    expect.objectContaining({
      Bucket: bucket,
      Key: 'cold',
      VersionId: atT,
      RestoreRequest: { Days: 7, GlacierJobParameters: { Tier: 'Standard' } },
    }),
  ]);
});

test('GIVEN an archive restore was started WHEN the restore ends THEN it exits 1: the job is not finished yet', async () => {
  const bucket = await createBucket(s3, 'rt-wait');
  await put(s3, bucket, 'cold', 'cold at T', { StorageClass: 'GLACIER' });
  const to = await pointInTime();
  await put(s3, bucket, 'cold', 'after T', { StorageClass: 'GLACIER' });

  const result = await runCli(['restore', '--bucket', bucket, '--to', to, '--restore-archived', '--yes']);

  expect(result.code).toBe(1);
});
