import type { S3Client } from '@aws-sdk/client-s3';
import { mapChunks } from '../../shared/chunks';
import {
  addDeleteMarker,
  type Copied,
  type CopyRequest,
  type CopyTuning,
  copyVersion,
  startArchiveRestore,
} from '../../shared/copy';
import { CliError, describeAwsError, isNetworkError } from '../../shared/errors';
import { joinByKey } from '../../shared/join';
import { forEachConcurrent } from '../../shared/pool';
import type { ReportWriter } from '../../shared/report';
import { streamVersion } from '../../shared/stream-copy';
import { type KeyHistory, listKeyHistories, type VersionEntry, withoutReserved } from '../../shared/versions';
import type { RestoreJournal } from './journal';
import { ACTION_TYPES, type ActionType, planInPlace, planToTarget, type RestoreAction } from './plan';

export interface RestoreRequest {
  readonly bucket: string;
  readonly prefix?: string;
  /** The point in time, epoch ms. */
  readonly time: number;
  /** Write the state at T into another bucket (under `prefix`) instead of in place. */
  readonly target?: { readonly bucket: string; readonly prefix: string; readonly versioned: boolean };
  readonly restoreArchived: boolean;
  /** Also restore keys under the reserved prefix `_s3-dr/` (probes). */
  readonly includeReserved: boolean;
  readonly now: number;
  /** Copies earlier runs made (read while planning) and where this run records its own. */
  readonly journal?: RestoreJournal;
  /** List requests in flight at most while planning (see ranges.ts). @default 1 */
  readonly listConcurrency?: number;
  /**
   * restore --from replica: `bucket` is the replica, read with the replica side's clients, and the
   * state at T is written into `target` with the primary's. @default - one bucket, one side
   */
  readonly from?: ReplicaSource;
}

/** How restore --from replica reads the replica and gets its versions into the target. */
export interface ReplicaSource {
  /** The replica side's S3 client: lists the replica; reads it when streaming; sends the server-side copies. */
  readonly s3: S3Client;
  /**
   * `server`: CopyObject sent with the replica side's credentials (one principal reads the replica
   * and writes the target); `stream`: GetObject with the replica side's, PutObject or multipart
   * upload with the primary's (see stream-copy.ts).
   */
  readonly copy: 'server' | 'stream';
}

export interface RunHooks {
  readonly signal?: AbortSignal;
  /** Called once per key examined (planning) or per change applied. */
  readonly onProgress?: (n: number) => void;
  /** Called once per list page requested. */
  readonly onListPage?: () => void;
  /** Called with each key's history in the restored bucket, as listed. */
  readonly onHistory?: (history: KeyHistory) => void;
  /** Called once when an error stops the writes: the requests in flight are then waited for. */
  readonly onStopping?: (error: CliError) => void;
  /** Called with each action planned (planning only), e.g. to add up what the copies cost. */
  readonly onPlanned?: (action: RestoreAction) => void;
}

export interface Plan {
  readonly keys: number;
  readonly counts: Readonly<Record<ActionType, number>>;
  /** The first few actions of each type but `unchanged`, in key order. */
  readonly sample: readonly RestoreAction[];
  readonly interrupted: boolean;
  /**
   * Epoch ms of the oldest version or delete marker of the keys planned (undefined without keys).
   * A time before it is usually a typing error: no key existed then.
   */
  readonly oldest?: number;
  /**
   * Every action but `unchanged`, when there are at most MAX_HELD_ACTIONS: applying then writes
   * exactly the plan that was shown, without listing again. Undefined for larger plans.
   */
  readonly actions?: readonly RestoreAction[];
}

/** Plans up to this many actions are held in memory (roughly 0.5 KB each) and applied as shown. */
export const MAX_HELD_ACTIONS = 50_000;

/** Counts of the actions a plan holds that write something. */
export function changes(counts: Readonly<Record<ActionType, number>>): number {
  return counts.copy + counts['delete-mark'] + counts['restore-archive'];
}

/** Lists the bucket (and the target) once and plans every key; writes nothing. */
export async function planRestore(
  s3: S3Client,
  request: RestoreRequest,
  report: ReportWriter,
  hooks: RunHooks = {},
  sampleSize = 10,
  maxHeld = MAX_HELD_ACTIONS,
): Promise<Plan> {
  const counts = zeroCounts();
  const sample: RestoreAction[] = [];
  let held: RestoreAction[] | undefined = [];
  let keys = 0;
  let oldest: number | undefined;
  const onHistory = (history: KeyHistory): void => {
    const last = history.entries[history.entries.length - 1]?.lastModified;
    if (last !== undefined && (oldest === undefined || last < oldest)) oldest = last;
  };
  const planning = restoreActions(s3, request, { ...hooks, onHistory }, request.listConcurrency);
  for await (const action of planning) {
    keys++;
    counts[action.type]++;
    hooks.onPlanned?.(action);
    if (action.type !== 'unchanged') {
      if (counts[action.type] <= sampleSize) sample.push(action);
      if (held && held.length < maxHeld) held.push(action);
      else held = undefined;
      await report.write(reportRecord(action, 'planned'));
    }
    hooks.onProgress?.(1);
  }
  return { keys, counts, sample, interrupted: hooks.signal?.aborted === true, actions: held, oldest };
}

export interface Applied {
  /** Writes done, by action type (`copy`, `delete-mark`, `restore-archive`). */
  readonly done: Readonly<Record<ActionType, number>>;
  /** Keys examined in this pass, by planned action type. */
  readonly seen: Readonly<Record<ActionType, number>>;
  readonly failed: number;
  /** The first failures, for the summary. */
  readonly failures: readonly { readonly key: string; readonly error: string }[];
  /** Ctrl-C, or an error that stopped the writes (then `stoppedBy` says which). */
  readonly interrupted: boolean;
  /**
   * The error no other key would escape (no endpoint, no bucket, no credentials, the report file)
   * that stopped the run; every request in flight had finished when it returned.
   */
  readonly stoppedBy?: CliError;
  /**
   * Writes sent that got no answer (the endpoint stopped answering): S3 may still carry them out
   * after the run, so they are neither counted as done nor as failed.
   */
  readonly unanswered: number;
}

/**
 * Applies the plan, `concurrency` requests at a time: one CopyObject per key to copy (multipart
 * above 5 GiB), one DeleteObject without a version id per key to delete-mark, one RestoreObject
 * per archived version with --restore-archived. A plan that holds its actions is applied as
 * shown; a larger one is listed again and each change applied as it is found. Every request is
 * atomic, so an interruption leaves each key either restored or untouched; running the same
 * restore again plans only what is left. An error that would fail every key (see isFatal) stops
 * the writes like Ctrl-C does: it is returned as `stoppedBy` once the requests in flight have
 * finished, with what was done. Deletes no version, ever.
 */
export async function applyRestore(
  s3: S3Client,
  request: RestoreRequest,
  plan: Plan,
  report: ReportWriter,
  concurrency: number,
  hooks: RunHooks = {},
  tuning: CopyTuning = {},
): Promise<Applied> {
  const done = zeroCounts();
  const seen = zeroCounts();
  const failures: { key: string; error: string }[] = [];
  let failed = 0;
  const targetBucket = request.target?.bucket ?? request.bucket;
  const actions: AsyncIterable<RestoreAction> | Iterable<RestoreAction> =
    plan.actions ?? restoreActions(s3, request, { signal: hooks.signal, onListPage: hooks.onListPage });
  async function* writes(): AsyncGenerator<RestoreAction> {
    for await (const action of actions) {
      if (hooks.signal?.aborted) return;
      seen[action.type]++;
      if (action.type === 'copy' || action.type === 'delete-mark' || action.type === 'restore-archive') {
        yield action;
      } else if (action.type !== 'unchanged') {
        await report.write(reportRecord(action, 'skipped'));
      }
    }
  }
  const { stop, stoppedBy } = stopper(targetBucket, hooks.onStopping);
  let unanswered = 0;
  await forEachConcurrent(
    writes(),
    concurrency,
    async (action) => {
      let written: Copied;
      try {
        written = await write(s3, request, targetBucket, action, tuning);
      } catch (err) {
        if (isNetworkError(err)) unanswered++;
        if (isFatal(err, sum(done))) throw stop(err);
        failed++;
        const error = describeAwsError(err, `${targetBucket}/${action.targetKey}`).message;
        if (failures.length < 10) failures.push({ key: action.key, error });
        await report.write({ ...reportRecord(action, 'failed'), error });
        return;
      }
      const newVersionId = written.versionId;
      if (action.type === 'copy' && action.atT) {
        // An unversioned target returns no version id: its only version is `null`.
        await request.journal?.record(
          action.targetKey,
          action.atT.versionId,
          newVersionId ?? 'null',
          written.etag,
        );
      }
      done[action.type]++;
      hooks.onProgress?.(1);
      await report.write({ ...reportRecord(action, 'done'), ...(newVersionId ? { newVersionId } : {}) });
    },
    hooks.signal,
  ).catch((err: unknown) => {
    // A listing or the report file that failed stops the writes as well.
    stop(err);
  });
  const error = stoppedBy();
  const interrupted = hooks.signal?.aborted === true || error !== undefined;
  return { done, seen, failed, failures, interrupted, unanswered, ...(error ? { stoppedBy: error } : {}) };
}

/**
 * Keeps the first error that stops the writes (as a CliError about `bucket`), telling
 * `onStopping` of it once: the run then waits for the requests in flight and returns it.
 */
export function stopper(
  bucket: string,
  onStopping?: (error: CliError) => void,
): { stop: (err: unknown) => CliError; stoppedBy: () => CliError | undefined } {
  let first: CliError | undefined;
  return {
    stop(err) {
      const error = err instanceof CliError ? err : describeAwsError(err, `bucket ${bucket}`);
      if (!first) onStopping?.(error);
      first ??= error;
      return error;
    },
    stoppedBy: () => first,
  };
}

async function write(
  s3: S3Client,
  request: RestoreRequest,
  targetBucket: string,
  action: RestoreAction,
  tuning: CopyTuning,
): Promise<Copied> {
  const atT = action.atT;
  if (action.type === 'delete-mark')
    return { versionId: await addDeleteMarker(s3, targetBucket, action.targetKey) };
  if (!atT) throw new Error(`internal: ${action.type} of ${action.key} without a version at T`);
  if (action.type === 'restore-archive') {
    await startArchiveRestore(s3, request.bucket, action.key, atT.versionId);
    return {};
  }
  const copy = copyOf(action, atT, request.bucket, targetBucket);
  const from = request.from;
  if (!from) return copyVersion(s3, copy, tuning);
  return from.copy === 'server' ? copyVersion(from.s3, copy, tuning) : streamVersion(from.s3, s3, copy);
}

/** The copy that gives `action`'s target key its version at T (direct and batch restores alike). */
export function copyOf(
  action: Pick<RestoreAction, 'key' | 'targetKey'>,
  atT: Pick<VersionEntry, 'versionId' | 'size' | 'storageClass'>,
  sourceBucket: string,
  targetBucket: string,
): CopyRequest {
  return {
    sourceBucket,
    key: action.key,
    versionId: atT.versionId,
    size: atT.size ?? 0,
    storageClass: atT.storageClass,
    targetBucket,
    targetKey: action.targetKey,
  };
}

/**
 * Errors that no other key would escape: no credentials, no endpoint, no bucket, or access denied
 * before anything succeeded. They stop the run (exit 2) instead of failing key after key.
 */
function isFatal(err: unknown, succeeded: number): boolean {
  const { name } = (err ?? {}) as { name?: string };
  if (name === 'CredentialsProviderError' || name === 'NoSuchBucket') return true;
  if (isNetworkError(err)) return true;
  return name === 'AccessDenied' && succeeded === 0;
}

/** Streams one action per key of the bucket (under the prefix), in key order. */
export async function* restoreActions(
  s3: S3Client,
  request: RestoreRequest,
  hooks: Pick<RunHooks, 'signal' | 'onListPage' | 'onHistory'>,
  concurrency = 1,
): AsyncGenerator<RestoreAction> {
  // With a target bucket, the two listings share the requests.
  const perListing = request.target ? Math.max(1, Math.floor(concurrency / 2)) : concurrency;
  const histories = mapChunks(
    withoutReserved(
      listKeyHistories(request.from?.s3 ?? s3, {
        bucket: request.bucket,
        prefix: request.prefix,
        withRestoreStatus: true,
        concurrency: perListing,
        signal: hooks.signal,
        onPage: () => hooks.onListPage?.(),
      }),
      request.includeReserved,
    ),
    (chunk) => {
      if (hooks.onHistory) for (const history of chunk) hooks.onHistory(history);
      return chunk;
    },
  );
  const target = request.target;
  if (!target) {
    for await (const chunk of histories) for (const history of chunk) yield planInPlace(history, request);
    return;
  }
  const targetHistories = withoutReserved(
    mapChunks(
      listKeyHistories(s3, {
        bucket: target.bucket,
        prefix: target.prefix + (request.prefix ?? ''),
        concurrency: perListing,
        signal: hooks.signal,
        onPage: () => hooks.onListPage?.(),
      }),
      (chunk) => chunk.map((history) => ({ ...history, key: history.key.slice(target.prefix.length) })),
    ),
    request.includeReserved,
  );
  const options = {
    ...request,
    targetPrefix: target.prefix,
    targetVersioned: target.versioned,
    fromReplica: request.from !== undefined,
  };
  for await (const pairs of joinByKey(histories, targetHistories)) {
    for (const [history, inTarget] of pairs) {
      // A key only the target has did not exist at T: planned like any other absent key.
      const key = (history ?? inTarget)?.key as string;
      yield planToTarget(history ?? { key, entries: [] }, inTarget?.entries[0], options);
    }
  }
}

function reportRecord(action: RestoreAction, status: 'planned' | 'done' | 'failed' | 'skipped'): object {
  return {
    action: action.type,
    status,
    key: action.key,
    ...(action.targetKey !== action.key ? { targetKey: action.targetKey } : {}),
    ...(action.atT
      ? {
          fromVersionId: action.atT.versionId,
          fromDeleteMarker: action.atT.kind === 'marker',
          fromLastModified: new Date(action.atT.lastModified).toISOString(),
        }
      : {}),
    ...(action.current ? { currentVersionId: action.current.versionId } : {}),
    reason: action.reason,
  };
}

function zeroCounts(): Record<ActionType, number> {
  return Object.fromEntries(ACTION_TYPES.map((t) => [t, 0])) as Record<ActionType, number>;
}

function sum(counts: Readonly<Record<ActionType, number>>): number {
  return ACTION_TYPES.reduce((total, t) => total + counts[t], 0);
}
