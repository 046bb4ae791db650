import type { S3Client } from '@aws-sdk/client-s3';
import { runCli } from '../../support/cli';
import {
  createBucket,
  currentContents,
  listAll,
  motoS3,
  pointInTime,
  put,
  remove,
  versionIds,
} from '../../support/versioned';

// Point-in-time restore against moto_server, through the real CLI entry. After each restore the
// listing must prove two things: no version or delete marker disappeared, and the current state
// equals the state at T.

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});

async function restore(bucket: string, to: string, ...extra: string[]) {
  return runCli(['restore', '--bucket', bucket, '--to', to, '--yes', ...extra]);
}

async function expectNothingDeleted(bucket: string, before: readonly string[]): Promise<void> {
  const after = new Set(await versionIds(s3, bucket));
  expect(before.filter((id) => !after.has(id))).toEqual([]);
}

test('GIVEN a key overwritten after T WHEN restoring to T THEN its content at T is current again', async () => {
  const bucket = await createBucket(s3, 'rs-over');
  await put(s3, bucket, 'doc.txt', 'at T');
  const to = await pointInTime();
  await put(s3, bucket, 'doc.txt', 'after T');
  const before = await versionIds(s3, bucket);

  const result = await restore(bucket, to);

  expect(result.code).toBe(0);
  expect(await currentContents(s3, bucket)).toEqual({ 'doc.txt': 'at T' });
  await expectNothingDeleted(bucket, before);
});

test('GIVEN a key deleted after T WHEN restoring to T THEN it exists again with its content at T', async () => {
  const bucket = await createBucket(s3, 'rs-del');
  await put(s3, bucket, 'doc.txt', 'at T');
  const to = await pointInTime();
  await remove(s3, bucket, 'doc.txt');
  const before = await versionIds(s3, bucket);

  const result = await restore(bucket, to);

  expect(result.code).toBe(0);
  expect(await currentContents(s3, bucket)).toEqual({ 'doc.txt': 'at T' });
  await expectNothingDeleted(bucket, before);
});

test('GIVEN a key deleted and written again after T WHEN restoring to T THEN its content at T is current', async () => {
  const bucket = await createBucket(s3, 'rs-recreate');
  await put(s3, bucket, 'doc.txt', 'at T');
  const to = await pointInTime();
  await remove(s3, bucket, 'doc.txt');
  await put(s3, bucket, 'doc.txt', 'written again');
  const before = await versionIds(s3, bucket);

  const result = await restore(bucket, to);

  expect(result.code).toBe(0);
  expect(await currentContents(s3, bucket)).toEqual({ 'doc.txt': 'at T' });
  await expectNothingDeleted(bucket, before);
});

test('GIVEN a key created after T WHEN restoring to T THEN it gets a delete marker and keeps its version', async () => {
  const bucket = await createBucket(s3, 'rs-late');
  await put(s3, bucket, 'old.txt', 'old');
  const to = await pointInTime();
  await put(s3, bucket, 'new.txt', 'new');
  const before = await versionIds(s3, bucket);

  const result = await restore(bucket, to);

  expect(result.code).toBe(0);
  expect(await currentContents(s3, bucket)).toEqual({ 'old.txt': 'old' });
  const entries = await listAll(s3, bucket);
  expect(entries.filter((e) => e.key === 'new.txt').map((e) => [e.deleteMarker, e.isLatest])).toEqual(
    expect.arrayContaining([
      [true, true],
      [false, false],
    ]),
  );
  await expectNothingDeleted(bucket, before);
});

test('GIVEN a key deleted before T and written after T WHEN restoring to T THEN it is deleted again', async () => {
  const bucket = await createBucket(s3, 'rs-redel');
  await put(s3, bucket, 'doc.txt', 'early');
  await pointInTime(); // the delete in a later second: moto's listing cannot order a same-second pair
  await remove(s3, bucket, 'doc.txt');
  const to = await pointInTime();
  await put(s3, bucket, 'doc.txt', 'after T');
  const before = await versionIds(s3, bucket);

  const result = await restore(bucket, to);

  expect(result.code).toBe(0);
  expect(await currentContents(s3, bucket)).toEqual({});
  await expectNothingDeleted(bucket, before);
});

test('GIVEN several versions written within the same second before T WHEN restoring THEN the last of them is current', async () => {
  const bucket = await createBucket(s3, 'rs-second');
  // Three writes in one second: their LastModified are equal, only S3's list order tells the newest.
  let sameSecond = false;
  for (let attempt = 0; attempt < 5 && !sameSecond; attempt++) {
    await pointInTime();
    for (const body of ['one', 'two', 'three']) await put(s3, bucket, `doc-${attempt}.txt`, body);
    const stamps = (await listAll(s3, bucket)).filter((e) => e.key === `doc-${attempt}.txt`);
    sameSecond = new Set(stamps.map((e) => e.lastModified)).size === 1;
  }
  expect(sameSecond).toBe(true);
  const to = await pointInTime();
  const keys = (await listAll(s3, bucket)).map((e) => e.key);
  for (const key of new Set(keys)) await put(s3, bucket, key, 'after T');

  const result = await restore(bucket, to);

  expect(result.code).toBe(0);
  const contents = await currentContents(s3, bucket);
  expect(new Set(Object.values(contents))).toEqual(new Set(['three']));
});

test('GIVEN changes inside and outside --prefix WHEN restoring with --prefix THEN only keys under it change', async () => {
  const bucket = await createBucket(s3, 'rs-prefix');
  await put(s3, bucket, 'in/doc.txt', 'in at T');
  await put(s3, bucket, 'out/doc.txt', 'out at T');
  const to = await pointInTime();
  await put(s3, bucket, 'in/doc.txt', 'in after T');
  await put(s3, bucket, 'out/doc.txt', 'out after T');

  const result = await restore(bucket, to, '--prefix', 'in/');

  expect(result.code).toBe(0);
  expect(await currentContents(s3, bucket)).toEqual({
    'in/doc.txt': 'in at T',
    'out/doc.txt': 'out after T',
  });
});

test('GIVEN keys with spaces, unicode, + and % WHEN restoring THEN each is restored under its exact key', async () => {
  const bucket = await createBucket(s3, 'rs-keys');
  const keys = ['a b.txt', 'ünï/cødé.txt', 'plus+sign', '100%/done', 'emoji-😀'];
  for (const key of keys) await put(s3, bucket, key, `${key} at T`);
  const to = await pointInTime();
  for (const key of keys) await put(s3, bucket, key, 'after T');

  const result = await restore(bucket, to);

  expect(result.code).toBe(0);
  expect(await currentContents(s3, bucket)).toEqual(Object.fromEntries(keys.map((k) => [k, `${k} at T`])));
});

test('GIVEN the reserved prefix _s3-dr/ changed after T WHEN restoring THEN probes there are left alone', async () => {
  const bucket = await createBucket(s3, 'rs-reserved');
  await put(s3, bucket, 'doc.txt', 'doc');
  const to = await pointInTime();
  await put(s3, bucket, '_s3-dr/probe/1', 'probe');

  const result = await restore(bucket, to);

  expect(result.code).toBe(0);
  expect(await currentContents(s3, bucket)).toEqual({ 'doc.txt': 'doc', '_s3-dr/probe/1': 'probe' });
});

test('GIVEN a restore to T WHEN it runs with --json THEN stdout is one JSON document with plan and result', async () => {
  const bucket = await createBucket(s3, 'rs-json');
  await put(s3, bucket, 'doc.txt', 'at T');
  const to = await pointInTime();
  await put(s3, bucket, 'doc.txt', 'after T');
  await put(s3, bucket, 'new.txt', 'new');

  const result = await runCli(['--json', 'restore', '--bucket', bucket, '--to', to, '--yes']);

  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({
    bucket,
    plan: { keys: 2, copy: 1, 'delete-mark': 1, unchanged: 0, blocked: 0 },
    applied: { copy: 1, 'delete-mark': 1, failed: 0, interrupted: false },
  });
});

test('GIVEN a version and a delete marker in the same second, unordered by the listing, WHEN T falls on them THEN the key is blocked, not guessed', async () => {
  const bucket = await createBucket(s3, 'rs-tie');
  await pointInTime(); // just after a second boundary: the next two writes share a second
  await put(s3, bucket, 'doc.txt', 'early');
  await remove(s3, bucket, 'doc.txt');
  const to = await pointInTime();
  await put(s3, bucket, 'doc.txt', 'after T');
  const before = await versionIds(s3, bucket);

  const result = await restore(bucket, to);

  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/blocked\s+1\n/);
  expect(result.stdout).toContain('written in the same second as the state at T');
  expect(await currentContents(s3, bucket)).toEqual({ 'doc.txt': 'after T' });
  await expectNothingDeleted(bucket, before);
});

test('GIVEN a time before the oldest version WHEN planning THEN the plan opens with a WARNING naming that version time', async () => {
  const bucket = await createBucket(s3, 'rs-early');
  await put(s3, bucket, 'a.txt', 'a');
  await put(s3, bucket, 'b.txt', 'b');
  const oldest = new Date(Math.min(...(await listAll(s3, bucket)).map((e) => e.lastModified))).toISOString();

  const result = await runCli(['restore', '--bucket', bucket, '--to', '2015-05-01T12:00:00Z', '--dry-run']);

  expect(result.code).toBe(0);
  expect(result.stdout.split('\n')[0]).toBe(
    `WARNING: 2015-05-01T12:00:00.000Z is before the oldest version in s3://${bucket}/ (${oldest}): no key existed then, so every current key would be delete-marked. Is the date (the year) right?`,
  );
  expect(result.stdout).toMatch(/to delete-mark\s+2\n/);
});

test('GIVEN a time after the oldest version WHEN planning THEN there is no WARNING', async () => {
  const bucket = await createBucket(s3, 'rs-noearly');
  await put(s3, bucket, 'a.txt', 'a');
  const to = await pointInTime();

  const result = await runCli(['restore', '--bucket', bucket, '--to', to, '--dry-run', '--json']);

  expect(result.stdout.split('\n')[0]).toBe('{');
  expect(result.stderr).not.toContain('WARNING');
  expect(JSON.parse(result.stdout).warnings).toEqual([]);
});
