import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { type Copied, copySource, copyVersion, partRanges } from '../../src/shared/copy';
import { createBucket, motoS3, put } from '../support/versioned';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

test('GIVEN a 12 GiB object WHEN planning its parts THEN they cover every byte once, in 512 MiB parts', () => {
  const ranges = partRanges(12 * GiB);
  expect(ranges).toHaveLength(24);
  expect(ranges[0]).toEqual([0, 512 * MiB - 1]);
  expect(ranges.at(-1)).toEqual([12 * GiB - 512 * MiB, 12 * GiB - 1]);
});

test('GIVEN a 5 TiB object WHEN planning its parts THEN there are 10,000, each a 10,000th of it rounded up', () => {
  const size = 5 * 1024 * GiB;
  const part = Math.ceil(size / 10_000);
  const ranges = partRanges(size);
  expect([ranges.length, ranges[0], ranges.at(-1)]).toEqual([
    10_000,
    [0, part - 1],
    [9_999 * part, size - 1],
  ]);
});

test('GIVEN a part size below the 5 MiB minimum WHEN planning the parts THEN they are 5 MiB', () => {
  expect(partRanges(12 * MiB, MiB)).toEqual([
    [0, 5 * MiB - 1],
    [5 * MiB, 10 * MiB - 1],
    [10 * MiB, 12 * MiB - 1],
  ]);
});

test('GIVEN a key with spaces, + and unicode WHEN naming the copy source THEN each path segment is URL-encoded', () => {
  expect(copySource('b', 'a b/ü+%', 'v 1')).toBe('b/a%20b/%C3%BC%2B%25?versionId=v%201');
});

test('GIVEN an old version with metadata and tags WHEN copied in one request THEN both are carried over', async () => {
  const s3 = motoS3();
  const bucket = await createBucket(s3, 'cp-single');
  const old = await put(s3, bucket, 'doc', 'old', {
    ContentType: 'text/x-old',
    Metadata: { a: '1' },
    Tagging: 't=1',
  });
  await put(s3, bucket, 'doc', 'new');

  await copyVersion(s3, {
    sourceBucket: bucket,
    key: 'doc',
    versionId: old,
    size: 3,
    targetBucket: bucket,
    targetKey: 'doc',
  });

  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc' }));
  const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'doc' }));
  expect([await res.Body?.transformToString(), res.ContentType, res.Metadata, tags.TagSet]).toEqual([
    'old',
    'text/x-old',
    { a: '1' },
    [{ Key: 't', Value: '1' }],
  ]);
});

/** Copies the version `versionId` of `key` onto `copy` in the same bucket. */
function copyWithin(s3: S3Client, bucket: string, key: string, versionId: string, size: number, tuning = {}) {
  return copyVersion(
    s3,
    { sourceBucket: bucket, key, versionId, size, targetBucket: bucket, targetKey: 'copy' },
    tuning,
  );
}

async function etagOf(
  s3: S3Client,
  bucket: string,
  key: string,
  versionId: string,
): Promise<string | undefined> {
  return (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }))).ETag;
}

/**
 * Lets `see` look at each request `s3` sends before it goes to moto; a promise `see` returns answers
 * the request instead. Returns the answers moto is still to give (settled, never rejected).
 */
function watchSends(s3: S3Client, see: (command: unknown) => Promise<never> | undefined): Promise<unknown>[] {
  const send = s3.send.bind(s3) as (command: unknown) => Promise<unknown>;
  const answers: Promise<unknown>[] = [];
  jest.spyOn(s3, 'send').mockImplementation(((command: unknown) => {
    const instead = see(command);
    if (instead) return instead;
    const answer = send(command);
    answers.push(answer.catch(() => undefined));
    return answer;
  }) as never);
  return answers;
}

test('GIVEN a version copied in one request WHEN it is sent THEN it says COPY for metadata and tags (moto copies both whatever it says)', async () => {
  const s3 = motoS3();
  const bucket = await createBucket(s3, 'cp-directives');
  const source = await put(s3, bucket, 'doc', 'seven b');
  const copies: unknown[] = [];
  watchSends(s3, (command) => {
    if (command instanceof CopyObjectCommand) copies.push(command.input);
    return undefined;
  });

  await copyWithin(s3, bucket, 'doc', source, 7);

  expect(copies).toEqual([expect.objectContaining({ MetadataDirective: 'COPY', TaggingDirective: 'COPY' })]);
});

test('GIVEN a small version and no tuning WHEN copied THEN it is one CopyObject: the copy keeps the ETag of the source', async () => {
  const s3 = motoS3();
  const bucket = await createBucket(s3, 'cp-default');
  const source = await put(s3, bucket, 'doc', 'seven b');

  const copied = await copyWithin(s3, bucket, 'doc', source, 7);

  expect(copied.etag).toBe(await etagOf(s3, bucket, 'doc', source));
});

test('GIVEN a version of exactly the multipart threshold WHEN copied THEN it is one CopyObject: the copy keeps the ETag of the source', async () => {
  const s3 = motoS3();
  const bucket = await createBucket(s3, 'cp-threshold');
  const source = await put(s3, bucket, 'doc', 'seven b');

  const copied = await copyWithin(s3, bucket, 'doc', source, 7, { multipartThresholdBytes: 7 });

  expect(copied.etag).toBe(await etagOf(s3, bucket, 'doc', source));
});

test.each(['GLACIER', 'DEEP_ARCHIVE'])(
  'GIVEN a restored %s version WHEN copied THEN the copy is readable STANDARD, not archived again',
  async (storageClass) => {
    const s3 = motoS3();
    const bucket = await createBucket(s3, 'cp-thawed');
    const source = await put(s3, bucket, 'doc', 'thawed!');

    await copyVersion(s3, {
      sourceBucket: bucket,
      key: 'doc',
      versionId: source,
      size: 7,
      storageClass,
      targetBucket: bucket,
      targetKey: 'copy',
    });

    expect(
      (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'copy' }))).StorageClass,
    ).toBeUndefined();
  },
);

test('GIVEN a STANDARD_IA version WHEN copied THEN the copy keeps STANDARD_IA', async () => {
  const s3 = motoS3();
  const bucket = await createBucket(s3, 'cp-ia');
  const source = await put(s3, bucket, 'doc', 'infrequent', { StorageClass: 'STANDARD_IA' });

  await copyVersion(s3, {
    sourceBucket: bucket,
    key: 'doc',
    versionId: source,
    size: 10,
    storageClass: 'STANDARD_IA',
    targetBucket: bucket,
    targetKey: 'copy',
  });

  expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'copy' }))).StorageClass).toBe(
    'STANDARD_IA',
  );
});

test('GIVEN a multipart copy that fails WHEN it gives up THEN the error is thrown and the unfinished upload is aborted', async () => {
  const s3 = motoS3();
  const bucket = await createBucket(s3, 'cp-abort');
  const source = await put(s3, bucket, 'doc', patterned(6 * MiB));

  // The listing said 15 MiB: the parts past the real 6 MiB cannot be copied or completed.
  const copy = copyWithin(s3, bucket, 'doc', source, 15 * MiB, {
    multipartThresholdBytes: MiB,
    partBytes: 5 * MiB,
  });

  await expect(copy).rejects.toThrow();
  expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads).toBeUndefined();
});

test('GIVEN a part copy that fails WHEN more parts wait THEN no further part is started and its error is thrown', async () => {
  const s3 = motoS3();
  const bucket = await createBucket(s3, 'cp-part-fails');
  const source = await put(s3, bucket, 'doc', Buffer.alloc(21 * MiB));
  // moto cannot be told to fail one part: the client fails part 1 itself and sends the rest to moto.
  const started: number[] = [];
  const answers = watchSends(s3, (command) => {
    if (!(command instanceof UploadPartCopyCommand)) return undefined;
    started.push(command.input.PartNumber ?? 0);
    return command.input.PartNumber === 1 ? Promise.reject(new Error('part 1 failed')) : undefined;
  });

  // 5 parts, 4 in flight at once: parts 1-4 start together, part 5 only if part 1 had succeeded.
  const copy = copyWithin(s3, bucket, 'doc', source, 21 * MiB, {
    multipartThresholdBytes: MiB,
    partBytes: 5 * MiB,
  });

  await expect(copy).rejects.toThrow('part 1 failed');
  await Promise.all(answers); // the parts still in flight when the copy gave up
  await new Promise((resolve) => setImmediate(resolve));
  expect(started.sort((x, y) => x - y)).toEqual([1, 2, 3, 4]);
});

test('GIVEN a part copy that fails WHEN the upload is aborted THEN every part in flight has ended first', async () => {
  const s3 = motoS3();
  const bucket = await createBucket(s3, 'cp-abort-after');
  const source = await put(s3, bucket, 'doc', Buffer.alloc(21 * MiB));
  // The client fails part 1 at once (moto cannot be told to); parts 2-4 are still copying on moto.
  const events: string[] = [];
  const send = s3.send.bind(s3) as (command: unknown) => Promise<unknown>;
  jest.spyOn(s3, 'send').mockImplementation(((command: unknown) => {
    if (command instanceof AbortMultipartUploadCommand) events.push('abort');
    if (!(command instanceof UploadPartCopyCommand)) return send(command);
    const part = command.input.PartNumber;
    if (part === 1) return Promise.reject(new Error('part 1 failed'));
    return send(command).finally(() => events.push(`end ${part}`));
  }) as never);

  const copy = copyWithin(s3, bucket, 'doc', source, 21 * MiB, {
    multipartThresholdBytes: MiB,
    partBytes: 5 * MiB,
  });

  await expect(copy).rejects.toThrow('part 1 failed');
  expect(events).toEqual([...events.filter((e) => e !== 'abort'), 'abort']);
  expect(events.filter((e) => e !== 'abort').sort()).toEqual(['end 2', 'end 3', 'end 4']);
});

/** `size` bytes in which no 4-byte window repeats at a part-sized distance: a counter, little-endian. */
function patterned(size: number): Buffer {
  const buf = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) buf.writeUInt32LE(i, i);
  return buf;
}

describe('multipart copy against moto (threshold lowered: 5 GB objects do not fit a test)', () => {
  let s3: S3Client;
  let bucket: string;
  let oldVersion: string;
  let copied: Copied;
  // Every part's bytes differ from every other part's (and within a part), so a part copied from the
  // wrong range, shifted by a byte, or out of order changes the result.
  const old = patterned(12 * MiB);
  beforeAll(async () => {
    s3 = motoS3();
    bucket = await createBucket(s3, 'cp-multi');
    oldVersion = await put(s3, bucket, 'big.bin', old, {
      ContentType: 'application/x-test',
      Metadata: { owner: 'finance' },
      // Two tags, one with characters that must be URL-encoded in the Tagging header.
      Tagging: 'class=restricted&note=a%20b%2Bc%3Dd',
    });
    await put(s3, bucket, 'big.bin', 'newer and small');
    copied = await copyVersion(
      s3,
      {
        sourceBucket: bucket,
        key: 'big.bin',
        versionId: oldVersion,
        size: old.length,
        targetBucket: bucket,
        targetKey: 'big.bin',
      },
      { multipartThresholdBytes: 6 * MiB, partBytes: 5 * MiB },
    );
  }, 60_000);

  test('GIVEN an old version above the threshold WHEN copied in parts THEN the current content is that version', async () => {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big.bin' }));
    const body = Buffer.from((await res.Body?.transformToByteArray()) ?? []);
    expect([body.length, body.equals(old)]).toEqual([old.length, true]);
  });

  test('GIVEN an old version of 12 MiB above the threshold WHEN copied in 5 MiB parts THEN the copy is made of 3 parts (its ETag ends in -3)', async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big.bin' }));
    expect(head.ETag).toMatch(/-3"$/);
  });

  test('GIVEN an old version copied in parts WHEN the copy completes THEN it returns the version id and ETag of the new current version', async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big.bin' }));
    expect(copied).toEqual({ versionId: head.VersionId, etag: head.ETag });
  });

  test('GIVEN an old version copied in 5 MiB parts WHEN each part range is read back THEN each holds the same bytes as the source', async () => {
    const ranges = partRanges(old.length, 5 * MiB);
    const differing: string[] = [];
    for (const [start, end] of ranges) {
      const res = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: 'big.bin', Range: `bytes=${start}-${end}` }),
      );
      const part = Buffer.from((await res.Body?.transformToByteArray()) ?? []);
      if (!part.equals(old.subarray(start, end + 1))) differing.push(`${start}-${end}`);
    }
    expect([ranges.length, differing]).toEqual([3, []]);
  });

  test('GIVEN an old version with content type and metadata WHEN copied in parts THEN both are carried over', async () => {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big.bin' }));
    await res.Body?.transformToString();
    expect([res.ContentType, res.Metadata]).toEqual(['application/x-test', { owner: 'finance' }]);
  });

  test('GIVEN an old version with tags WHEN copied in parts THEN the tags are carried over', async () => {
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'big.bin' }));
    expect(tags.TagSet).toEqual([
      { Key: 'class', Value: 'restricted' },
      { Key: 'note', Value: 'a b+c=d' },
    ]);
  });
});
