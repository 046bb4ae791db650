import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  RestoreObjectCommand,
  type S3Client,
  type StorageClass,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';

/** CopyObject copies at most 5 GiB; larger objects need a multipart copy. */
export const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;
const MIN_PART_BYTES = 5 * 1024 ** 2;
const DEFAULT_PART_BYTES = 512 * 1024 ** 2;
const MAX_PARTS = 10_000;
const PARTS_IN_FLIGHT = 4;

/** Storage classes whose versions must be restored (RestoreObject) before they can be read. */
export const ARCHIVE_CLASSES: ReadonlySet<string> = new Set(['GLACIER', 'DEEP_ARCHIVE']);

export interface CopyRequest {
  readonly sourceBucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly size: number;
  /** The version's storage class; kept on the copy unless it is an archive class or STANDARD. */
  readonly storageClass?: string;
  readonly targetBucket: string;
  readonly targetKey: string;
}

export interface CopyTuning {
  /** Above this size the copy is multipart. @default MAX_SINGLE_COPY_BYTES */
  readonly multipartThresholdBytes?: number;
  /** Smallest part of a multipart copy; grows so that no copy needs more than 10,000 parts. @default 512 MiB */
  readonly partBytes?: number;
}

/** `bucket/key?versionId=...` with each key segment URL-encoded, as CopySource expects. */
export function copySource(bucket: string, key: string, versionId: string): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  return `${bucket}/${path}?versionId=${encodeURIComponent(versionId)}`;
}

/**
 * Copies one version on top of the target key and returns the new version id.
 *
 * Up to 5 GiB this is exactly one request: a server-side CopyObject from the version id with
 * MetadataDirective and TaggingDirective COPY, so content type, user metadata and tags come along
 * without reading them first. Encryption: the copy is encrypted with the target bucket's default
 * encryption (an SSE-KMS bucket re-encrypts with its key). Larger objects are the documented
 * exception: HeadObject and GetObjectTagging (a multipart upload takes metadata and tags
 * explicitly), CreateMultipartUpload, one UploadPartCopy per part, CompleteMultipartUpload.
 */
/** What a copy created: its version id (none in an unversioned bucket) and ETag. */
export interface Copied {
  readonly versionId?: string;
  readonly etag?: string;
}

export async function copyVersion(
  s3: S3Client,
  request: CopyRequest,
  tuning: CopyTuning = {},
): Promise<Copied> {
  const threshold = tuning.multipartThresholdBytes ?? MAX_SINGLE_COPY_BYTES;
  if (request.size > threshold) return multipartCopy(s3, request, tuning.partBytes ?? DEFAULT_PART_BYTES);
  const res = await s3.send(
    new CopyObjectCommand({
      Bucket: request.targetBucket,
      Key: request.targetKey,
      CopySource: copySource(request.sourceBucket, request.key, request.versionId),
      MetadataDirective: 'COPY',
      TaggingDirective: 'COPY',
      StorageClass: keptStorageClass(request.storageClass),
    }),
  );
  return { versionId: res.VersionId, etag: res.CopyObjectResult?.ETag };
}

/**
 * Adds a delete marker on top of `key`. The request has no VersionId on purpose: on a versioned
 * bucket that creates a marker and deletes nothing; with a VersionId it would destroy a version.
 */
export async function addDeleteMarker(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<string | undefined> {
  const res = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  return res.VersionId;
}

/** Starts the restore of an archived version (a temporary readable copy for `days`). */
export async function startArchiveRestore(
  s3: S3Client,
  bucket: string,
  key: string,
  versionId: string,
  days = 7,
): Promise<void> {
  await s3.send(
    new RestoreObjectCommand({
      Bucket: bucket,
      Key: key,
      VersionId: versionId,
      RestoreRequest: { Days: days, GlacierJobParameters: { Tier: 'Standard' } },
    }),
  );
}

/** Byte ranges `[start, end]` (inclusive) of a multipart copy of `size` bytes. */
export function partRanges(size: number, partBytes = DEFAULT_PART_BYTES): [number, number][] {
  const part = Math.max(MIN_PART_BYTES, partBytes, Math.ceil(size / MAX_PARTS));
  const ranges: [number, number][] = [];
  for (let start = 0; start < size; start += part) ranges.push([start, Math.min(size, start + part) - 1]);
  return ranges;
}

async function multipartCopy(s3: S3Client, request: CopyRequest, partBytes: number): Promise<Copied> {
  const { sourceBucket, key, versionId, targetBucket, targetKey } = request;
  const [head, tagging] = await Promise.all([
    s3.send(new HeadObjectCommand({ Bucket: sourceBucket, Key: key, VersionId: versionId })),
    s3.send(new GetObjectTaggingCommand({ Bucket: sourceBucket, Key: key, VersionId: versionId })),
  ]);
  const tags = (tagging.TagSet ?? [])
    .map((t) => `${encodeURIComponent(t.Key ?? '')}=${encodeURIComponent(t.Value ?? '')}`)
    .join('&');
  const upload = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: targetBucket,
      Key: targetKey,
      ContentType: head.ContentType,
      ContentEncoding: head.ContentEncoding,
      ContentDisposition: head.ContentDisposition,
      ContentLanguage: head.ContentLanguage,
      CacheControl: head.CacheControl,
      Expires: head.Expires,
      WebsiteRedirectLocation: head.WebsiteRedirectLocation,
      Metadata: head.Metadata,
      Tagging: tags || undefined,
      StorageClass: keptStorageClass(request.storageClass),
    }),
  );
  const uploadId = upload.UploadId as string;
  try {
    const ranges = partRanges(request.size, partBytes);
    const etags: string[] = new Array(ranges.length);
    let nextPart = 0;
    let failed = false;
    const lane = async (): Promise<void> => {
      while (nextPart < ranges.length && !failed) {
        const index = nextPart++;
        const [start, end] = ranges[index] as [number, number];
        const part = await s3.send(
          new UploadPartCopyCommand({
            Bucket: targetBucket,
            Key: targetKey,
            UploadId: uploadId,
            PartNumber: index + 1,
            CopySource: copySource(sourceBucket, key, versionId),
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        etags[index] = part.CopyPartResult?.ETag as string;
      }
    };
    const guarded = (): Promise<void> =>
      lane().catch((err) => {
        failed = true;
        throw err;
      });
    // Every part in flight ends before the upload is completed or aborted: a part still copying
    // during an abort may succeed after it and keep its storage ("you might need to abort the
    // upload multiple times", https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html).
    const lanes = await Promise.allSettled(
      Array.from({ length: Math.min(PARTS_IN_FLIGHT, ranges.length) }, guarded),
    );
    const failure = lanes.find((lane): lane is PromiseRejectedResult => lane.status === 'rejected');
    if (failure) throw failure.reason;
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: targetBucket,
        Key: targetKey,
        UploadId: uploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    return { versionId: done.VersionId, etag: done.ETag };
  } catch (err) {
    // Discards the unfinished upload's parts; no object version is touched.
    await s3
      .send(new AbortMultipartUploadCommand({ Bucket: targetBucket, Key: targetKey, UploadId: uploadId }))
      .catch(() => undefined);
    throw err;
  }
}

/** The storage class a copy keeps: the version's, unless STANDARD (the default) or an archive class. */
export function keptStorageClass(storageClass: string | undefined): StorageClass | undefined {
  if (!storageClass || storageClass === 'STANDARD' || ARCHIVE_CLASSES.has(storageClass)) return undefined;
  return storageClass as StorageClass;
}
