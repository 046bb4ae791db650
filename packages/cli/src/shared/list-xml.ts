import type { ListObjectsV2Command } from '@aws-sdk/client-s3';

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
 * not one this reader knows (then the SDK's parser is used). A list page holds only simple
 * elements whose text is XML-escaped, so scanning for tags is exact; it is several times cheaper
 * than the SDK's general XML parser, which otherwise is most of the CPU a listing costs.
 * Response syntax: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
export function parseListObjectsV2(body: Buffer): ListedPage | undefined {
  // Read as Latin-1 (one byte, one character: a copy, no decoding), so that string offsets are
  // byte offsets; only texts with bytes above 0x7F are then decoded as UTF-8, from the bytes.
  const xml = body.toString('latin1');
  const text = (name: string, from: number, to: number) => elementText(body, xml, name, from, to);
  const root = xml.indexOf('<ListBucketResult');
  if (root < 0 || xml.includes('<EncodingType>') || xml.includes('<![CDATA[')) return undefined;
  const objects: ListedObject[] = [];
  // Neighbouring objects often share their LastModified second: parse each distinct text once.
  let lastModified = { text: '', time: 0 };
  let at = root;
  let tail = root;
  for (;;) {
    const start = xml.indexOf('<Contents>', at);
    if (start < 0) break;
    const end = xml.indexOf('</Contents>', start);
    if (end < 0) return undefined;
    const key = text('Key', start, end);
    const modified = text('LastModified', start, end);
    if (key === undefined || modified === undefined) return undefined;
    const size = text('Size', start, end);
    if (modified !== lastModified.text) lastModified = { text: modified, time: Date.parse(modified) };
    objects.push({
      key,
      lastModified: lastModified.time,
      etag: text('ETag', start, end),
      size: size === undefined ? undefined : Number(size),
      storageClass: text('StorageClass', start, end),
    });
    at = end + 11;
    tail = at;
  }
  // The page's own elements come before or after the objects (they are ASCII).
  const firstObject = xml.indexOf('<Contents>', root);
  const head = firstObject < 0 ? xml.length : firstObject;
  const pageText = (name: string) => text(name, root, head) ?? text(name, tail, xml.length);
  const truncated = pageText('IsTruncated');
  if (truncated !== 'true' && truncated !== 'false') return undefined;
  return {
    objects,
    isTruncated: truncated === 'true',
    nextContinuationToken: pageText('NextContinuationToken'),
  };
}

/** The unescaped text of the first `<name>` element between `from` and `to`. */
function elementText(body: Buffer, xml: string, name: string, from: number, to: number): string | undefined {
  const tags = TAGS[name] ?? tagsOf(name);
  const open = xml.indexOf(tags[0], from);
  if (open < 0 || open >= to) return undefined;
  const start = open + tags[0].length;
  const end = xml.indexOf(tags[1], start);
  if (end < 0 || end > to) return undefined;
  let raw = xml.slice(start, end);
  if (!isAsciiText(raw)) raw = body.toString('utf8', start, end);
  if (raw.indexOf('&') < 0) return raw;
  // An ETag is `&quot;<hex>&quot;`: the one escape found in almost every object.
  if (raw.startsWith('&quot;') && raw.endsWith('&quot;') && raw.indexOf('&', 6) === raw.length - 6) {
    return `"${raw.slice(6, -6)}"`;
  }
  return unescapeXml(raw);
}

function isAsciiText(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

const tagsOf = (name: string): [string, string] => [`<${name}>`, `</${name}>`];
const TAGS: Readonly<Record<string, [string, string]>> = Object.fromEntries(
  ['Key', 'LastModified', 'ETag', 'Size', 'StorageClass', 'IsTruncated', 'NextContinuationToken'].map((n) => [
    n,
    tagsOf(n),
  ]),
);

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity[0] !== '#') return NAMED[entity] as string;
    const code = entity[1] === 'x' ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1));
    return String.fromCodePoint(code);
  });
}

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

export async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
