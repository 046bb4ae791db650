import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { manifestLine, openS3Manifest, parseManifestLine } from '../../../src/shared/batch/manifest';
import { createBucket, motoS3 } from '../../support/versioned';

const AWKWARD_KEYS = [
  'plain.txt',
  'with space.txt',
  'a+b=c.txt',
  '100%/done.txt',
  'dir/sub dir/ünïcødé-日本語.txt',
  'comma,and"quote.csv',
  'new\nline',
  '//double//slash/',
];

describe('manifest lines', () => {
  test.each(AWKWARD_KEYS)('key %j is URL-encoded on one line and decodes back to itself', (key) => {
    const line = manifestLine({ bucket: 'b', key, versionId: 'v1' });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\n"]/);
    expect(line.split(',')).toHaveLength(3);
    expect(parseManifestLine(line)).toEqual({ bucket: 'b', key, versionId: 'v1' });
  });

  test('a space is %20 and a plus %2B (S3 would read a bare + as a space)', () => {
    expect(manifestLine({ bucket: 'b', key: 'a b+c', versionId: 'v' })).toBe('b,a%20b%2Bc,v\n');
  });
});

describe('a manifest streamed to S3', () => {
  let s3: S3Client;
  let bucket: string;
  beforeAll(async () => {
    s3 = motoS3();
    bucket = await createBucket(s3, 'manifest');
  });

  test('GIVEN more lines than one part WHEN streamed THEN a part is uploaded as soon as it fills and the object holds every line', async () => {
    const counted = motoS3();
    let partsSent = 0;
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UploadPartCommand') partsSent++;
        return next(args);
      },
      { step: 'initialize' },
    );
    const writer = await openS3Manifest(counted, bucket, 'manifests/big.csv', 5 * 1024 ** 2);
    const lines: string[] = [];
    let partsBeforeClose = 0;
    for (let i = 0; i < 120_000; i++) {
      const entry = { bucket: 'source-bucket', key: `dir/key ${i}+é`, versionId: `version-${i}` };
      lines.push(manifestLine(entry));
      await writer.add(entry);
    }
    partsBeforeClose = partsSent;
    const { count, etag } = await writer.close();

    // One 5 MiB part went out while lines were still being added: memory holds one part at most.
    expect(partsBeforeClose).toBe(1);
    expect(partsSent).toBe(2);
    expect(count).toBe(120_000);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'manifests/big.csv' }));
    // A multipart ETag: "<md5 of the part digests>-<parts>"; the job spec pins it.
    expect(etag).toMatch(/^[0-9a-f]{32}-2$/);
    expect(head.ETag?.replace(/"/g, '')).toBe(etag);
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'manifests/big.csv' }));
    expect(await res.Body?.transformToString('utf8')).toBe(lines.join(''));
  });

  test('GIVEN an aborted manifest THEN no object is left', async () => {
    const writer = await openS3Manifest(s3, bucket, 'manifests/aborted.csv');
    await writer.add({ bucket: 'b', key: 'k', versionId: 'v' });
    await writer.abort();
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'manifests/aborted.csv' })),
    ).rejects.toThrow();
  });
});
