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
 * than the SDK's general XML parser, which otherwise is most of the CPU a listing costs. The body
 * is read as Latin-1 (one character per byte, no decoding) and only element texts with bytes
 * above 0x7F are decoded as UTF-8.
 * Response syntax: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
export function parseListObjectsV2(body: Buffer): ListedPage | undefined {
  const xml = body.toString('latin1');
  const root = xml.indexOf('<ListBucketResult');
  if (root < 0 || xml.includes('<EncodingType>') || xml.includes('<![CDATA[')) return undefined;
  const objects: ListedObject[] = [];
  let at = root;
  let tail = root;
  for (;;) {
    const start = xml.indexOf('<Contents>', at);
    if (start < 0) break;
    const end = xml.indexOf('</Contents>', start);
    if (end < 0) return undefined;
    const key = text(xml, 'Key', start, end);
    const modified = text(xml, 'LastModified', start, end);
    if (key === undefined || modified === undefined) return undefined;
    const size = text(xml, 'Size', start, end);
    objects.push({
      key,
      lastModified: Date.parse(modified),
      etag: text(xml, 'ETag', start, end),
      size: size === undefined ? undefined : Number(size),
      storageClass: text(xml, 'StorageClass', start, end),
    });
    at = end + 11;
    tail = at;
  }
  // The page's own elements may come before or after the objects.
  const outside =
    xml.slice(root, xml.indexOf('<Contents>', root) >= 0 ? xml.indexOf('<Contents>', root) : undefined) +
    xml.slice(tail);
  const truncated = text(outside, 'IsTruncated', 0, outside.length);
  if (truncated !== 'true' && truncated !== 'false') return undefined;
  return {
    objects,
    isTruncated: truncated === 'true',
    nextContinuationToken: text(outside, 'NextContinuationToken', 0, outside.length),
  };
}

/** The unescaped text of the first `<name>` element between `from` and `to`. */
function text(xml: string, name: string, from: number, to: number): string | undefined {
  const open = xml.indexOf(`<${name}>`, from);
  if (open < 0 || open >= to) return undefined;
  const start = open + name.length + 2;
  const end = xml.indexOf(`</${name}>`, start);
  if (end < 0 || end > to) return undefined;
  let raw = xml.slice(start, end);
  if (/[\x80-\xff]/.test(raw)) raw = Buffer.from(raw, 'latin1').toString('utf8');
  if (!raw.includes('&')) return raw;
  // An ETag is `&quot;<hex>&quot;`: the one escape found in almost every object.
  if (raw.startsWith('&quot;') && raw.endsWith('&quot;') && raw.indexOf('&', 6) === raw.length - 6) {
    return `"${raw.slice(6, -6)}"`;
  }
  return unescapeXml(raw);
}

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
