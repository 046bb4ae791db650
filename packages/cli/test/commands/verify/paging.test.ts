import type { S3Client } from '@aws-sdk/client-s3';
import { runCli } from '../../support/cli';
import { createBucket, motoS3, putMany } from '../../support/versioned';

// More than 1000 versions per bucket: the listings take several pages (1000 entries each), and
// keys on later pages must still be joined with their counterpart.

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});

test('GIVEN 1010 keys with one missing on the second page WHEN verifying THEN exactly that key is missing', async () => {
  const keys = Array.from({ length: 1010 }, (_, i) => ({
    key: `k/${String(i).padStart(5, '0')}`,
    body: `${i}`,
  }));
  const [source, replica] = await Promise.all([createBucket(s3, 'vp-src'), createBucket(s3, 'vp-rep')]);
  await Promise.all([
    putMany(s3, source, keys),
    putMany(
      s3,
      replica,
      keys.filter((k) => k.key !== 'k/01005'),
    ),
  ]);

  const result = await runCli(['--source', source, '--replica', replica, 'verify', '--grace', '0', '--json']);

  expect(result.code).toBe(1);
  expect(JSON.parse(result.stdout)).toMatchObject({
    keys: 1010,
    counts: { missing: 1, mismatch: 0, extra: 0 },
    differences: [{ kind: 'missing', key: 'k/01005' }],
  });
}, 60_000);
