import { createWriteStream } from 'node:fs';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { CliError, describeAwsError } from '../errors';
import { why } from '../report';

/** One object of a Batch Operations manifest: a version of a key in a bucket. */
export interface ManifestEntry {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
}

/**
 * One line of a Batch Operations CSV manifest (format `S3BatchOperations_CSV_20180820`, fields
 * Bucket, Key, VersionId, no header): the key URL-encoded as S3 requires, so that commas, quotes,
 * newlines and non-ASCII characters survive; `/` is encoded too (S3 decodes every escape).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-create-job.html#specify-batchjob-manifest
 */
export function manifestLine(entry: ManifestEntry): string {
  return `${entry.bucket},${encodeURIComponent(entry.key)},${entry.versionId}\n`;
}

/** Reads a manifest line back (for tests and reports): `bucket,key,versionId` with the key decoded. */
export function parseManifestLine(line: string): ManifestEntry {
  const [bucket = '', key = '', versionId = ''] = line.replace(/\n$/, '').split(',');
  return { bucket, key: decodeReportKey(key), versionId };
}

/**
 * A key as a manifest or completion report holds it: URL-encoded. `+` stands for a space only in
 * form encoding; manifests written by encodeURIComponent encode a `+` as `%2B`, so a literal `+`
 * is kept.
 */
export function decodeReportKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

export interface ManifestWriter {
  add(entry: ManifestEntry): Promise<void>;
  /** Lines written so far. */
  readonly count: number;
  /** Finishes the manifest: its ETag in S3 (the job spec pins it), or undefined for a local file. */
  close(): Promise<{ count: number; etag?: string }>;
  /** Abandons it (an upload is aborted, so no part is left behind). */
  abort(): Promise<void>;
}

/** Size of each uploaded part: S3's minimum part size is 5 MiB (the last part may be smaller). */
export const MANIFEST_PART_BYTES = 8 * 1024 ** 2;

/**
 * Streams a manifest to `s3://bucket/key` as a multipart upload: lines are buffered up to one part
 * (8 MiB, about 80,000 lines) and each full part is uploaded before more are taken, so memory
 * stays at one part whatever the number of objects. S3 allows 10,000 parts: 80 GB of manifest.
 */
export async function openS3Manifest(
  s3: S3Client,
  bucket: string,
  key: string,
  partBytes = MANIFEST_PART_BYTES,
): Promise<ManifestWriter> {
  let uploadId: string | undefined;
  try {
    uploadId = (
      await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'text/csv' }))
    ).UploadId;
  } catch (err) {
    throw describeAwsError(err, `ops bucket ${bucket}`);
  }
  if (!uploadId) throw new CliError(`S3 returned no upload id for s3://${bucket}/${key}`, 1, 'aws-error');
  const parts: { PartNumber: number; ETag: string }[] = [];
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let count = 0;
  const flush = async (): Promise<void> => {
    if (bufferedBytes === 0) return;
    const PartNumber = parts.length + 1;
    const body = Buffer.concat(buffered, bufferedBytes);
    buffered = [];
    bufferedBytes = 0;
    const res = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: body }),
    );
    parts.push({ PartNumber, ETag: res.ETag ?? '' });
  };
  return {
    get count() {
      return count;
    },
    async add(entry) {
      const line = Buffer.from(manifestLine(entry), 'utf8');
      buffered.push(line);
      bufferedBytes += line.length;
      count++;
      if (bufferedBytes >= partBytes) await flush();
    },
    async close() {
      await flush();
      const res = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
      return { count, etag: res.ETag?.replace(/"/g, '') };
    },
    async abort() {
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
        .catch(() => undefined);
    },
  };
}

/**
 * Writes a manifest to a local file, line by line (for review, audit or submitting it elsewhere).
 * A file that cannot be created is a usage error naming it as `what`.
 */
export async function openFileManifest(path: string, what = 'manifest'): Promise<ManifestWriter> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  await new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', (err) => reject(new CliError(`cannot write ${what} ${path}: ${why(path, err)}`)));
  });
  let count = 0;
  return {
    get count() {
      return count;
    },
    async add(entry) {
      count++;
      if (!out.write(manifestLine(entry)))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    },
    close: () =>
      new Promise((resolve, reject) => {
        out.end((err?: Error | null) => (err ? reject(err) : resolve({ count })));
      }),
    abort: () => new Promise((resolve) => out.end(() => resolve())),
  };
}
