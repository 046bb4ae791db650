import { S3Client } from '@aws-sdk/client-s3';
import { CliError } from '../../src/shared/errors';
import { listCurrentObjects } from '../../src/shared/objects';
import { type KeyHistory, listKeyHistories } from '../../src/shared/versions';
import { collectChunks } from '../support/collect';
import { type FixedBody, type FixedServer, fixedServer } from '../support/fixed-server';

// listKeyHistories (and listCurrentObjects) against fixed HTTP answers: what moto cannot be made
// to send (a page out of key order, one the page reader declines, an error, a slow answer).

const owner = '<Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID></Owner>';
const versionsPage = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${body}</ListVersionsResult>`;
const version = (key: string, id: string, second: number, latest: boolean, extra = '') =>
  `<Version><Key>${key}</Key><VersionId>${id}</VersionId><IsLatest>${latest}</IsLatest><LastModified>2024-05-01T12:00:0${second}.000Z</LastModified><ETag>&quot;${id}&quot;</ETag><Size>${second}</Size>${extra}${owner}</Version>`;
const marker = (key: string, id: string, second: number, latest: boolean) =>
  `<DeleteMarker><Key>${key}</Key><VersionId>${id}</VersionId><IsLatest>${latest}</IsLatest><LastModified>2024-05-01T12:00:0${second}.000Z</LastModified>${owner}</DeleteMarker>`;

/** Versions and delete markers interleaved as S3 lists them, with every field the listing maps. */
const INTERLEAVED =
  marker('a &amp; b', 'm2', 3, true) +
  version('a &amp; b', 'v2', 2, false, '<StorageClass>STANDARD_IA</StorageClass>') +
  // S3 listed this marker after v2 though both are of the same second: that order is kept.
  marker('a &amp; b', 'm1', 2, false) +
  version(
    'a &amp; b',
    'v1',
    1,
    false,
    '<ChecksumAlgorithm>CRC32</ChecksumAlgorithm><StorageClass>GLACIER</StorageClass><RestoreStatus><IsRestoreInProgress>false</IsRestoreInProgress><RestoreExpiryDate>2024-06-01T00:00:00.000Z</RestoreExpiryDate></RestoreStatus>',
  ) +
  version(
    'c',
    'null',
    4,
    true,
    '<RestoreStatus><IsRestoreInProgress>true</IsRestoreInProgress></RestoreStatus>',
  );

const servers: FixedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function clientOf(status: number, body: FixedBody, delayMs = 0): Promise<S3Client> {
  return (await serverAndClient(status, body, delayMs)).s3;
}

async function serverAndClient(
  status: number,
  body: FixedBody,
  delayMs = 0,
): Promise<{ server: FixedServer; s3: S3Client }> {
  const server = await fixedServer(status, 'application/xml', body, delayMs);
  servers.push(server);
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
  });
  return { server, s3 };
}

const histories = async (s3: S3Client, signal?: AbortSignal): Promise<KeyHistory[]> =>
  collectChunks(listKeyHistories(s3, { bucket: 'b', signal }));
const summary = (listed: readonly KeyHistory[]) =>
  listed.map((h) => [h.key, h.entries.map((e) => `${e.kind}:${e.versionId}`)]);

test('GIVEN a page the reader declines (an XML comment) WHEN listed THEN the histories are exactly those of the same page read by the reader', async () => {
  const read = await histories(await clientOf(200, versionsPage(INTERLEAVED)));
  const declined = await histories(await clientOf(200, versionsPage(`<!-- a comment -->${INTERLEAVED}`)));

  expect(declined).toEqual(read);
  expect(read.map((h) => [h.key, h.entries.map((e) => `${e.kind}:${e.versionId}`)])).toEqual([
    ['a & b', ['marker:m2', 'version:v2', 'marker:m1', 'version:v1']],
    ['c', ['version:null']],
  ]);
  expect(declined[0]?.entries[3]).toEqual({
    kind: 'version',
    key: 'a & b',
    versionId: 'v1',
    lastModified: Date.UTC(2024, 4, 1, 12, 0, 1),
    isLatest: false,
    etag: '"v1"',
    size: 1,
    storageClass: 'GLACIER',
    checksumAlgorithms: ['CRC32'],
    restore: { inProgress: false, expiresAt: Date.UTC(2024, 5, 1) },
  });
  expect(declined[0]?.entries[0]).toEqual({
    kind: 'marker',
    key: 'a & b',
    versionId: 'm2',
    lastModified: Date.UTC(2024, 4, 1, 12, 0, 3),
    isLatest: true,
  });
  expect(declined[1]?.entries[0]).toMatchObject({ storageClass: 'STANDARD', restore: { inProgress: true } });
});

test.each([
  ['read by the reader', ''],
  ['declined by the reader', '<!-- a comment -->'],
])(
  'GIVEN a versions page with keys out of order, %s, WHEN listed THEN the listing stops with an error naming both keys',
  async (_, prefix) => {
    const s3 = await clientOf(
      200,
      versionsPage(prefix + version('b', 'v1', 1, true) + version('a', 'v2', 1, true)),
    );

    const error = await histories(s3).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toBe(
      "the listing of bucket b is not in UTF-8 binary key order ('b' before 'a'): is the endpoint S3-compatible?",
    );
  },
);

test('GIVEN a current-objects page with keys out of order WHEN listed THEN the listing stops with an error naming both keys', async () => {
  const object = (key: string) =>
    `<Contents><Key>${key}</Key><LastModified>2024-05-01T12:00:01.000Z</LastModified><ETag>&quot;e&quot;</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>`;
  const s3 = await clientOf(
    200,
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${object('b')}${object('a')}</ListBucketResult>`,
  );

  const error = await collectChunks(listCurrentObjects(s3, { bucket: 'b' })).catch((err: unknown) => err);

  expect((error as Error).message).toBe(
    "the listing of bucket b is not in UTF-8 binary key order ('b' before 'a'): is the endpoint S3-compatible?",
  );
});

test('GIVEN ListObjectVersions answers AccessDenied WHEN listed THEN the error names the bucket and the refusal', async () => {
  const s3 = await clientOf(
    403,
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>r</RequestId><HostId>h</HostId></Error>',
  );

  const error = await histories(s3).catch((err: unknown) => err);

  expect(error).toBeInstanceOf(CliError);
  expect((error as Error).message).toMatch(/^access denied to bucket b\b/);
});

test('GIVEN a listing waiting for a slow answer WHEN its signal is aborted THEN it ends quietly with what it had', async () => {
  const s3 = await clientOf(200, versionsPage(version('a', 'v1', 1, true)), 5000);
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 200);
  const started = Date.now();

  const listed = await histories(s3, abort.signal);

  expect(listed).toEqual([]);
  expect(Date.now() - started).toBeLessThan(4000);
});

test('GIVEN a request aborted by something other than the listing signal WHEN listed THEN the error is thrown, not taken for the end of the listing', async () => {
  const s3 = await clientOf(200, versionsPage(version('a', 'v1', 1, true)));
  s3.middlewareStack.add(
    () => async () => {
      throw Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    },
    { step: 'finalizeRequest' },
  );

  const error = await histories(s3, new AbortController().signal).catch((err: unknown) => err);

  expect((error as Error).name).toBe('AbortError');
});

/** A `<Version>` or `<DeleteMarker>` with only the fields given (what a non-S3 endpoint might send). */
const element = (name: 'Version' | 'DeleteMarker', fields: Record<string, string>) =>
  `<${name}>${Object.entries(fields)
    .map(([tag, text]) => `<${tag}>${text}</${tag}>`)
    .join('')}</${name}>`;
const AT = '2024-05-01T12:00:01.000Z';

test.each([
  ['a version without a Key', element('Version', { VersionId: 'v2', IsLatest: 'true', LastModified: AT })],
  ['a version without a LastModified', element('Version', { Key: 'b', VersionId: 'v2', IsLatest: 'true' })],
  [
    'a delete marker without a Key',
    element('DeleteMarker', { VersionId: 'm2', IsLatest: 'true', LastModified: AT }),
  ],
  [
    'a delete marker without a LastModified',
    element('DeleteMarker', { Key: 'b', VersionId: 'm2', IsLatest: 'true' }),
  ],
])(
  'GIVEN a versions page with %s WHEN listed THEN the listing stops with an error rather than list it under "" or 1970',
  async (_, bad) => {
    // The page reader declines such an entry; the SDK's output of the same page is checked instead.
    const s3 = await clientOf(200, versionsPage(version('a', 'v1', 1, true) + bad));

    const error = await histories(s3).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toBe(
      'the listing of bucket b has an entry without a Key or a LastModified time: is the endpoint S3-compatible?',
    );
  },
);

test.each([
  ['without a Key', `<Contents><LastModified>${AT}</LastModified><Size>1</Size></Contents>`],
  ['without a LastModified', '<Contents><Key>b</Key><Size>1</Size></Contents>'],
])(
  'GIVEN a current-objects page with an object %s WHEN listed THEN the listing stops with an error',
  async (_, bad) => {
    const s3 = await clientOf(
      200,
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>a</Key><LastModified>${AT}</LastModified><Size>1</Size></Contents>${bad}</ListBucketResult>`,
    );

    const error = await collectChunks(listCurrentObjects(s3, { bucket: 'b' })).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toBe(
      'the listing of bucket b has an entry without a Key or a LastModified time: is the endpoint S3-compatible?',
    );
  },
);

test('GIVEN entries without a VersionId WHEN listed, read by the reader or declined by it, THEN both give the id "null" (S3\'s id of an object written before versioning)', async () => {
  const page =
    element('Version', { Key: 'a', IsLatest: 'true', LastModified: AT }) +
    element('DeleteMarker', { Key: 'b', IsLatest: 'true', LastModified: AT });

  const read = await histories(await clientOf(200, versionsPage(page)));
  const declined = await histories(await clientOf(200, versionsPage(`<!-- a comment -->${page}`)));

  expect(summary(read)).toEqual([
    ['a', ['version:null']],
    ['b', ['marker:null']],
  ]);
  expect(declined).toEqual(read);
});

test('GIVEN a truncated page the reader declines WHEN listed THEN the next page is requested from its markers', async () => {
  const first = versionsPage(`<!-- a comment -->${version('a', 'v1', 1, true)}`).replace(
    '<IsTruncated>false</IsTruncated>',
    '<IsTruncated>true</IsTruncated><NextKeyMarker>a</NextKeyMarker><NextVersionIdMarker>v1</NextVersionIdMarker>',
  );
  const second = versionsPage(`<!-- a comment -->${version('b', 'v2', 2, true)}`);
  // Markers: the first request has none; any request but the expected second gets an empty page.
  const markers = (url = '') => {
    const query = new URL(url, 'http://x').searchParams;
    return `${query.get('key-marker')}/${query.get('version-id-marker')}`;
  };
  const { server, s3 } = await serverAndClient(200, (request) => {
    const asked = markers(request.url);
    return asked === 'null/null' ? first : asked === 'a/v1' ? second : versionsPage('');
  });

  const listed = await histories(s3);

  expect(summary(listed)).toEqual([
    ['a', ['version:v1']],
    ['b', ['version:v2']],
  ]);
  expect(server.requests.map((r) => markers(r.url))).toEqual(['null/null', 'a/v1']);
});

test.each([
  [true, 'RestoreStatus'],
  [false, undefined],
])(
  'GIVEN withRestoreStatus %s WHEN listed THEN the x-amz-optional-object-attributes header is %s',
  async (withRestoreStatus, header) => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html: RestoreStatus is
    // listed only when this header asks for it.
    const { server, s3 } = await serverAndClient(200, versionsPage(version('a', 'v1', 1, true)));

    await collectChunks(listKeyHistories(s3, { bucket: 'b', withRestoreStatus }));

    expect(server.requests.map((r) => r.headers['x-amz-optional-object-attributes'])).toEqual([header]);
  },
);

test.each([
  ['only versions', version('a', 'v1', 1, true) + version('b', 'v2', 2, true)],
  ['only delete markers', marker('a', 'm1', 1, true) + marker('b', 'm2', 2, true)],
])(
  'GIVEN a page of %s the reader declines WHEN listed THEN the histories are those the reader gives',
  async (_, page) => {
    const read = await histories(await clientOf(200, versionsPage(page)));
    const declined = await histories(await clientOf(200, versionsPage(`<!-- a comment -->${page}`)));

    expect(read).toHaveLength(2);
    expect(declined).toEqual(read);
  },
);
