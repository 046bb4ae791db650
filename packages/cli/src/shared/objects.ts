import { ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { Chunks } from './chunks';
import { CliError, describeAwsError } from './errors';
import { compareKeys } from './keys';
import { type ListedObject, type ListedPage, parseListObjectsV2, readPageRaw } from './list-xml';
import { memoryCollector } from './memory';
import { listRanges, type RangeSource } from './ranges';
import { type KeyHistory, type ListOptions, rangeOptions } from './versions';

/**
 * Streams the current objects of a bucket as one-entry histories, in UTF-8 binary key order, in
 * chunks (see chunks.ts): what the current-state comparison needs, from ListObjectsV2 (one request
 * per 1000 current objects, however deep the version history; with `concurrency` above 1 the key
 * space is listed as several ranges at once, see ranges.ts). Deleted keys are absent; the entry's
 * `versionId` is empty (ListObjectsV2 does not say it). The next pages are requested while one is
 * consumed.
 */
export async function* listCurrentObjects(
  s3: S3Client,
  options: Omit<ListOptions, 'withRestoreStatus'>,
): Chunks<KeyHistory> {
  const source: RangeSource<ListedObject, string> = {
    fetch: async (start) => {
      const page = await fetchPage(s3, options, start.cursor, start.after);
      if (page.isTruncated && !page.nextContinuationToken) throw truncatedWithoutCursor(options.bucket);
      return { items: page.objects, next: page.isTruncated ? page.nextContinuationToken : undefined };
    },
    keyOf: (object) => object.key,
    uniqueKeys: true,
    listing: `the listing of bucket ${options.bucket}`,
  };
  let previous: string | undefined;
  const collect = memoryCollector();
  // An aborted signal ends listRanges quietly (it never throws the requests' AbortError then).
  for await (const chunk of listRanges(source, rangeOptions(options))) {
    collect();
    const histories: KeyHistory[] = [];
    for (const object of chunk) {
      const key = object.key;
      if (previous !== undefined && compareKeys(previous, key) >= 0) {
        throw outOfKeyOrder(options.bucket, previous, key);
      }
      previous = key;
      histories.push({
        key,
        entries: [
          {
            kind: 'version',
            key,
            versionId: '',
            lastModified: object.lastModified,
            isLatest: true,
            etag: object.etag,
            size: object.size,
            storageClass: object.storageClass ?? 'STANDARD',
          },
        ],
      });
    }
    yield histories;
    if (options.signal?.aborted) return;
  }
}

/** Keys out of S3's order: merging them with the other bucket's listing would pair the wrong keys. */
export function outOfKeyOrder(bucket: string, before: string, after: string): CliError {
  return new CliError(
    `the listing of bucket ${bucket} is not in UTF-8 binary key order ('${before}' before '${after}'): is the endpoint S3-compatible?`,
  );
}

/** A page that says more follows but not where: going on would skip keys, stopping would hide them. */
export function truncatedWithoutCursor(bucket: string): CliError {
  return new CliError(
    `the listing of bucket ${bucket} says it is truncated but gives no marker to continue from: is the endpoint S3-compatible?`,
  );
}

/** An entry without a key or a time cannot be ordered or compared: listed under '' or at 1970, it would be wrong. */
export function entryWithoutKeyOrTime(bucket: string): CliError {
  return new CliError(
    `the listing of bucket ${bucket} has an entry without a Key or a LastModified time: is the endpoint S3-compatible?`,
  );
}

async function fetchPage(
  s3: S3Client,
  options: Omit<ListOptions, 'withRestoreStatus'>,
  token?: string,
  startAfter?: string,
): Promise<ListedPage> {
  const command = new ListObjectsV2Command({
    Bucket: options.bucket,
    Prefix: options.prefix || undefined,
    ContinuationToken: token,
    // "Amazon S3 starts listing after this specified key"
    // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
    StartAfter: token ? undefined : startAfter,
    MaxKeys: options.pageSize,
  });
  const raw = readPageRaw(command, parseListObjectsV2, '<ListBucketResult></ListBucketResult>');
  let out: ListObjectsV2CommandOutput;
  try {
    out = await s3.send(command, { abortSignal: options.signal });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw describeAwsError(err, `bucket ${options.bucket}`);
  }
  if (raw.page) return raw.page;
  const contents = out.Contents ?? [];
  if (!contents.every(hasKeyAndTime)) throw entryWithoutKeyOrTime(options.bucket);
  return {
    objects: contents.map((o) => ({
      key: o.Key,
      lastModified: o.LastModified.getTime(),
      etag: o.ETag,
      size: o.Size,
      storageClass: o.StorageClass,
    })),
    isTruncated: out.IsTruncated === true,
    nextContinuationToken: out.NextContinuationToken,
  };
}

/** An entry of the SDK's listing output with the two members S3 always sends. */
export type WithKeyAndTime<T> = T & { readonly Key: string; readonly LastModified: Date };

/** Whether a listed entry has what S3 always sends and ordering needs (the page reader declines an entry without them). */
export function hasKeyAndTime<T extends { readonly Key?: string; readonly LastModified?: Date }>(
  entry: T,
): entry is WithKeyAndTime<T> {
  return entry.Key !== undefined && entry.LastModified !== undefined;
}
