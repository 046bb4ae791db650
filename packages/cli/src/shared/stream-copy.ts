import { createHash } from 'node:crypto';
import { pipeline, type Readable, Transform } from 'node:stream';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  GetObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type Copied, type CopyRequest, keptStorageClass } from './copy';

/**
 * Part size of a streamed copy. The smallest part S3 takes is 5 MiB, and an upload has at most
 * 10,000 parts (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html): larger objects
 * get larger parts (see {@link streamPartBytes}).
 */
export const STREAM_PART_BYTES = 8 * 1024 ** 2;
/** Parts of one object uploaded at once (lib-storage's queueSize). */
export const STREAM_PARTS_IN_FLIGHT = 2;
/**
 * Parts of one object held in memory at most: those in flight, the part being read, and a copy of
 * it while lib-storage joins its chunks into a part (getChunkStream: Buffer.concat of the chunks).
 */
export const STREAM_PARTS_IN_MEMORY = STREAM_PARTS_IN_FLIGHT + 2;
const MAX_PARTS = 10_000;

/** The part size for an object of `size` bytes: {@link STREAM_PART_BYTES}, or more when 10,000 parts would not hold it. */
export function streamPartBytes(size: number): number {
  return Math.max(STREAM_PART_BYTES, Math.ceil(size / MAX_PARTS));
}

/** The most memory the parts of one streamed copy of `size` bytes hold. */
export function streamMemoryBytes(size: number): number {
  return STREAM_PARTS_IN_MEMORY * Math.min(size, streamPartBytes(size));
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
 * full-object one; whatever the object, the bytes read are counted, and their MD5 compared with an
 * ETag that is one (see {@link verifiedBody}): a body that falls short or differs fails before its
 * last part is sent, so no partial object is ever completed. A failed multipart upload is aborted
 * (its parts deleted; no version is touched).
 */
export async function streamVersion(
  source: S3Client,
  target: S3Client,
  request: CopyRequest,
): Promise<Copied> {
  const version = { Bucket: request.sourceBucket, Key: request.key, VersionId: request.versionId };
  const object = await source.send(new GetObjectCommand({ ...version, ChecksumMode: 'ENABLED' }));
  const body = verifiedBody(object, request);
  const tagSet = object.TagCount
    ? (await source.send(new GetObjectTaggingCommand(version))).TagSet
    : undefined;
  const tags = (tagSet ?? [])
    .map((t) => `${encodeURIComponent(t.Key ?? '')}=${encodeURIComponent(t.Value ?? '')}`)
    .join('&');
  const upload = new Upload({
    client: target,
    queueSize: STREAM_PARTS_IN_FLIGHT,
    partSize: streamPartBytes(request.size),
    leavePartsOnError: false,
    params: {
      Bucket: request.targetBucket,
      Key: request.targetKey,
      Body: body,
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
    body.destroy();
    throw err;
  }
}

/**
 * The body of `object` as read, failing at its end, before the end reaches the upload, unless it
 * had the version's listed size (and GetObject's Content-Length) and, when the ETag is the MD5 of
 * the data, that MD5. The ETag is an MD5 for an object neither multipart (32 hex digits) nor
 * encrypted with SSE-KMS, DSSE-KMS or SSE-C (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html,
 * "ETag"). A body that ends early without a socket error would otherwise become a complete,
 * shorter object.
 */
export function verifiedBody(object: GetObjectCommandOutput, request: CopyRequest): Readable {
  const what = `${request.sourceBucket}/${request.key} version ${request.versionId}`;
  const etag = object.ETag?.replace(/"/g, '') ?? '';
  const md5 =
    /^[0-9a-f]{32}$/.test(etag) &&
    !object.ServerSideEncryption?.startsWith('aws:kms') &&
    object.SSECustomerAlgorithm === undefined
      ? createHash('md5')
      : undefined;
  let bytes = 0;
  const checked = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      md5?.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const expected = [request.size, object.ContentLength ?? request.size];
      if (expected.some((size) => size !== bytes)) {
        done(
          new Error(
            `${what}: ${bytes} bytes read, ${request.size} expected (its size): nothing written for it`,
          ),
        );
        return;
      }
      const digest = md5?.digest('hex');
      if (digest !== undefined && digest !== etag) {
        done(
          new Error(
            `${what}: the bytes read have MD5 ${digest}, its ETag is ${etag}: nothing written for it`,
          ),
        );
        return;
      }
      done();
    },
  });
  // A failed read fails the checked body (and so the upload); a failed check closes the read.
  pipeline(object.Body as Readable, checked, () => undefined);
  return checked;
}
