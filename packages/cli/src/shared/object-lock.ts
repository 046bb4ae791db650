import { GetObjectLockConfigurationCommand, type S3Client } from '@aws-sdk/client-s3';

/** A bucket's Object Lock: off, on without default retention, or on with a default retention. */
export type ObjectLock =
  | { readonly enabled: false }
  | { readonly enabled: true; readonly mode?: 'GOVERNANCE' | 'COMPLIANCE'; readonly days?: number };

/** S3's answer for a bucket that never had Object Lock enabled. */
const NOT_ENABLED = 'ObjectLockConfigurationNotFoundError';

/**
 * Reads the bucket's Object Lock configuration (needs s3:GetBucketObjectLockConfiguration). A
 * default retention given in years is reported in days (365 a year, as S3 counts them).
 * Other errors are thrown as the SDK raised them.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLockConfiguration.html
 */
export async function readObjectLock(s3: S3Client, bucket: string): Promise<ObjectLock> {
  try {
    const res = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    const config = res.ObjectLockConfiguration;
    if (config?.ObjectLockEnabled !== 'Enabled') return { enabled: false };
    const retention = config.Rule?.DefaultRetention;
    if (!retention?.Mode) return { enabled: true };
    const days = retention.Days || (retention.Years ? retention.Years * 365 : undefined);
    return { enabled: true, mode: retention.Mode, days };
  } catch (err) {
    if ((err as Error)?.name === NOT_ENABLED) return { enabled: false };
    throw err;
  }
}

/** `COMPLIANCE, 30 days` or `GOVERNANCE` (no period known). */
export function describeRetention(lock: ObjectLock): string {
  if (!lock.enabled || !lock.mode) return 'no default retention';
  return lock.days === undefined ? lock.mode : `${lock.mode}, ${lock.days} day${lock.days === 1 ? '' : 's'}`;
}
