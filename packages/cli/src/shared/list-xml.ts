import type { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { VersionEntry } from './versions';
import { Declined, declining, tagName, XmlReader } from './xml-reader';

/** One object of a ListObjectsV2 page, as the listing needs it. */
export interface ListedObject {
  readonly key: string;
  readonly lastModified: number;
  readonly etag?: string;
  readonly size?: number;
  readonly storageClass?: string;
}

export interface ListedPage {
  readonly objects: readonly ListedObject[];
  readonly isTruncated: boolean;
  readonly nextContinuationToken?: string;
}

/**
 * Reads a ListObjectsV2 response body (S3's XML, without `encoding-type`), or undefined when it is
 * not one this reader knows (then the SDK's parser is used), with {@link XmlReader}: several times
 * cheaper than the SDK's general XML parser, which otherwise is most of the CPU a listing costs.
 * Response syntax: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
export function parseListObjectsV2(body: Buffer): ListedPage | undefined {
  return declining(() => {
    const xml = new XmlReader(body);
    xml.open(NAME.ListBucketResult);
    const objects: ListedObject[] = [];
    let truncated: boolean | undefined;
    let token: string | undefined;
    const seen = new Seen();
    for (;;) {
      const kind = xml.next();
      if (kind === 'close') {
        xml.closes(NAME.ListBucketResult);
        break;
      }
      if (kind === 'end') throw new Declined('cut short');
      if (kind === 'open') {
        if (xml.is(NAME.Contents)) objects.push(readObject(xml, seen));
        else xml.skipElement();
      } else if (xml.is(NAME.IsTruncated)) truncated = xml.boolean();
      else if (xml.is(NAME.NextContinuationToken)) token = xml.text();
      else if (xml.is(NAME.EncodingType)) throw new Declined('encoded keys');
    }
    if (truncated === undefined) throw new Declined('no IsTruncated');
    return { objects, isTruncated: truncated, nextContinuationToken: token };
  });
}

/**
 * Neighbouring entries often share their LastModified second and storage class: each distinct
 * text is decoded once per page.
 */
class Seen {
  // An empty range that no text equals, not even an empty one.
  modifiedStart = 0;
  modifiedEnd = -1;
  time = 0;
  classStart = 0;
  classEnd = -1;
  storageClass = '';
}

/** One `<Contents>` element, the reader past its end. */
function readObject(xml: XmlReader, seen: Seen): ListedObject {
  let key: string | undefined;
  let lastModified: number | undefined;
  let etag: string | undefined;
  let size: number | undefined;
  let storageClass: string | undefined;
  for (;;) {
    const kind = xml.next();
    if (kind === 'close') {
      xml.closes(NAME.Contents);
      break;
    }
    if (kind === 'end') throw new Declined('cut short');
    if (kind === 'open') xml.skipElement();
    else if (xml.is(NAME.Key)) key = once(key, xml.text());
    else if (xml.is(NAME.LastModified)) lastModified = readTime(xml, seen);
    else if (xml.is(NAME.ETag)) etag = xml.text();
    else if (xml.is(NAME.Size)) size = xml.integer();
    else if (xml.is(NAME.StorageClass)) storageClass = readStorageClass(xml, seen);
  }
  if (key === undefined || lastModified === undefined) throw new Declined('an object without key or time');
  return { key, lastModified, etag, size, storageClass };
}

/** A LastModified text in epoch ms; the same text as the previous one is not parsed again. */
function readTime(xml: XmlReader, seen: Seen): number {
  if (!xml.textEquals(seen.modifiedStart, seen.modifiedEnd)) {
    seen.time = xml.time();
    seen.modifiedStart = xml.textStart;
    seen.modifiedEnd = xml.textEnd;
  }
  return seen.time;
}

/** A StorageClass text; the same text as the previous one is the same string. */
function readStorageClass(xml: XmlReader, seen: Seen): string {
  if (!xml.textEquals(seen.classStart, seen.classEnd)) {
    seen.storageClass = xml.text();
    seen.classStart = xml.textStart;
    seen.classEnd = xml.textEnd;
  }
  return seen.storageClass;
}

/** An element S3 sends once per parent: a second one is not S3's XML. */
function once<T>(previous: T | undefined, value: T): T {
  if (previous !== undefined) throw new Declined('an element twice');
  return value;
}

const NAME = {
  ListBucketResult: tagName('ListBucketResult'),
  EncodingType: tagName('EncodingType'),
  Contents: tagName('Contents'),
  Key: tagName('Key'),
  LastModified: tagName('LastModified'),
  ETag: tagName('ETag'),
  Size: tagName('Size'),
  StorageClass: tagName('StorageClass'),
  IsTruncated: tagName('IsTruncated'),
  NextContinuationToken: tagName('NextContinuationToken'),
  ListVersionsResult: tagName('ListVersionsResult'),
  Version: tagName('Version'),
  DeleteMarker: tagName('DeleteMarker'),
  VersionId: tagName('VersionId'),
  IsLatest: tagName('IsLatest'),
  ChecksumAlgorithm: tagName('ChecksumAlgorithm'),
  RestoreStatus: tagName('RestoreStatus'),
  IsRestoreInProgress: tagName('IsRestoreInProgress'),
  RestoreExpiryDate: tagName('RestoreExpiryDate'),
  NextKeyMarker: tagName('NextKeyMarker'),
  NextVersionIdMarker: tagName('NextVersionIdMarker'),
} as const;

/**
 * Reads a ListObjectVersions response body (S3's XML, without `encoding-type`) with
 * {@link XmlReader}: versions and delete markers in the order S3 listed them, which the SDK's two
 * lists lose (see orderPage in versions.ts); undefined when the body is not one this reader knows.
 * Response syntax: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
 */
export function parseListObjectVersions(body: Buffer): VersionsPage | undefined {
  return declining(() => {
    const xml = new XmlReader(body);
    xml.open(NAME.ListVersionsResult);
    const entries: VersionEntry[] = [];
    let truncated: boolean | undefined;
    let nextKeyMarker: string | undefined;
    let nextVersionIdMarker: string | undefined;
    const seen = new Seen();
    for (;;) {
      const kind = xml.next();
      if (kind === 'close') {
        xml.closes(NAME.ListVersionsResult);
        break;
      }
      if (kind === 'end') throw new Declined('cut short');
      if (kind === 'open') {
        if (xml.is(NAME.Version)) entries.push(readEntry(xml, 'version', seen));
        else if (xml.is(NAME.DeleteMarker)) entries.push(readEntry(xml, 'marker', seen));
        else xml.skipElement();
      } else if (xml.is(NAME.IsTruncated)) truncated = xml.boolean();
      else if (xml.is(NAME.NextKeyMarker)) nextKeyMarker = xml.text();
      else if (xml.is(NAME.NextVersionIdMarker)) nextVersionIdMarker = xml.text();
      else if (xml.is(NAME.EncodingType)) throw new Declined('encoded keys');
    }
    if (truncated === undefined) throw new Declined('no IsTruncated');
    return { entries, isTruncated: truncated, nextKeyMarker, nextVersionIdMarker };
  });
}

export interface VersionsPage {
  readonly entries: readonly VersionEntry[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker?: string;
  readonly nextVersionIdMarker?: string;
}

/**
 * One `<Version>` or `<DeleteMarker>` element, the reader past its end, with the defaults the
 * SDK path gives too (version id "null", S3's id of an object written before versioning; storage
 * class STANDARD).
 */
function readEntry(xml: XmlReader, kind: 'version' | 'marker', seen: Seen): VersionEntry {
  let key: string | undefined;
  let versionId: string | undefined;
  let isLatest: boolean | undefined;
  let lastModified: number | undefined;
  let etag: string | undefined;
  let size: number | undefined;
  let storageClass: string | undefined;
  const checksumAlgorithms: string[] = [];
  let restore: { inProgress: boolean; expiresAt?: number } | undefined;
  for (;;) {
    const next = xml.next();
    if (next === 'close') {
      xml.closes(kind === 'version' ? NAME.Version : NAME.DeleteMarker);
      break;
    }
    if (next === 'end') throw new Declined('cut short');
    if (next === 'open') {
      if (xml.is(NAME.RestoreStatus)) restore = once(restore, readRestoreStatus(xml));
      else xml.skipElement();
    } else if (xml.is(NAME.Key)) key = once(key, xml.text());
    else if (xml.is(NAME.VersionId)) versionId = once(versionId, xml.text());
    else if (xml.is(NAME.IsLatest)) isLatest = once(isLatest, xml.boolean());
    else if (xml.is(NAME.LastModified)) lastModified = readTime(xml, seen);
    else if (xml.is(NAME.ETag)) etag = xml.text();
    else if (xml.is(NAME.Size)) size = xml.integer();
    else if (xml.is(NAME.StorageClass)) storageClass = readStorageClass(xml, seen);
    else if (xml.is(NAME.ChecksumAlgorithm)) checksumAlgorithms.push(xml.text());
  }
  if (key === undefined || lastModified === undefined) throw new Declined('an entry without key or time');
  const common = { key, versionId: versionId ?? 'null', lastModified, isLatest: isLatest === true };
  if (kind === 'marker') return { kind, ...common };
  return {
    kind,
    ...common,
    etag,
    size,
    storageClass: storageClass ?? 'STANDARD',
    ...(checksumAlgorithms.length ? { checksumAlgorithms } : {}),
    ...(restore ? { restore } : {}),
  };
}

function readRestoreStatus(xml: XmlReader): { inProgress: boolean; expiresAt?: number } {
  let inProgress = false;
  let expiresAt: number | undefined;
  for (;;) {
    const next = xml.next();
    if (next === 'close') {
      xml.closes(NAME.RestoreStatus);
      return { inProgress, expiresAt };
    }
    if (next === 'end') throw new Declined('cut short');
    if (next === 'open') xml.skipElement();
    else if (xml.is(NAME.IsRestoreInProgress)) inProgress = xml.boolean();
    else if (xml.is(NAME.RestoreExpiryDate)) expiresAt = xml.time();
  }
}

type Middleware = Parameters<ListObjectsV2Command['middlewareStack']['addRelativeTo']>[0];
type Next = (args: unknown) => Promise<{ response: unknown }>;
interface ListCommand {
  readonly middlewareStack: { addRelativeTo(middleware: Middleware, options: object): void };
}

/**
 * Reads a list command's successful response with `parse`, and hands the SDK `emptyPage` to parse
 * instead. Errors, and bodies the reader declines, go to the SDK untouched: then `page` stays
 * undefined, the SDK's output is used, and `declined` holds the body.
 */
export function readPageRaw<P>(
  command: ListCommand,
  parse: (body: Buffer) => P | undefined,
  emptyPage: string,
): { page?: P; declined?: Buffer } {
  const holder: { page?: P; declined?: Buffer } = {};
  const middleware = (next: Next) => async (args: unknown) => {
    const result = await next(args);
    const response = result.response as { statusCode?: number; body?: unknown };
    if (response.statusCode === 200 && isStream(response.body)) {
      const body = await readAll(response.body);
      holder.page = declining(() => parse(body));
      if (holder.page) response.body = Buffer.from(emptyPage);
      else {
        holder.declined = body;
        response.body = body;
      }
    }
    return result;
  };
  try {
    command.middlewareStack.addRelativeTo(middleware as unknown as Middleware, {
      relation: 'after',
      toMiddleware: 'deserializerMiddleware',
      name: 's3drRawListing',
    });
  } catch {
    // Without it the SDK parses the page.
  }
  return holder;
}

export function isStream(body: unknown): body is AsyncIterable<Uint8Array> {
  return typeof (body as AsyncIterable<Uint8Array> | undefined)?.[Symbol.asyncIterator] === 'function';
}

/** The whole body, with one copy at most (a list page arrives in a few socket reads). */
export async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  const only = chunks.length === 1 ? (chunks[0] as Uint8Array) : undefined;
  return only ? Buffer.from(only.buffer, only.byteOffset, only.byteLength) : Buffer.concat(chunks);
}
