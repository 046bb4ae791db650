import type { KeyHistory, VersionEntry } from '../../../shared/versions';
import { type CompareOptions, compareKey, type Difference, type DifferenceKind } from '../compare';
import type { ComparisonMode, ResultRow } from './sql';

/**
 * What only inventory knows, beside verify's kinds: `failed`, an entry the source's report marks
 * `ReplicationStatus=FAILED` that the replica lacks (what `s3-dr backfill` fixes).
 */
export type InventoryKind = DifferenceKind | 'failed';

export type InventoryDifference = Omit<Difference, 'kind'> & { readonly kind: InventoryKind };

/** What the comparison's rows came to. */
export interface Judgement {
  /** Keys (or versions) in either report. */
  compared: number;
  /** Differences whose entries were written after the older report: not judged. */
  unjudged: number;
}

/**
 * Judges the comparison's rows with verify's own comparison (compare.ts), then applies what the
 * source's report says of replication: PENDING makes a missing or different entry `pending`,
 * FAILED makes it `failed`. An entry written at or after `cutoff` (the older report's creation) may
 * be in one report and not yet in the other: it is counted in `unjudged`, never reported.
 */
export class RowJudge {
  readonly judgement: Judgement = { compared: 0, unjudged: 0 };
  private readonly options: CompareOptions;

  constructor(
    mode: ComparisonMode,
    private readonly cutoff: number,
    etagsComparable: boolean,
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
    const key = row.object_key ?? '';
    const source = entryOf(key, row, 's');
    const replica = entryOf(key, row, 'r');
    if ([source, replica].some((e) => e && e.lastModified >= this.cutoff)) {
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
