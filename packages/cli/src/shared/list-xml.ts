import type { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { tagName, XmlReader } from './xml-reader';

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
  const xml = new XmlReader(body);
  if (xml.next() !== 'open' || !xml.is(NAME.ListBucketResult)) return undefined;
  const objects: ListedObject[] = [];
  let truncated: string | undefined;
  let token: string | undefined;
  // Neighbouring objects often share their LastModified second and storage class: each distinct
  // text is decoded once.
  const seen: Seen = { modifiedStart: 0, modifiedEnd: 0, time: 0, classStart: 0, classEnd: 0 };
  for (;;) {
    const kind = xml.next();
    if (kind === 'close') break;
    if (kind === 'end') return undefined;
    if (kind === 'open') {
      if (!xml.is(NAME.Contents)) {
        if (!xml.skipElement()) return undefined;
        continue;
      }
      const object = readObject(xml, seen);
      if (!object) return undefined;
      objects.push(object);
    } else if (xml.is(NAME.IsTruncated)) truncated = xml.text();
    else if (xml.is(NAME.NextContinuationToken)) token = xml.text();
    else if (xml.is(NAME.EncodingType)) return undefined;
  }
  if (truncated !== 'true' && truncated !== 'false') return undefined;
  return { objects, isTruncated: truncated === 'true', nextContinuationToken: token };
}

interface Seen {
  modifiedStart: number;
  modifiedEnd: number;
  time: number;
  classStart: number;
  classEnd: number;
  storageClass?: string;
}

/** One `<Contents>` element, the reader past its end; undefined when it lacks a key or a time. */
function readObject(xml: XmlReader, seen: Seen): ListedObject | undefined {
  let key: string | undefined;
  let lastModified: number | undefined;
  let etag: string | undefined;
  let size: number | undefined;
  let storageClass: string | undefined;
  for (;;) {
    const kind = xml.next();
    if (kind === 'close') break;
    if (kind === 'end') return undefined;
    if (kind === 'open') {
      if (!xml.skipElement()) return undefined;
    } else if (xml.is(NAME.Key)) key = xml.text();
    else if (xml.is(NAME.LastModified)) {
      if (!xml.textEquals(seen.modifiedStart, seen.modifiedEnd)) {
        seen.time = Date.parse(xml.text());
        seen.modifiedStart = xml.textStart;
        seen.modifiedEnd = xml.textEnd;
      }
      lastModified = seen.time;
    } else if (xml.is(NAME.ETag)) etag = xml.text();
    else if (xml.is(NAME.Size)) size = xml.integer() ?? Number(xml.text());
    else if (xml.is(NAME.StorageClass)) {
      if (seen.storageClass === undefined || !xml.textEquals(seen.classStart, seen.classEnd)) {
        seen.storageClass = xml.text();
        seen.classStart = xml.textStart;
        seen.classEnd = xml.textEnd;
      }
      storageClass = seen.storageClass;
    }
  }
  if (key === undefined || lastModified === undefined) return undefined;
  return { key, lastModified, etag, size, storageClass };
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
} as const;

type Middleware = Parameters<ListObjectsV2Command['middlewareStack']['addRelativeTo']>[0];
type Next = (args: unknown) => Promise<{ response: unknown }>;

/**
 * Reads a ListObjectsV2 command's successful response with {@link parseListObjectsV2}, and hands
 * the SDK an empty page to parse instead. Errors, and bodies the reader does not know, go to the
 * SDK untouched (then `page` stays undefined and the SDK's output is used).
 */
export function readPageRaw(command: ListObjectsV2Command): { page?: ListedPage } {
  const holder: { page?: ListedPage } = {};
  const middleware = (next: Next) => async (args: unknown) => {
    const result = await next(args);
    const response = result.response as { statusCode?: number; body?: unknown };
    if (response.statusCode === 200 && isStream(response.body)) {
      const body = await readAll(response.body);
      holder.page = parseListObjectsV2(body);
      response.body = holder.page ? Buffer.from('<ListBucketResult></ListBucketResult>') : body;
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
