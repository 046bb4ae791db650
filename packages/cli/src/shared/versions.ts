import {
  type DeleteMarkerEntry,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  type ObjectVersion,
  type S3Client,
} from '@aws-sdk/client-s3';
import { RESERVED_PREFIX } from 's3-dr-naming';
import { type Chunks, mapChunks } from './chunks';
import { describeAwsError } from './errors';
import { compareKeys } from './keys';
import { parseListObjectVersions, readPageRaw, type VersionsPage } from './list-xml';
import { memoryCollector } from './memory';
import {
  entryWithoutKeyOrTime,
  hasKeyAndTime,
  outOfKeyOrder,
  truncatedWithoutCursor,
  type WithKeyAndTime,
} from './objects';
import { listRanges, type RangeOptions, type RangeSource, type Splitter } from './ranges';

/** One entry of a key's history: an object version or a delete marker. */
export interface VersionEntry {
  readonly kind: 'version' | 'marker';
  readonly key: string;
  readonly versionId: string;
  /** Epoch milliseconds (S3 lists whole seconds). */
  readonly lastModified: number;
  readonly isLatest: boolean;
  /** Versions only. */
  readonly etag?: string;
  readonly size?: number;
  readonly storageClass?: string;
  /** Names of the checksum algorithms S3 stored for the version (values are not listed). */
  readonly checksumAlgorithms?: readonly string[];
  /** Archived versions, when the listing asked for RestoreStatus. */
  readonly restore?: { readonly inProgress: boolean; readonly expiresAt?: number };
  /**
   * A version and a delete marker of this key share this LastModified second and the listing did
   * not tell their order (see orderPage): which of them was newer is unknown.
   */
  readonly orderUnknown?: boolean;
}

/** Every entry of one key, newest first (the order S3 keeps, not only the timestamps). */
export interface KeyHistory {
  readonly key: string;
  readonly entries: readonly VersionEntry[];
}

/** The kind of each `<Version>`/`<DeleteMarker>` element, in the order the XML listed them. */
type ElementOrder = readonly ('version' | 'marker')[];

export interface ListOptions {
  readonly bucket: string;
  readonly prefix?: string;
  /** Also ask for RestoreStatus of archived versions (OptionalObjectAttributes). */
  readonly withRestoreStatus?: boolean;
  readonly signal?: AbortSignal;
  /** Called once per page received, e.g. to count requests or show progress. */
  readonly onPage?: (entries: number) => void;
  /** Page size (MaxKeys); S3's maximum and default is 1000. */
  readonly pageSize?: number;
  /**
   * List requests in flight at most: above 1, the key space is listed as several key ranges at
   * once and merged back into key order (see ranges.ts). @default 1
   */
  readonly concurrency?: number;
  /** Where ranges split (tests); @default a guess from each full page (see boundaries.ts) */
  readonly splitter?: Splitter;
}

/**
 * Streams the version histories of a bucket in UTF-8 binary key order, in chunks of whole
 * histories (see chunks.ts).
 *
 * Costs one ListObjectVersions request per 1000 entries (with `concurrency` above 1, plus about
 * one per key range: see ranges.ts); the next pages are requested while one is consumed. Memory
 * holds the pages waiting to be consumed (one, or a few per concurrent request) plus the key
 * being assembled (a key's versions may span pages). Stops early, without error, when `signal`
 * is aborted.
 */
export async function* listKeyHistories(s3: S3Client, options: ListOptions): Chunks<KeyHistory> {
  const source: RangeSource<VersionEntry, Marker> = {
    // Starting after a key: KeyMarker alone ("the key to start with",
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html). Servers
    // differ on whether that key's own entries follow; ranges.ts does not depend on it.
    fetch: (start) =>
      fetchPage(
        s3,
        options,
        start.cursor ?? (start.after === undefined ? undefined : { keyMarker: start.after }),
      ),
    keyOf: (entry) => entry.key,
    uniqueKeys: false,
    listing: `the listing of bucket ${options.bucket}`,
  };
  let current: { key: string; entries: VersionEntry[] } | undefined;
  const collect = memoryCollector();
  // An aborted signal ends listRanges quietly (it never throws the requests' AbortError then).
  for await (const chunk of listRanges(source, rangeOptions(options))) {
    collect();
    const complete: KeyHistory[] = [];
    for (const entry of chunk) {
      if (current && current.key === entry.key) {
        current.entries.push(entry);
        continue;
      }
      if (current) {
        if (compareKeys(current.key, entry.key) > 0) {
          throw outOfKeyOrder(options.bucket, current.key, entry.key);
        }
        complete.push(current);
      }
      current = { key: entry.key, entries: [entry] };
    }
    if (complete.length) yield complete;
    if (options.signal?.aborted) return;
  }
  if (current && !options.signal?.aborted) yield [current];
}

/** The range listing's settings from a listing's options (see ranges.ts). */
export function rangeOptions(options: ListOptions): RangeOptions {
  return {
    concurrency: options.concurrency ?? 1,
    pageSize: options.pageSize ?? 1000,
    prefix: options.prefix,
    splitter: options.splitter,
    onPage: options.onPage,
    signal: options.signal,
  };
}

type Marker = { readonly keyMarker: string; readonly versionIdMarker?: string };

interface Page {
  readonly items: readonly VersionEntry[];
  readonly next?: Marker;
}

async function fetchPage(s3: S3Client, options: ListOptions, marker?: Marker): Promise<Page> {
  const command = new ListObjectVersionsCommand({
    Bucket: options.bucket,
    Prefix: options.prefix || undefined,
    KeyMarker: marker?.keyMarker,
    VersionIdMarker: marker?.versionIdMarker,
    MaxKeys: options.pageSize,
    ...(options.withRestoreStatus ? { OptionalObjectAttributes: ['RestoreStatus'] } : {}),
  });
  const raw = readPageRaw(command, parseListObjectVersions, '<ListVersionsResult></ListVersionsResult>');
  let out: ListObjectVersionsCommandOutput;
  try {
    out = await s3.send(command, { abortSignal: options.signal });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw describeAwsError(err, `bucket ${options.bucket}`);
  }
  const page = raw.page ?? sdkPage(out, raw.declined, options.bucket);
  if (page.isTruncated && !page.nextKeyMarker) throw truncatedWithoutCursor(options.bucket);
  const next = page.isTruncated
    ? { keyMarker: page.nextKeyMarker as string, versionIdMarker: page.nextVersionIdMarker }
    : undefined;
  return { items: raw.page ? orderListed(page.entries) : page.entries, next };
}

/** A page the reader declined, from the SDK's output. */
function sdkPage(
  out: ListObjectVersionsCommandOutput,
  body: Buffer | undefined,
  bucket: string,
): VersionsPage {
  const versions = out.Versions ?? [];
  const markers = out.DeleteMarkers ?? [];
  if (!versions.every(hasKeyAndTime) || !markers.every(hasKeyAndTime)) throw entryWithoutKeyOrTime(bucket);
  return {
    // The SDK splits a page into `Versions` and `DeleteMarkers`, losing how S3 interleaved them;
    // the element order is read from the raw XML (see orderPage).
    entries: orderPage(versions, markers, body ? elementKinds(body.toString('utf8')) : undefined),
    isTruncated: out.IsTruncated === true,
    nextKeyMarker: out.NextKeyMarker,
    nextVersionIdMarker: out.NextVersionIdMarker,
  };
}

/** `<Version>` and `<DeleteMarker>` elements in document order (keys are XML-escaped, so no false hits). */
export function elementKinds(xml: string): ElementOrder {
  const kinds: ('version' | 'marker')[] = [];
  for (const match of xml.matchAll(/<(Version|DeleteMarker)>/g)) {
    kinds.push(match[1] === 'Version' ? 'version' : 'marker');
  }
  return kinds;
}

/**
 * Merges a page's versions and delete markers into one list: keys in UTF-8 binary order, each
 * key's entries newest first.
 *
 * S3 sends them interleaved in that order; the SDK's two lists each keep it. With `kinds` (the
 * element order of the raw XML) the lists are zipped back exactly, if the result is plausible
 * (sorted keys, timestamps not increasing within a key, the latest entry first). Otherwise, e.g. a
 * server that lists all versions before all markers, entries are merged by key, then timestamp
 * (newest first), then IsLatest. A version and a marker that still tie (same second, neither
 * latest) cannot be ordered from the listing: both are flagged `orderUnknown`, and restore
 * refuses to guess for a point in time that falls on them.
 */
export function orderPage(
  versions: readonly WithKeyAndTime<ObjectVersion>[],
  markers: readonly WithKeyAndTime<DeleteMarkerEntry>[],
  kinds?: ElementOrder,
): VersionEntry[] {
  return orderEntries(versions.map(fromVersion), markers.map(fromMarker), kinds);
}

/**
 * A page read in S3's element order (list-xml.ts): kept as listed when plausible, ordered as
 * {@link orderPage} orders the SDK's two lists with that element order.
 */
export function orderListed(entries: readonly VersionEntry[]): readonly VersionEntry[] {
  const vs = entries.filter((e) => e.kind === 'version');
  if (vs.length === 0 || vs.length === entries.length) return entries;
  return orderEntries(
    vs,
    entries.filter((e) => e.kind === 'marker'),
    entries.map((e) => e.kind),
  );
}

function orderEntries(vs: VersionEntry[], ms: VersionEntry[], kinds?: ElementOrder): VersionEntry[] {
  if (ms.length === 0) return vs;
  if (vs.length === 0) return ms;
  if (kinds && kinds.length === vs.length + ms.length && isInterleaved(kinds)) {
    let v = 0;
    let m = 0;
    const zipped = kinds.map((kind) => (kind === 'version' ? vs[v++] : ms[m++]) as VersionEntry);
    if (isPlausible(zipped)) return zipped;
  }
  return mergeByTime(vs, ms);
}

/** Only an order with a marker before a version says more than "all versions, then all markers". */
function isInterleaved(kinds: ElementOrder): boolean {
  return kinds.indexOf('marker') < kinds.lastIndexOf('version');
}

function isPlausible(entries: readonly VersionEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) {
    const prev = entries[i - 1] as VersionEntry;
    const cur = entries[i] as VersionEntry;
    const byKey = compareKeys(prev.key, cur.key);
    if (byKey > 0) return false;
    if (byKey === 0 && (cur.isLatest || cur.lastModified > prev.lastModified)) return false;
  }
  return true;
}

function mergeByTime(vs: readonly VersionEntry[], ms: readonly VersionEntry[]): VersionEntry[] {
  const out = mergeTies(vs, ms);
  for (let i = 1; i < out.length; i++) {
    const a = out[i - 1] as VersionEntry;
    const b = out[i] as VersionEntry;
    const tie =
      a.kind !== b.kind && a.key === b.key && a.lastModified === b.lastModified && !a.isLatest && !b.isLatest;
    if (tie) {
      out[i - 1] = { ...a, orderUnknown: true };
      out[i] = { ...b, orderUnknown: true };
    }
  }
  return out;
}

function mergeTies(vs: readonly VersionEntry[], ms: readonly VersionEntry[]): VersionEntry[] {
  const out: VersionEntry[] = [];
  let v = 0;
  let m = 0;
  while (v < vs.length || m < ms.length) {
    const a = vs[v];
    const b = ms[m];
    if (!a || (b && markerFirst(a, b))) {
      out.push(b as VersionEntry);
      m++;
    } else {
      out.push(a);
      v++;
    }
  }
  return out;
}

/** Whether marker `m` comes before version `v` in a merged page. */
function markerFirst(v: VersionEntry, m: VersionEntry): boolean {
  const byKey = compareKeys(m.key, v.key);
  if (byKey !== 0) return byKey < 0;
  if (m.lastModified !== v.lastModified) return m.lastModified > v.lastModified;
  if (v.isLatest !== m.isLatest) return m.isLatest;
  return true;
}

function fromVersion(v: WithKeyAndTime<ObjectVersion>): VersionEntry {
  return {
    kind: 'version',
    key: v.Key,
    versionId: v.VersionId ?? 'null',
    lastModified: v.LastModified.getTime(),
    isLatest: v.IsLatest === true,
    etag: v.ETag,
    size: v.Size,
    storageClass: v.StorageClass ?? 'STANDARD',
    ...(v.ChecksumAlgorithm?.length ? { checksumAlgorithms: v.ChecksumAlgorithm } : {}),
    ...(v.RestoreStatus
      ? {
          restore: {
            inProgress: v.RestoreStatus.IsRestoreInProgress === true,
            expiresAt: v.RestoreStatus.RestoreExpiryDate?.getTime(),
          },
        }
      : {}),
  };
}

function fromMarker(m: WithKeyAndTime<DeleteMarkerEntry>): VersionEntry {
  return {
    kind: 'marker',
    key: m.Key,
    versionId: m.VersionId ?? 'null',
    lastModified: m.LastModified.getTime(),
    isLatest: m.IsLatest === true,
  };
}

/** Drops the keys under s3-dr's reserved prefix (`_s3-dr/`: probes), unless `include`. */
export function withoutReserved(histories: Chunks<KeyHistory>, include: boolean): Chunks<KeyHistory> {
  if (include) return histories;
  return mapChunks(histories, (chunk) => chunk.filter((history) => !history.key.startsWith(RESERVED_PREFIX)));
}
