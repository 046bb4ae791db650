import { GetObjectCommand, GetObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type Copied, type CopyRequest, keptStorageClass } from './copy';

/**
 * Part size of a streamed copy. The smallest part S3 takes is 5 MiB, and an upload has at most
 * 10,000 parts (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html): larger objects
 * get larger parts (see {@link streamPartBytes}).
 */
export const STREAM_PART_BYTES = 8 * 1024 ** 2;
/** Parts of one object read ahead while one is being uploaded: the memory of one copy is this × part size. */
export const STREAM_PARTS_IN_MEMORY = 2;
const MAX_PARTS = 10_000;

/** The part size for an object of `size` bytes: {@link STREAM_PART_BYTES}, or more when 10,000 parts would not hold it. */
export function streamPartBytes(size: number): number {
  return Math.max(STREAM_PART_BYTES, Math.ceil(size / MAX_PARTS));
}

/** The write requests a streamed copy of `size` bytes makes: one PutObject, or Create + parts + Complete. */
export function streamWriteRequests(size: number): number {
  const part = streamPartBytes(size);
  return size <= part ? 1 : 2 + Math.ceil(size / part);
}

/**
 * Copies one version from a bucket that `source` can read into `target`'s bucket, through this
 * process: GetObject of the version (with `source`'s credentials), then PutObject or a multipart
 * upload (with `target`'s), for when no one principal may both read the source and write the
 * target (a vault in another account), so that a server-side CopyObject is not possible.
 *
 * Memory is bounded: the body is read as a stream and at most {@link STREAM_PARTS_IN_MEMORY} parts
 * of {@link streamPartBytes} are held at a time. What a CopyObject with MetadataDirective and
 * TaggingDirective COPY keeps is kept: content type and the other content headers, user metadata,
 * tags (read with GetObjectTagging, only for a version that has some), and the storage class unless
 * it is STANDARD or an archive class. Encryption is not named, so the target bucket's default
 * encryption applies (its SSE-KMS key re-encrypts), as with a server-side copy. The GetObject asks
 * S3 to return the version's checksum, which the SDK checks against the bytes read when there is a
 * full-object one. A failed multipart upload is aborted (its parts deleted; no version is touched).
 */
export async function streamVersion(
  source: S3Client,
  target: S3Client,
  request: CopyRequest,
): Promise<Copied> {
  const version = { Bucket: request.sourceBucket, Key: request.key, VersionId: request.versionId };
  const object = await source.send(new GetObjectCommand({ ...version, ChecksumMode: 'ENABLED' }));
  const tagSet = object.TagCount
    ? (await source.send(new GetObjectTaggingCommand(version))).TagSet
    : undefined;
  const tags = (tagSet ?? [])
    .map((t) => `${encodeURIComponent(t.Key ?? '')}=${encodeURIComponent(t.Value ?? '')}`)
    .join('&');
  const upload = new Upload({
    client: target,
    queueSize: STREAM_PARTS_IN_MEMORY,
    partSize: streamPartBytes(request.size),
    leavePartsOnError: false,
    params: {
      Bucket: request.targetBucket,
      Key: request.targetKey,
      Body: object.Body,
      ContentType: object.ContentType,
      ContentEncoding: object.ContentEncoding,
      ContentDisposition: object.ContentDisposition,
      ContentLanguage: object.ContentLanguage,
      CacheControl: object.CacheControl,
      Expires: object.Expires,
      WebsiteRedirectLocation: object.WebsiteRedirectLocation,
      Metadata: object.Metadata,
      Tagging: tags || undefined,
      StorageClass: keptStorageClass(request.storageClass),
    },
  });
  try {
    const done = await upload.done();
    return { versionId: done.VersionId, etag: done.ETag };
  } catch (err) {
    // The rest of the body is not read: its connection is closed rather than left open.
    (object.Body as { destroy?: () => void } | undefined)?.destroy?.();
    throw err;
  }
}
