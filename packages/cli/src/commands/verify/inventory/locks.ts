import type { S3Client } from '@aws-sdk/client-s3';
import { CliError, describeAwsError } from '../../../shared/errors';
import { describeRetention, readObjectLock } from '../../../shared/object-lock';
import { count } from '../../../shared/text';
import type { LockCheck } from './judge';
import { type InventoryReport, lackedFields } from './reports';

const DAY_MS = 86_400_000;

/**
 * How far a replica version's retain-until date may fall short of its LastModifiedDate plus the
 * default retention before --locks reports it: one day. S3 computes the date "by adding the
 * default retention period to the creation timestamp for the object version"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-overview.html), and a replica
 * takes the source's lock settings (object-lock-managing.html#object-lock-managing-replication),
 * computed from the source's creation: the docs do not say whether a replica's LastModifiedDate is
 * the source's or the time it was replicated, nor how the dates are rounded. A day absorbs both
 * (replication takes minutes) and is still far below any retention worth checking.
 */
export const LOCK_TOLERANCE_MS = DAY_MS;

/** The fields --locks reads from the replica's report. */
export const LOCK_FIELDS = ['ObjectLockRetainUntilDate', 'ObjectLockMode'] as const;

/** What --locks checks the replica's versions against. */
export interface Locks extends LockCheck {
  readonly bucket: string;
  /** LastModifiedDate to retain-until date, at least (none without a default retention). */
  readonly minimumMs?: number;
}

/**
 * The replica bucket's Object Lock default retention (GetObjectLockConfiguration: a read), and a
 * check that the replica's report has the lock fields. A replica without Object Lock is refused:
 * no version there can be locked. A bucket with Object Lock but no default retention: only
 * versions without any retention are reported.
 */
export async function replicaLocks(s3: S3Client, replica: InventoryReport): Promise<Locks> {
  const bucket = replica.sourceBucket;
  const lacking = lackedFields(replica, LOCK_FIELDS);
  if (lacking.length) {
    throw new CliError(
      `--locks: the replica's report ${replica.root}${replica.folder} lacks ${lacking.join(', ')}: add them to ${bucket}'s inventory (the stack's inventory includes them)`,
    );
  }
  let lock: Awaited<ReturnType<typeof readObjectLock>>;
  try {
    lock = await readObjectLock(s3, bucket);
  } catch (err) {
    throw describeAwsError(
      err,
      `the Object Lock configuration of replica bucket ${bucket} (--locks reads its default retention: s3:GetBucketObjectLockConfiguration)`,
    );
  }
  if (!lock.enabled) {
    throw new CliError(
      `--locks: replica bucket ${bucket} has no Object Lock, so none of its versions can be locked: deploy the pair with replicaObjectLock, or leave out --locks`,
    );
  }
  return {
    bucket,
    describe: describeRetention(lock),
    days: lock.days,
    minimumMs: lock.days === undefined ? undefined : lock.days * DAY_MS - LOCK_TOLERANCE_MS,
  };
}

/** What --locks checked, for the summary: never more than the query did. */
export function locksNote(locks: Locks, checked: number): string {
  const versions = count(checked, 'replica version');
  if (locks.days === undefined) {
    return `locks: ${versions} checked for a lock mode and retain-until date; ${locks.bucket} has Object Lock without a default retention, so no period was checked`;
  }
  return `locks: ${versions} checked for a lock mode and a retain-until date at least their LastModifiedDate + ${count(locks.days, 'day')} (${locks.bucket}'s default retention: ${locks.describe}), less 1 day`;
}
