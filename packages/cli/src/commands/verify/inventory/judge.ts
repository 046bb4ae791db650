import type { KeyHistory, VersionEntry } from '../../../shared/versions';
import { type CompareOptions, compareKey, type Difference, type DifferenceKind } from '../compare';
import type { ComparisonMode, ResultRow } from './sql';

/**
 * What only inventory knows, beside verify's kinds: `failed`, an entry the source's report marks
 * `ReplicationStatus=FAILED` that the replica lacks (what `s3-dr backfill` fixes); with --locks,
 * `unlocked` (a replica version without a lock mode or retain-until date) and `retention-short`
 * (retained less than the replica's default retention after its LastModifiedDate).
 */
export type InventoryKind = DifferenceKind | 'failed' | LockKind;

export type LockKind = 'unlocked' | 'retention-short';
export const LOCK_KINDS: readonly LockKind[] = ['unlocked', 'retention-short'];

export type InventoryDifference = Omit<Difference, 'kind'> & {
  readonly kind: InventoryKind;
  /** A lock difference's Object Lock fields, as the replica's report gives them. */
  readonly retention?: { readonly mode: string | null; readonly retainUntil: string | null };
};

/** The retention --locks checks against: the replica bucket's default, less a tolerance. */
export interface LockCheck {
  /** The default retention, e.g. `COMPLIANCE, 365 days` (none: only versions without a retention date). */
  readonly describe: string;
  readonly days?: number;
}

/** What the comparison's rows came to. */
export interface Judgement {
  /** Keys (or versions) in either report. */
  compared: number;
  /** Differences whose entries were written after the older report: not judged. */
  unjudged: number;
  /** With --locks: the replica's versions whose retention was checked. */
  locksChecked: number;
}

/**
 * Judges the comparison's rows with verify's own comparison (compare.ts), then applies what the
 * source's report says of replication: PENDING makes a missing or different entry `pending`,
 * FAILED makes it `failed`. An entry written at or after `cutoff` (the older report's creation) may
 * be in one report and not yet in the other: it is counted in `unjudged`, never reported, unless
 * the source's report says FAILED, which no wait undoes.
 */
export class RowJudge {
  readonly judgement: Judgement = { compared: 0, unjudged: 0, locksChecked: 0 };
  private readonly options: CompareOptions;

  constructor(
    mode: ComparisonMode,
    private readonly cutoff: number,
    etagsComparable: boolean,
    private readonly locks?: LockCheck,
  ) {
    // No grace period: a report says PENDING itself, and what is too young is not judged at all.
    this.options = { mode, graceMs: 0, now: Number.POSITIVE_INFINITY, etagsComparable };
  }

  /** The differences of one result row (none for the count row). */
  judge(row: ResultRow): InventoryDifference[] {
    if (row.row_type === 'count') {
      this.judgement.compared += Number(row.compared ?? 0);
      return [];
    }
    if (row.row_type === 'lock-count') {
      this.judgement.locksChecked += Number(row.compared ?? 0);
      return [];
    }
    const key = row.object_key ?? '';
    if (row.row_type === 'lock') return [lockDifference(key, row, this.locks)];
    const source = entryOf(key, row, 's');
    const replica = entryOf(key, row, 'r');
    // S3 does not retry a FAILED replication (it takes Batch Replication or a new upload:
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-status.html): however young,
    // the entry will not reach the replica by itself, so it is judged.
    const failed = row.s_replication_status === 'FAILED';
    if (!failed && [source, replica].some((e) => e && e.lastModified >= this.cutoff)) {
      this.judgement.unjudged++;
      return [];
    }
    const differences = compareKey(
      source && { key, entries: [source] },
      replica && replicaHistory(key, replica, Number(row.r_versions ?? 0)),
      this.options,
    );
    return differences.map((d) => withReplicationStatus(d, row.s_replication_status));
  }
}

/**
 * A replica version the query found short of retention: without a mode or retain-until date
 * (`unlocked`), or retained less than the default after its LastModifiedDate (`retention-short`).
 */
function lockDifference(key: string, row: ResultRow, locks: LockCheck | undefined): InventoryDifference {
  const versionId = row.r_version_id || 'null';
  const lastModified = parseTime(row.r_last_modified ?? '');
  const mode = row.r_lock_mode;
  const until = row.r_retain_until;
  const replica = { versionId, deleteMarker: false, lastModified: new Date(lastModified).toISOString() };
  const retention = { mode, retainUntil: until && new Date(parseLockDate(until)).toISOString() };
  if (!mode || !until) {
    return {
      kind: 'unlocked',
      key,
      versionId,
      detail: `no retention in the replica's report (ObjectLockMode ${mode || 'empty'}, ObjectLockRetainUntilDate ${retention.retainUntil ?? 'empty'}): no retention period protects this version`,
      replica,
      retention,
    };
  }
  const days = (parseLockDate(until) - lastModified) / 86_400_000;
  return {
    kind: 'retention-short',
    key,
    versionId,
    detail: `${mode} until ${retention.retainUntil}, ${days.toFixed(1)} days after its LastModifiedDate ${replica.lastModified}: less than the replica's default retention (${locks?.describe ?? 'unknown'})`,
    replica,
    retention,
  };
}

/** A retain-until date as the query returns it: epoch milliseconds, or a time as parseTime reads it. */
function parseLockDate(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : parseTime(text);
}

function withReplicationStatus(d: Difference, status: string | null): InventoryDifference {
  if (d.kind !== 'missing' && d.kind !== 'mismatch') return d;
  if (status === 'FAILED') {
    return { ...d, kind: 'failed', detail: `ReplicationStatus FAILED in the source's report; ${d.detail}` };
  }
  if (status === 'PENDING') {
    return { ...d, kind: 'pending', detail: `ReplicationStatus PENDING in the source's report; ${d.detail}` };
  }
  return d;
}

/**
 * The replica's history as compare.ts reads it in the current mode: the latest entry, then stand-ins
 * for the other versions of the key (compareKey only counts them, to say what a delete marker hides).
 */
function replicaHistory(key: string, latest: VersionEntry, versions: number): KeyHistory {
  const hidden = Math.max(0, versions - (latest.kind === 'version' ? 1 : 0));
  return {
    key,
    entries: [latest, ...Array.from({ length: hidden }, () => ({ ...latest, kind: 'version' as const }))],
  };
}

function entryOf(key: string, row: ResultRow, side: 's' | 'r'): VersionEntry | undefined {
  const versionId = row[`${side}_version_id`];
  const lastModified = row[`${side}_last_modified`];
  if (row[`${side}_delete_marker`] === null || lastModified === null) return undefined;
  const marker = row[`${side}_delete_marker`] === 'true';
  const etag = row[`${side}_etag`];
  return {
    kind: marker ? 'marker' : 'version',
    key,
    // An object written before versioning was enabled: no id in the report, `null` for S3's APIs.
    versionId: versionId || 'null',
    lastModified: parseTime(lastModified),
    isLatest: true,
    ...(marker
      ? {}
      : {
          size: Number(row[`${side}_size`]),
          etag: etag && !etag.startsWith('"') ? `"${etag}"` : (etag ?? undefined),
        }),
  };
}

/**
 * A report's LastModifiedDate as the engines print it: `2026-01-02T03:04:05.000Z` (CSV),
 * `2026-01-02 03:04:05.123` (a timestamp, UTC), `2026-01-02 03:04:05+00` (DuckDB, with a zone).
 */
export function parseTime(text: string): number {
  let t = text.trim().replace(' ', 'T');
  if (/[+-]\d{2}$/.test(t)) t += ':00';
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(t)) t += 'Z';
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`unreadable LastModifiedDate ${text}`);
  return ms;
}
