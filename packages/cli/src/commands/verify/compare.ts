import type { KeyHistory, VersionEntry } from '../../shared/versions';

/**
 * How one key (or one version, with --all-versions) differs between source and replica:
 * - `missing`: in the source, not (or not yet as this version) in the replica, and older than the
 *   grace period; `replica.deleteMarker` says when a delete marker hides the key in the replica
 *   (a delete made there, or a replicated delete whose later write did not follow) rather than
 *   the replica never had it;
 * - `pending`: a difference younger than the grace period: replication may still be on its way;
 * - `mismatch`: both sides hold it but the content differs (size, or ETag where ETags are comparable);
 * - `extra`: present in the replica only (deleted in, or never written to, the source);
 * - `hint`: not a difference by itself, e.g. ETags that differ for the same size on SSE-KMS buckets.
 */
export type DifferenceKind = 'missing' | 'pending' | 'mismatch' | 'extra' | 'hint';

export const DIFFERENCE_KINDS: readonly DifferenceKind[] = [
  'missing',
  'mismatch',
  'pending',
  'extra',
  'hint',
];

/** What a side holds, as written to reports. */
export interface SideState {
  readonly versionId: string;
  readonly deleteMarker: boolean;
  readonly size?: number;
  readonly etag?: string;
  readonly lastModified: string;
}

export interface Difference {
  readonly kind: DifferenceKind;
  readonly key: string;
  /** The version compared, with --all-versions. */
  readonly versionId?: string;
  /** One line for the operator. */
  readonly detail: string;
  readonly source?: SideState;
  readonly replica?: SideState;
}

export interface CompareOptions {
  /** `current`: the current state of every key; `all-versions`: every version and delete marker by id. */
  readonly mode: 'current' | 'all-versions';
  /** A difference whose source entry is younger than this is `pending`, not `missing`/`mismatch`. */
  readonly graceMs: number;
  /** Epoch ms the grace period counts back from. */
  readonly now: number;
  /**
   * Whether equal content implies equal ETags. False when either bucket encrypts with SSE-KMS:
   * such ETags are not MD5 digests and differ between source and replica, so an ETag-only
   * difference becomes a `hint`. A size difference is a mismatch either way.
   */
  readonly etagsComparable: boolean;
}

/** Compares one key's histories; either side may be absent. */
export function compareKey(
  source: KeyHistory | undefined,
  replica: KeyHistory | undefined,
  options: CompareOptions,
): Difference[] {
  const key = (source ?? replica)?.key ?? '';
  return options.mode === 'current'
    ? compareCurrent(key, source?.entries[0], replica?.entries ?? [], options)
    : compareAllVersions(key, source?.entries ?? [], replica?.entries ?? [], options);
}

/** Whether a difference says the replica hides a key of the source under a delete marker. */
export function isHiddenInReplica(d: Difference): boolean {
  return d.kind === 'missing' && d.replica?.deleteMarker === true;
}

function compareCurrent(
  key: string,
  s: VersionEntry | undefined,
  replicaEntries: readonly VersionEntry[],
  options: CompareOptions,
): Difference[] {
  const r = replicaEntries[0];
  const sPresent = s?.kind === 'version';
  const rPresent = r?.kind === 'version';
  if (!sPresent && !rPresent) return [];
  const young = s !== undefined && options.now - s.lastModified < options.graceMs;
  if (sPresent && rPresent && s.size === r.size && s.etag === r.etag) return []; // the common case, without building states
  const states = { source: s && sideState(s), replica: r && sideState(r) };
  if (sPresent && !rPresent) {
    const why = r ? 'the replica shows it deleted' : 'the replica has no version of it';
    return [
      young
        ? { kind: 'pending', key, detail: `written ${age(s, options)} ago, ${why} yet`, ...states }
        : { kind: 'missing', key, detail: `current in the source, ${inReplica(replicaEntries)}`, ...states },
    ];
  }
  if (!sPresent) {
    return [
      young
        ? {
            kind: 'pending',
            key,
            detail: `deleted ${age(s, options)} ago in the source, not yet in the replica`,
            ...states,
          }
        : {
            kind: 'extra',
            key,
            detail: s
              ? 'deleted in the source, present in the replica'
              : 'present in the replica only (absent or deleted in the source)',
            ...states,
          },
    ];
  }
  const diff = contentDifference(s, r as VersionEntry, options);
  if (!diff) return [];
  if (diff.kind === 'mismatch' && young) {
    return [{ kind: 'pending', key, detail: `written ${age(s, options)} ago; ${diff.detail}`, ...states }];
  }
  return [{ ...diff, key, ...states }];
}

function compareAllVersions(
  key: string,
  sources: readonly VersionEntry[],
  replicas: readonly VersionEntry[],
  options: CompareOptions,
): Difference[] {
  const byId = new Map(replicas.map((r) => [r.versionId, r]));
  const out: Difference[] = [];
  for (const s of sources) {
    const r = byId.get(s.versionId);
    byId.delete(s.versionId);
    const what = s.kind === 'marker' ? 'delete marker' : 'version';
    const base = { key, versionId: s.versionId, source: sideState(s), replica: r && sideState(r) };
    const young = options.now - s.lastModified < options.graceMs;
    if (!r) {
      out.push(
        young
          ? {
              kind: 'pending',
              detail: `${what} written ${age(s, options)} ago, not yet in the replica`,
              ...base,
            }
          : { kind: 'missing', detail: `${what} not in the replica`, ...base },
      );
    } else if (r.kind !== s.kind) {
      out.push({
        kind: 'mismatch',
        detail: `a ${what} in the source, a ${kindName(r)} in the replica`,
        ...base,
      });
    } else if (s.kind === 'version') {
      const diff = contentDifference(s, r, options);
      if (diff) out.push({ ...diff, ...base });
    }
  }
  for (const r of byId.values()) {
    out.push({
      kind: 'extra',
      key,
      versionId: r.versionId,
      detail: `${kindName(r)} in the replica only`,
      replica: sideState(r),
    });
  }
  return out;
}

function contentDifference(
  s: VersionEntry,
  r: VersionEntry,
  options: CompareOptions,
): Pick<Difference, 'kind' | 'detail'> | undefined {
  if (s.size !== r.size)
    return { kind: 'mismatch', detail: `size ${s.size} in the source, ${r.size} in the replica` };
  if (s.etag === r.etag) return undefined;
  return options.etagsComparable
    ? { kind: 'mismatch', detail: `ETag ${s.etag} in the source, ${r.etag} in the replica` }
    : {
        kind: 'hint',
        detail: 'same size, different ETags: expected with SSE-KMS (ETags are not MD5 digests there)',
      };
}

/** What the replica holds of a key whose current state there is not a version. */
function inReplica(entries: readonly VersionEntry[]): string {
  if (entries.length === 0) return 'the replica has no version of it';
  const hidden = entries.filter((e) => e.kind === 'version').length;
  return hidden
    ? `a delete marker in the replica hides it (${hidden === 1 ? '1 version' : `${hidden} versions`} of the key under the marker)`
    : 'the replica has only a delete marker for it (no version)';
}

function kindName(e: VersionEntry): string {
  return e.kind === 'marker' ? 'delete marker' : 'version';
}

function age(e: VersionEntry | undefined, options: CompareOptions): string {
  const seconds = Math.max(0, Math.round((options.now - (e?.lastModified ?? options.now)) / 1000));
  return seconds < 120 ? `${seconds}s` : `${Math.round(seconds / 60)}m`;
}

function sideState(e: VersionEntry): SideState {
  return {
    versionId: e.versionId,
    deleteMarker: e.kind === 'marker',
    ...(e.kind === 'version' ? { size: e.size, etag: e.etag } : {}),
    lastModified: new Date(e.lastModified).toISOString(),
  };
}
