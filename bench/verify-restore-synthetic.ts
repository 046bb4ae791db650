import { createServer, type Server } from 'node:http';
import { compareKeys } from '../packages/cli/src/shared/keys';

/**
 * A minimal S3 endpoint on 127.0.0.1 that answers ListObjectVersions (and ListObjectsV2, the
 * newest version of each key; both from any start key) for any bucket with a
 * synthetic listing of `keys` keys x `versionsPerKey` versions (no data is stored: pages are
 * generated), HeadBucket, and GetBucketEncryption with "no configuration". Enough to run `s3-dr verify`
 * end to end over 100k+ versions without seeding a real server.
 */
export async function startSyntheticS3(
  keys: number,
  versionsPerKey: number,
): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'HEAD') {
      // HeadBucket: verify checks that both buckets exist before listing.
      res.writeHead(200);
      res.end();
      return;
    }
    if (url.searchParams.has('encryption')) {
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServerSideEncryptionConfigurationNotFoundError</Code><Message>none</Message></Error>',
      );
      return;
    }
    if (url.searchParams.get('list-type') === '2') {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(currentPage(url.searchParams, keys, versionsPerKey));
      return;
    }
    if (!url.searchParams.has('versions')) {
      res.writeHead(400);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(page(url.searchParams, keys, versionsPerKey));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const keyName = (i: number): string => `data/${String(i).padStart(8, '0')}.bin`;

/** The index of the first key after `marker` (any string: listings split into ranges start anywhere). */
function firstKeyAfter(marker: string, keys: number): number {
  let lo = 0;
  let hi = keys;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(keyName(mid), marker) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function page(params: URLSearchParams, keys: number, versionsPerKey: number): string {
  const max = Math.min(1000, Number(params.get('max-keys') ?? 1000));
  const keyMarker = params.get('key-marker');
  const versionMarker = params.get('version-id-marker');
  let start = 0;
  if (keyMarker && versionMarker) {
    const keyIndex = Number(keyMarker.slice(5, 13));
    start = keyIndex * versionsPerKey + versionsPerKey - Number(versionMarker.slice(1)) + 1;
  } else if (keyMarker) {
    start = firstKeyAfter(keyMarker, keys) * versionsPerKey;
  }
  const total = keys * versionsPerKey;
  const end = Math.min(total, start + max);
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult>'];
  for (let n = start; n < end; n++) {
    const keyIndex = Math.floor(n / versionsPerKey);
    const newest = n % versionsPerKey;
    const version = versionsPerKey - newest;
    const modified = new Date(Date.UTC(2024, 0, 1) + keyIndex * 1000 + version * 60_000).toISOString();
    parts.push(
      `<Version><Key>${keyName(keyIndex)}</Key><VersionId>v${version}</VersionId><IsLatest>${newest === 0}</IsLatest>`,
      `<LastModified>${modified}</LastModified><ETag>"${(keyIndex * 31 + version).toString(16).padStart(32, '0')}"</ETag>`,
      `<Size>${1000 + version}</Size><StorageClass>STANDARD</StorageClass></Version>`,
    );
  }
  const truncated = end < total;
  parts.push(`<IsTruncated>${truncated}</IsTruncated>`);
  if (truncated) {
    const last = end - 1;
    const keyIndex = Math.floor(last / versionsPerKey);
    parts.push(
      `<NextKeyMarker>${keyName(keyIndex)}</NextKeyMarker><NextVersionIdMarker>v${versionsPerKey - (last % versionsPerKey)}</NextVersionIdMarker>`,
    );
  }
  parts.push('</ListVersionsResult>');
  return parts.join('');
}

function currentPage(params: URLSearchParams, keys: number, versionsPerKey: number): string {
  const token = params.get('continuation-token');
  const startAfter = params.get('start-after');
  const start = token ? Number(token) : startAfter ? firstKeyAfter(startAfter, keys) : 0;
  const end = Math.min(keys, start + Math.min(1000, Number(params.get('max-keys') ?? 1000)));
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?><ListBucketResult>'];
  for (let keyIndex = start; keyIndex < end; keyIndex++) {
    const modified = new Date(Date.UTC(2024, 0, 1) + keyIndex * 1000 + versionsPerKey * 60_000).toISOString();
    parts.push(
      `<Contents><Key>${keyName(keyIndex)}</Key><LastModified>${modified}</LastModified>`,
      `<ETag>"${(keyIndex * 31 + versionsPerKey).toString(16).padStart(32, '0')}"</ETag>`,
      `<Size>${1000 + versionsPerKey}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    );
  }
  parts.push(`<KeyCount>${end - start}</KeyCount><IsTruncated>${end < keys}</IsTruncated>`);
  if (end < keys) parts.push(`<NextContinuationToken>${end}</NextContinuationToken>`);
  parts.push('</ListBucketResult>');
  return parts.join('');
}
