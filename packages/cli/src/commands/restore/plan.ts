import { ARCHIVE_CLASSES } from '../../shared/copy';
import type { KeyHistory, VersionEntry } from '../../shared/versions';
import type { RestoreJournal } from './journal';

/**
 * What a restore does with one key:
 * - `copy`: copy the version that was current at T on top (one CopyObject);
 * - `delete-mark`: the key did not exist at T (or was deleted) but exists now (in the target bucket
 *   with --target-bucket): add a delete marker;
 * - `unchanged`: the key is already in its state at T;
 * - `blocked`: the version at T cannot be copied (archived, or the copy would overwrite an object
 *   in an unversioned target bucket), or a key absent at T would have to be deleted from an
 *   unversioned target bucket;
 * - `restore-archive`: with --restore-archived, start restoring the archived version at T;
 * - `waiting`: that archive restore is in progress; run again when it has finished.
 */
export type ActionType = 'copy' | 'delete-mark' | 'unchanged' | 'blocked' | 'restore-archive' | 'waiting';

export const ACTION_TYPES: readonly ActionType[] = [
  'copy',
  'delete-mark',
  'unchanged',
  'blocked',
  'restore-archive',
  'waiting',
];

export interface RestoreAction {
  readonly type: ActionType;
  readonly key: string;
  /** Where the action writes (the same key, or target-prefix + key with --target-bucket). */
  readonly targetKey: string;
  /** The version or delete marker that was current at T, if any. */
  readonly atT?: VersionEntry;
  /** The current version or delete marker (in the target bucket with --target-bucket), if any. */
  readonly current?: VersionEntry;
  readonly reason: string;
}

export interface PlanOptions {
  /** The point in time, epoch ms. */
  readonly time: number;
  /** Start RestoreObject for archived versions instead of reporting them as blocked. */
  readonly restoreArchived: boolean;
  /** Epoch ms, to tell whether a restored archive copy is still readable. */
  readonly now: number;
  /** Copies earlier runs of this restore made (see restore-journal.ts). @default - none known */
  readonly journal?: Pick<RestoreJournal, 'isCopyOf'>;
  /**
   * restore --from replica: the history is the replica's, whose versions carry the version ids of
   * the primary's versions they replicate. @default false
   */
  readonly fromReplica?: boolean;
}

export interface TargetPlanOptions extends PlanOptions {
  readonly targetPrefix: string;
  /** Whether the target bucket keeps versions: if not, an existing object is never overwritten. */
  readonly targetVersioned: boolean;
}

/**
 * The entry that was current at `time`: the first (newest) entry with LastModified <= time. The
 * entries are in S3's order, newest first, which also orders versions written in the same second
 * (timestamps alone cannot). `undefined`: the key did not exist at that time.
 */
export function stateAt(history: KeyHistory, time: number): VersionEntry | undefined {
  return history.entries.find((entry) => entry.lastModified <= time);
}

const ORDER_UNKNOWN =
  'a version and a delete marker were written in the same second as the state at T and the listing does not tell their order: restore to a time in another second';

/** Whether the state at T falls on a version/delete-marker pair whose order the listing did not tell. */
function isOrderUnknownAt(history: KeyHistory, atT: VersionEntry | undefined): boolean {
  return (
    atT !== undefined && history.entries.some((e) => e.orderUnknown && e.lastModified === atT.lastModified)
  );
}

/**
 * Plans an in-place restore of one key.
 *
 * "Already in the state at T" means: the current entry is the version at T itself; or the current
 * version has the same size and ETag as the version at T (identical content, e.g. the copy that an
 * earlier, possibly interrupted, run of the same restore made: for unencrypted and SSE-S3 objects
 * a copy keeps the ETag); or the restore journal says the current version is the copy an earlier
 * run made of the version at T (SSE-KMS, or a copied multipart upload, where equal content does not
 * mean equal ETags); or the key is absent or deleted both at T and now. This needs no request
 * beyond the listing, which is what makes a second run of the same restore a no-op and an
 * interrupted run resumable.
 */
export function planInPlace(history: KeyHistory, options: PlanOptions): RestoreAction {
  const atT = stateAt(history, options.time);
  const current = history.entries[0];
  const base = { key: history.key, targetKey: history.key, atT, current };
  if (isOrderUnknownAt(history, atT)) return { ...base, type: 'blocked', reason: ORDER_UNKNOWN };
  if (!atT || atT.kind === 'marker') {
    return current?.kind === 'version'
      ? { ...base, type: 'delete-mark', reason: atT ? 'deleted at T' : 'did not exist at T' }
      : { ...base, type: 'unchanged', reason: atT ? 'deleted at T and now' : 'did not exist at T' };
  }
  if (current?.versionId === atT.versionId) {
    return { ...base, type: 'unchanged', reason: 'the version at T is current' };
  }
  return planCopy(base, atT, current, options);
}

/**
 * Plans one key's state at T in another bucket (`targetCurrent`: the current entry of
 * target-prefix + key there; `history` empty for a key only the target has). A key absent at T
 * that the target holds gets a delete marker, as in place, so that the target ends in the state at
 * T; in an unversioned target that delete would destroy the object, so it is blocked instead.
 */
export function planToTarget(
  history: KeyHistory,
  targetCurrent: VersionEntry | undefined,
  options: TargetPlanOptions,
): RestoreAction {
  const atT = stateAt(history, options.time);
  const base = {
    key: history.key,
    targetKey: options.targetPrefix + history.key,
    atT,
    current: targetCurrent,
  };
  if (isOrderUnknownAt(history, atT)) return { ...base, type: 'blocked', reason: ORDER_UNKNOWN };
  if (!atT || atT.kind === 'marker') {
    const absent = atT ? 'deleted at T' : 'did not exist at T';
    if (targetCurrent?.kind !== 'version') {
      return { ...base, type: 'unchanged', reason: `${absent}, absent in the target` };
    }
    return options.targetVersioned
      ? { ...base, type: 'delete-mark', reason: `${absent}, present in the target` }
      : {
          ...base,
          type: 'blocked',
          reason: `${absent}, present in the unversioned target bucket: a delete there would destroy it`,
        };
  }
  // A replica keeps its source's version id ("Object replicas ... have the same key names and the
  // same metadata—for example, creation time, owner, user-defined metadata, version ID",
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html): a primary whose current
  // version is the one the replica held at T is in that state, even where SSE-KMS makes the ETags differ.
  if (options.fromReplica && targetCurrent?.kind === 'version' && targetCurrent.versionId === atT.versionId) {
    return { ...base, type: 'unchanged', reason: 'the current version is the version at T in the replica' };
  }
  const action = planCopy(base, atT, targetCurrent, options);
  if (action.type === 'copy' && targetCurrent?.kind === 'version' && !options.targetVersioned) {
    return {
      ...action,
      type: 'blocked',
      reason: 'would overwrite a different object in the unversioned target bucket',
    };
  }
  return action;
}

function planCopy(
  base: Omit<RestoreAction, 'type' | 'reason'>,
  atT: VersionEntry,
  current: VersionEntry | undefined,
  options: PlanOptions,
): RestoreAction {
  if (current?.kind === 'version' && current.size === atT.size && current.etag === atT.etag) {
    return { ...base, type: 'unchanged', reason: 'the current version has the content of the version at T' };
  }
  if (current?.kind === 'version' && options.journal?.isCopyOf(base.targetKey, current, atT.versionId)) {
    return { ...base, type: 'unchanged', reason: 'an earlier run copied the version at T (journal)' };
  }
  if (atT.storageClass && ARCHIVE_CLASSES.has(atT.storageClass) && !isReadable(atT, options.now)) {
    if (atT.restore?.inProgress) {
      return {
        ...base,
        type: 'waiting',
        reason: `restore of the ${atT.storageClass} version is in progress`,
      };
    }
    if (options.restoreArchived)
      return { ...base, type: 'restore-archive', reason: `the version at T is in ${atT.storageClass}` };
    // restore --from replica writes nothing to the replica, not even a RestoreObject.
    const fix = options.fromReplica
      ? "the replica's account must restore it (RestoreObject) first"
      : 'pass --restore-archived to start its restore';
    return { ...base, type: 'blocked', reason: `the version at T is in ${atT.storageClass}: ${fix}` };
  }
  return {
    ...base,
    type: 'copy',
    reason: current?.kind === 'version' ? 'differs from the version at T' : 'deleted or absent now',
  };
}

/** An archived version with a finished, unexpired restore can be copied. */
function isReadable(entry: VersionEntry, now: number): boolean {
  const restore = entry.restore;
  return restore !== undefined && !restore.inProgress && (restore.expiresAt ?? 0) > now;
}
