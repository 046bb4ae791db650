import type { S3Client } from '@aws-sdk/client-s3';
import { bucketUsesKms } from '../../shared/buckets';
import type { Chunks } from '../../shared/chunks';
import { joinByKey } from '../../shared/join';
import { listCurrentObjects } from '../../shared/objects';
import { forEachConcurrent } from '../../shared/pool';
import type { ReportWriter } from '../../shared/report';
import { type KeyHistory, listKeyHistories, withoutReserved } from '../../shared/versions';
import {
  type CompareOptions,
  compareKey,
  DIFFERENCE_KINDS,
  type Difference,
  type DifferenceKind,
  isHiddenInReplica,
} from './compare';

export interface VerifyRequest {
  readonly source: string;
  readonly replica: string;
  readonly prefix?: string;
  readonly mode: CompareOptions['mode'];
  readonly graceMs: number;
  /** Also compare keys under the reserved prefix `_s3-dr/` (probes). */
  readonly includeReserved: boolean;
  readonly now: number;
  /**
   * Compare only keys with an entry in either bucket written at or after this time (epoch ms), a
   * delete marker included: what changed since a failover started. Every key is listed all the
   * same, with its versions (ListObjectVersions).
   */
  readonly changedSince?: number;
  /** List requests in flight at most, shared by the two buckets. @default 2 (one per bucket) */
  readonly concurrency?: number;
}

export interface VerifyHooks {
  readonly signal?: AbortSignal;
  /** Called once per key compared. */
  readonly onKey?: () => void;
  /** Called once per list page received, with the bucket listed. */
  readonly onListPage?: (bucket: string) => void;
}

export interface VerifyResult {
  /** Keys seen on either side. */
  readonly keys: number;
  readonly counts: Readonly<Record<DifferenceKind, number>>;
  /** The first differences (hints last), for the summary. */
  readonly sample: readonly Difference[];
  /** Missing keys that a delete marker hides in the replica (see compare.ts). */
  readonly hiddenInReplica: number;
  /** False when either bucket uses SSE-KMS: ETag-only differences were hints. */
  readonly etagsComparable: boolean;
  /** Buckets whose default encryption could not be read (ETags were assumed comparable). */
  readonly encryptionUnknown: readonly string[];
  readonly interrupted: boolean;
}

/**
 * Compares the two buckets with a streaming merge-join of their listings: list requests only (one
 * per 1000 current objects per bucket, or per 1000 versions with --all-versions; plus one
 * GetBucketEncryption each), memory bounded by one key's versions. Every difference goes to
 * `report` as it is found.
 */
export async function verifyBuckets(
  s3: S3Client,
  request: VerifyRequest,
  report: ReportWriter,
  hooks: VerifyHooks = {},
  sampleSize = 20,
): Promise<VerifyResult> {
  const [sourceKms, replicaKms] = await Promise.all([
    bucketUsesKms(s3, request.source),
    bucketUsesKms(s3, request.replica),
  ]);
  const encryptionUnknown = [
    ...(sourceKms === undefined ? [request.source] : []),
    ...(replicaKms === undefined ? [request.replica] : []),
  ];
  const options: CompareOptions = {
    mode: request.mode,
    graceMs: request.graceMs,
    now: request.now,
    etagsComparable: !sourceKms && !replicaKms,
  };
  // The current state needs only the current objects (ListObjectsV2: one request per 1000 of
  // them, however deep the history); every version by id needs ListObjectVersions.
  // Each bucket gets half of the requests; each listing splits its key space into ranges to use them.
  const perBucket = Math.max(1, Math.floor((request.concurrency ?? 2) / 2));
  // ListObjectsV2 shows a deleted key as absent, not when it was deleted: to compare what changed
  // since a time, deletes included, the versions are listed (a delete marker has a time).
  const currentOnly = request.mode === 'current' && request.changedSince === undefined;
  const list = (bucket: string): Chunks<KeyHistory> => {
    const listing = {
      bucket,
      prefix: request.prefix,
      concurrency: perBucket,
      signal: hooks.signal,
      onPage: () => hooks.onListPage?.(bucket),
    };
    return withoutReserved(
      currentOnly ? listCurrentObjects(s3, listing) : listKeyHistories(s3, listing),
      request.includeReserved,
    );
  };
  const counts = Object.fromEntries(DIFFERENCE_KINDS.map((k) => [k, 0])) as Record<DifferenceKind, number>;
  const sample: Difference[] = [];
  const hints: Difference[] = [];
  let keys = 0;
  const since = request.changedSince;
  const changed = (history?: KeyHistory): boolean =>
    since === undefined || (history?.entries.some((e) => e.lastModified >= since) ?? false);
  let hiddenInReplica = 0;
  listing: for await (const pairs of joinByKey(list(request.source), list(request.replica))) {
    const compared = pairs
      .filter(([source, replica]) => changed(source) || changed(replica))
      .map(([source, replica]) => ({ source, differences: compareKey(source, replica, options) }));
    if (currentOnly) await lookUpAbsent(s3, request.replica, compared, options, perBucket, hooks.signal);
    for (const { differences } of compared) {
      keys++;
      for (const difference of differences) {
        counts[difference.kind]++;
        if (isHiddenInReplica(difference)) hiddenInReplica++;
        const bucket = difference.kind === 'hint' ? hints : sample;
        if (bucket.length < sampleSize) bucket.push(difference);
        await report.write(difference);
      }
      hooks.onKey?.();
      if (hooks.signal?.aborted) break listing;
    }
  }
  return {
    keys,
    counts,
    hiddenInReplica,
    sample: [...sample, ...hints].slice(0, sampleSize),
    etagsComparable: options.etagsComparable,
    encryptionUnknown,
    interrupted: hooks.signal?.aborted === true,
  };
}

/**
 * ListObjectsV2 lists a key that a delete marker hides in the replica as absent, like one the
 * replica never had. For each key missing that way, one ListObjectVersions of the replica (prefix:
 * the key) tells them apart, and the key is compared again with its history there; `concurrency`
 * requests at once.
 */
async function lookUpAbsent(
  s3: S3Client,
  replica: string,
  compared: { source?: KeyHistory; differences: Difference[] }[],
  options: CompareOptions,
  concurrency: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const absent = compared.filter((c) => c.differences.some((d) => d.kind === 'missing' && !d.replica));
  await forEachConcurrent(
    absent,
    concurrency,
    async (item) => {
      const key = item.source?.key as string;
      const history = await historyOf(s3, replica, key, signal);
      if (history) item.differences = compareKey(item.source, history, options);
    },
    signal,
  );
}

/** The versions and delete markers of exactly `key` in `bucket` (none: undefined). */
async function historyOf(
  s3: S3Client,
  bucket: string,
  key: string,
  signal: AbortSignal | undefined,
): Promise<KeyHistory | undefined> {
  // No other key under the prefix `key` sorts before `key` itself: its history comes first.
  for await (const chunk of listKeyHistories(s3, { bucket, prefix: key, signal })) {
    return chunk[0]?.key === key ? chunk[0] : undefined;
  }
  return undefined;
}
