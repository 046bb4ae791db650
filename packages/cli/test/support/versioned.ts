import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  PutObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { motoEndpoint, uniqueBucket } from '../../../../test/support/moto';

/** An S3 client for test set-up and checks against moto, independent of process.env. */
export function motoS3(endpoint = motoEndpoint()): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

/** Creates a bucket with a unique name; versioning Enabled unless told otherwise. */
export async function createBucket(
  s3: S3Client,
  prefix: string,
  versioning: 'Enabled' | 'Suspended' | 'none' = 'Enabled',
): Promise<string> {
  const bucket = uniqueBucket(prefix);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  if (versioning !== 'none') {
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: versioning } }),
    );
  }
  return bucket;
}

/**
 * Creates a bucket with Object Lock (so versioned) and a default retention of `days` in COMPLIANCE
 * mode (none: Object Lock without a default retention).
 */
export async function createLockedBucket(s3: S3Client, prefix: string, days?: number): Promise<string> {
  const bucket = uniqueBucket(prefix);
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  if (days !== undefined) {
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: days } },
        },
      }),
    );
  }
  return bucket;
}

export async function put(
  s3: S3Client,
  bucket: string,
  key: string,
  body: string | Uint8Array,
  extra: Partial<PutObjectCommandInput> = {},
): Promise<string> {
  const res = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...extra }));
  return res.VersionId ?? 'null';
}

/** Deletes without a version id: adds a delete marker. */
export async function remove(s3: S3Client, bucket: string, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** Puts many keys with `concurrency` requests in flight. */
export async function putMany(
  s3: S3Client,
  bucket: string,
  items: readonly { key: string; body: string }[],
  concurrency = 32,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as { key: string; body: string };
      await put(s3, bucket, item.key, item.body);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

export interface ListedEntry {
  readonly key: string;
  readonly versionId: string;
  readonly deleteMarker: boolean;
  readonly isLatest: boolean;
  readonly lastModified: number;
  /** Versions only. */
  readonly etag?: string;
  readonly size?: number;
}

/** Every version and delete marker of the bucket (all pages), as the test sees them. */
export async function listAll(s3: S3Client, bucket: string): Promise<ListedEntry[]> {
  const out: ListedEntry[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        KeyMarker: keyMarker,
        VersionIdMarker: versionIdMarker,
      }),
    );
    for (const v of page.Versions ?? []) {
      out.push({
        key: v.Key ?? '',
        versionId: v.VersionId ?? 'null',
        deleteMarker: false,
        isLatest: v.IsLatest === true,
        lastModified: v.LastModified?.getTime() ?? 0,
        etag: v.ETag,
        size: v.Size,
      });
    }
    for (const m of page.DeleteMarkers ?? []) {
      out.push({
        key: m.Key ?? '',
        versionId: m.VersionId ?? 'null',
        deleteMarker: true,
        isLatest: m.IsLatest === true,
        lastModified: m.LastModified?.getTime() ?? 0,
      });
    }
    if (!page.IsTruncated) return out;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

/** The current content of every key that currently exists: key -> body. */
export async function currentContents(s3: S3Client, bucket: string): Promise<Record<string, string>> {
  const current: Record<string, string> = {};
  for (const entry of await listAll(s3, bucket)) {
    if (entry.isLatest && !entry.deleteMarker) {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: entry.key }));
      current[entry.key] = (await res.Body?.transformToString()) ?? '';
    }
  }
  return current;
}

/** `key@versionId` of every version and delete marker, to prove that none disappeared. */
export async function versionIds(s3: S3Client, bucket: string): Promise<string[]> {
  return (await listAll(s3, bucket)).map((e) => `${e.key}@${e.versionId}`).sort();
}

/**
 * Waits for the next whole second and returns the millisecond before it as an ISO time: every
 * write finished before this call has LastModified <= T, every write after it has LastModified
 * > T (S3 and moto list whole seconds).
 */
export async function pointInTime(): Promise<string> {
  const boundary = Math.floor(Date.now() / 1000) * 1000 + 1000;
  await new Promise((resolve) => setTimeout(resolve, boundary - Date.now() + 20));
  return new Date(boundary - 1).toISOString();
}
