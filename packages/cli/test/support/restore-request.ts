import type { S3Client } from '@aws-sdk/client-s3';
import type { RestoreRequest } from '../../src/commands/restore/run';
import { createBucket, pointInTime, putMany } from './versioned';

/** An in-place restore of `bucket` to the ISO time `to`, as the CLI builds it without options. */
export function restoreRequest(
  bucket: string,
  to: string,
  extra: Partial<RestoreRequest> = {},
): RestoreRequest {
  return {
    bucket,
    time: Date.parse(to),
    restoreArchived: false,
    includeReserved: false,
    now: Date.now(),
    ...extra,
  };
}

/** A new bucket whose `keys` were written as "<key> at T" before T and as "after T" after it. */
export async function changedAfterT(
  s3: S3Client,
  prefix: string,
  keys: readonly string[],
): Promise<{ bucket: string; to: string; request: RestoreRequest }> {
  const bucket = await createBucket(s3, prefix);
  await putMany(
    s3,
    bucket,
    keys.map((key) => ({ key, body: `${key} at T` })),
  );
  const to = await pointInTime();
  await putMany(
    s3,
    bucket,
    keys.map((key) => ({ key, body: 'after T' })),
  );
  return { bucket, to, request: restoreRequest(bucket, to) };
}
