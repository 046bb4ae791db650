import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { compareKeys } from '../packages/cli/src/shared/keys';

/**
 * A small S3 endpoint on 127.0.0.1 for listing benchmarks: every bucket holds the same in-memory
 * key list, and every request is answered after a fixed latency (S3 answers a list page in tens
 * of milliseconds and scales out; moto spends ~0.3 s of CPU per page, which would hide any
 * parallelism). It answers, in S3's XML:
 * - ListObjectsV2: prefix, delimiter (CommonPrefixes), start-after, continuation-token, max-keys,
 *   encoding-type=url;
 * - ListObjectVersions: prefix, key-marker, version-id-marker, max-keys (one version per key);
 * - HeadBucket, and GetBucketEncryption with "no configuration".
 * Anything else is a 400 and is counted, so a benchmark can tell that nothing else was asked.
 */
export interface ListServer {
  readonly endpoint: string;
  /** Requests answered so far, by kind (`ListObjectsV2`, `ListObjectVersions`, `HeadBucket`, ...). */
  readonly counts: () => Record<string, number>;
  readonly reset: () => void;
  close(): Promise<void>;
}

export interface ListServerOptions {
  /** The keys every bucket holds (any order; sorted here in UTF-8 binary order). */
  readonly keys: readonly string[];
  /** Added before every answer. */
  readonly latencyMs: number;
}

export async function startListServer(options: ListServerOptions): Promise<ListServer> {
  const listing = prepare([...options.keys].sort(compareKeys));
  let counts: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const kind = kindOf(req, url);
    counts[kind] = (counts[kind] ?? 0) + 1;
    setTimeout(() => answer(kind, url, listing, res), options.latencyMs);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    reset: () => {
      counts = {};
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function kindOf(req: IncomingMessage, url: URL): string {
  const isBucket = url.pathname.split('/').filter(Boolean).length === 1;
  if (req.method === 'HEAD' && isBucket) return 'HeadBucket';
  if (req.method !== 'GET' || !isBucket) return `unsupported ${req.method} ${url.pathname}${url.search}`;
  if (url.searchParams.has('encryption')) return 'GetBucketEncryption';
  if (url.searchParams.has('versions')) return 'ListObjectVersions';
  if (url.searchParams.get('list-type') === '2') return 'ListObjectsV2';
  return `unsupported GET ${url.search}`;
}

/**
 * The sorted keys and each key's XML, built once, on the first request that needs that form:
 * answering a page then costs little CPU. Only the forms a run asks for take memory (10M keys in
 * all three forms do not fit a default Node heap).
 */
interface Listing {
  readonly keys: readonly string[];
  readonly contents: readonly string[];
  readonly contentsUrlEncoded: readonly string[];
  readonly versions: readonly string[];
}

function prepare(keys: readonly string[]): Listing {
  const urlEncode = (s: string) => encodeURIComponent(s).replace(/%2F/g, '/');
  const built: Partial<Record<'contents' | 'contentsUrlEncoded' | 'versions', readonly string[]>> = {};
  const once = (name: keyof typeof built, build: (key: string) => string) => {
    built[name] ??= keys.map(build);
    return built[name];
  };
  return {
    keys,
    get contents() {
      return once('contents', (key) => `<Contents>${objectXml(key, escapeXml)}</Contents>`);
    },
    get contentsUrlEncoded() {
      return once('contentsUrlEncoded', (key) => `<Contents>${objectXml(key, urlEncode)}</Contents>`);
    },
    get versions() {
      return once(
        'versions',
        (key) =>
          `<Version>${objectXml(key, escapeXml)}<VersionId>v1</VersionId><IsLatest>true</IsLatest></Version>`,
      );
    },
  };
}

function answer(kind: string, url: URL, listing: Listing, res: ServerResponse): void {
  const xml = (body: string, status = 200) => {
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
  };
  switch (kind) {
    case 'HeadBucket':
      res.writeHead(200);
      res.end();
      return;
    case 'GetBucketEncryption':
      xml(
        '<Error><Code>ServerSideEncryptionConfigurationNotFoundError</Code><Message>none</Message></Error>',
        404,
      );
      return;
    case 'ListObjectsV2':
      xml(listObjectsV2(url.searchParams, listing));
      return;
    case 'ListObjectVersions':
      xml(listObjectVersions(url.searchParams, listing));
      return;
    default:
      xml('<Error><Code>NotImplemented</Code><Message>not served by the bench server</Message></Error>', 400);
  }
}

/** The first index whose key is > `after` (binary search over the sorted keys). */
function firstAfter(keys: readonly string[], after: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(keys[mid] as string, after) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose key is >= `from`. */
function firstAtOrAfter(keys: readonly string[], from: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(keys[mid] as string, from) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Deterministic object metadata: the same in every bucket, so a comparison finds no difference. */
function objectXml(key: string, encode: (s: string) => string): string {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) >>> 0;
  const etag = hash.toString(16).padStart(8, '0').repeat(4);
  return `<Key>${encode(key)}</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>&quot;${etag}&quot;</ETag><Size>${1000 + (hash % 1000)}</Size><StorageClass>STANDARD</StorageClass>`;
}

function listObjectsV2(params: URLSearchParams, listing: Listing): string {
  const keys = listing.keys;
  const prefix = params.get('prefix') ?? '';
  const delimiter = params.get('delimiter') ?? '';
  const max = Math.min(1000, Number(params.get('max-keys') ?? 1000));
  const urlEncoded = params.get('encoding-type') === 'url';
  const encode = (s: string) => (urlEncoded ? encodeURIComponent(s).replace(/%2F/g, '/') : escapeXml(s));
  // The token is the last key or common prefix returned; a common prefix is skipped as a whole.
  const token = params.get('continuation-token');
  const resumeAfter = token ? Buffer.from(token, 'base64url').toString('utf8') : undefined;
  const startAfter = resumeAfter ?? params.get('start-after') ?? '';
  let i = Math.max(startAfter ? firstAfter(keys, startAfter) : 0, firstAtOrAfter(keys, prefix));
  if (resumeAfter && delimiter && resumeAfter.endsWith(delimiter)) {
    while (i < keys.length && (keys[i] as string).startsWith(resumeAfter)) i++;
  }
  const contents: string[] = [];
  const prefixes: string[] = [];
  let last = '';
  let truncated = false;
  for (; i < keys.length; i++) {
    const key = keys[i] as string;
    if (compareKeys(key, prefix) < 0) continue;
    if (!key.startsWith(prefix)) break;
    if (contents.length + prefixes.length >= max) {
      truncated = true;
      break;
    }
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut >= 0) {
      const common = key.slice(0, cut + delimiter.length);
      prefixes.push(common);
      last = common;
      while (i + 1 < keys.length && (keys[i + 1] as string).startsWith(common)) i++;
      continue;
    }
    contents.push((urlEncoded ? listing.contentsUrlEncoded : listing.contents)[i] as string);
    last = key;
  }
  const next = truncated
    ? `<NextContinuationToken>${Buffer.from(last).toString('base64url')}</NextContinuationToken>`
    : '';
  return [
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Name>bench</Name><Prefix>${encode(prefix)}</Prefix>`,
    delimiter ? `<Delimiter>${encode(delimiter)}</Delimiter>` : '',
    `<MaxKeys>${max}</MaxKeys><KeyCount>${contents.length + prefixes.length}</KeyCount>`,
    urlEncoded ? '<EncodingType>url</EncodingType>' : '',
    `<IsTruncated>${truncated}</IsTruncated>${next}`,
    ...contents,
    ...prefixes.map((p) => `<CommonPrefixes><Prefix>${encode(p)}</Prefix></CommonPrefixes>`),
    '</ListBucketResult>',
  ].join('');
}

function listObjectVersions(params: URLSearchParams, listing: Listing): string {
  const keys = listing.keys;
  const prefix = params.get('prefix') ?? '';
  const max = Math.min(1000, Number(params.get('max-keys') ?? 1000));
  // One version per key: a key marker (with or without its version id) starts after that key.
  const marker = params.get('key-marker') ?? '';
  let i = Math.max(marker ? firstAfter(keys, marker) : 0, firstAtOrAfter(keys, prefix));
  const versions: string[] = [];
  let truncated = false;
  let last = '';
  for (; i < keys.length; i++) {
    const key = keys[i] as string;
    if (compareKeys(key, prefix) < 0) continue;
    if (!key.startsWith(prefix)) break;
    if (versions.length >= max) {
      truncated = true;
      break;
    }
    versions.push(listing.versions[i] as string);
    last = key;
  }
  const next = truncated
    ? `<NextKeyMarker>${escapeXml(last)}</NextKeyMarker><NextVersionIdMarker>v1</NextVersionIdMarker>`
    : '';
  return [
    '<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Name>bench</Name><Prefix>${escapeXml(prefix)}</Prefix><MaxKeys>${max}</MaxKeys>`,
    `<IsTruncated>${truncated}</IsTruncated>${next}`,
    ...versions,
    '</ListVersionsResult>',
  ].join('');
}
