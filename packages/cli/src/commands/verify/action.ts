import type { CommandContext } from '../../shared/context';
import { formatDuration } from '../../shared/duration';
import { CliError, EXIT } from '../../shared/errors';
import { interruptSignal } from '../../shared/interrupt';
import { assertBucketsExist, s3ForTarget } from '../../shared/preflight';
import { createProgress } from '../../shared/progress';
import { openReport } from '../../shared/report';
import { count } from '../../shared/text';
import { flagsOf } from '../drill/undo';
import type { Difference } from './compare';
import { type VerifyResult, verifyBuckets } from './run';

/** The options of `s3-dr verify` (see register.ts). */
export interface VerifyOptions {
  readonly prefix?: string;
  readonly allVersions: boolean;
  readonly grace: number;
  readonly strict: boolean;
  readonly report?: string;
  readonly includeReserved: boolean;
  /** Compare the buckets' S3 Inventory reports instead of listings (inventory/action.ts). */
  readonly inventory?: boolean;
  readonly sourceInventory?: string;
  readonly replicaInventory?: string;
  readonly inventoryDate?: string;
  readonly engine?: 'local' | 'athena';
  readonly failedManifest?: string;
  /** With --inventory: also check the replica's versions for Object Lock retention. */
  readonly locks?: boolean;
  readonly workgroup?: string;
  readonly database?: string;
  readonly maxScan?: number;
  readonly yes?: boolean;
}

/**
 * What the run showed: `ok` every key seen as in the source; `unsettled` nothing missing or
 * mismatched, but pending or extra keys (or, by inventory, differences too recent to judge); `failed` something missing or mismatched; `empty`
 * nothing to compare; `interrupted`.
 */
export type Verdict = 'ok' | 'unsettled' | 'failed' | 'empty' | 'interrupted';

/**
 * A result as the summary reads it: with inventory, `failed` too (entries whose replication
 * failed), and with --locks `unlocked` and `retention-short` (replica versions short of retention).
 */
export type Summarized = Omit<VerifyResult, 'counts' | 'sample'> & {
  /** With inventory: differences too recent for the reports to judge (never OK about them). */
  readonly notJudged?: number;
  readonly counts: VerifyResult['counts'] & {
    readonly failed?: number;
    readonly unlocked?: number;
    readonly 'retention-short'?: number;
  };
  readonly sample: readonly (Omit<Difference, 'kind'> & { readonly kind: string })[];
};

export function verdictOf(r: Summarized): Verdict {
  if (r.interrupted) return 'interrupted';
  if (r.counts.missing + r.counts.mismatch + (r.counts.failed ?? 0) + lockFindings(r) > 0) return 'failed';
  if (r.keys === 0) return 'empty';
  // Differences too recent for the reports are unsettled, like pending ones: never OK about them.
  return r.counts.pending + r.counts.extra + (r.notJudged ?? 0) > 0 ? 'unsettled' : 'ok';
}

function lockFindings(r: Summarized): number {
  return (r.counts.unlocked ?? 0) + (r.counts['retention-short'] ?? 0);
}

export function exitCodeOf(verdict: Verdict, strict: boolean): number {
  if (verdict === 'ok') return EXIT.ok;
  if (verdict === 'unsettled' && !strict) return EXIT.ok;
  return EXIT.findings;
}

/** `s3-dr verify`: compares the target's buckets and prints the differences and the verdict. */
export async function verify(ctx: CommandContext, options: VerifyOptions): Promise<number> {
  if (!options.inventory) refuseInventoryOnly(options);
  if (options.inventory) {
    const { verifyInventory } = require('./inventory/action') as typeof import('./inventory/action');
    return verifyInventory(ctx, options);
  }
  const target = await ctx.target();
  const regions = await assertBucketsExist(ctx.clients(), target);
  const report = await openReport(options.report);
  const progress = createProgress(ctx.io, 'verify: keys compared');
  const interrupt = interruptSignal(() =>
    ctx.io.stderr('\ns3-dr: interrupted, stopping (Ctrl-C again to quit at once)\n'),
  );
  let result: VerifyResult;
  try {
    result = await verifyBuckets(
      s3ForTarget(ctx.clients(), target, regions),
      {
        source: target.source,
        replica: target.replica,
        prefix: options.prefix,
        mode: options.allVersions ? 'all-versions' : 'current',
        graceMs: options.grace,
        includeReserved: options.includeReserved,
        now: Date.now(),
        concurrency: ctx.options.concurrency,
      },
      report,
      { signal: interrupt.signal, onKey: () => progress.tick() },
    );
  } finally {
    interrupt.release();
    progress.done();
    await report.close();
  }
  return printSummary(ctx, {
    source: target.source,
    replica: target.replica,
    options,
    result,
    basis: `grace ${formatDuration(options.grace)}`,
    json: { graceSeconds: options.grace / 1000 },
  });
}

/** The options that only --inventory reads, with what each does (listings would ignore them). */
const INVENTORY_ONLY: readonly (readonly [keyof VerifyOptions, string, string])[] = [
  ['locks', '--locks', "reads the replica's Object Lock fields from its S3 Inventory report"],
  ['failedManifest', '--failed-manifest', 'lists the failed and missing entries of the S3 Inventory reports'],
  ['sourceInventory', '--source-inventory', "names the source's S3 Inventory reports"],
  ['replicaInventory', '--replica-inventory', "names the replica's S3 Inventory reports"],
  ['inventoryDate', '--inventory-date', 'picks the day of the S3 Inventory reports to compare'],
  ['engine', '--engine', 'says where the S3 Inventory reports are compared'],
  ['workgroup', '--workgroup', 'names the Athena workgroup that compares the S3 Inventory reports'],
  ['database', '--database', 'names the Glue database of the S3 Inventory tables'],
  ['maxScan', '--max-scan', 'bounds the Athena query over the S3 Inventory reports'],
  ['yes', '--yes', 'allows a large Athena query over the S3 Inventory reports'],
];

/** Refuses, before any request, the first --inventory-only option given without --inventory. */
function refuseInventoryOnly(options: VerifyOptions): void {
  const given = INVENTORY_ONLY.find(([key]) => options[key] !== undefined && options[key] !== false);
  if (!given) return;
  const [key, flag, what] = given;
  const value = options[key];
  // The value as given (--max-scan is parsed to bytes: its flag alone says enough).
  const shown = typeof value === 'string' ? ` ${value}` : '';
  throw new CliError(`${flag}${shown} ${what}: add --inventory`);
}

/** What a comparison came to, as printSummary prints it. */
export interface Summary {
  readonly source: string;
  readonly replica: string;
  readonly options: VerifyOptions;
  readonly result: Summarized;
  /** What the comparison rested on, for the first line (`grace 15m`, `inventory reports`). */
  readonly basis: string;
  /** Lines after the first (which reports were compared). */
  readonly details?: readonly string[];
  /** Lines before the verdict. */
  readonly notes?: readonly string[];
  /** Fields of the --json object beside the common ones. */
  readonly json: Readonly<Record<string, unknown>>;
}

/**
 * Prints the summary of a comparison, the verdict last (or, with --json, one object with the
 * verdict, the counts and the first differences); returns the exit code. One printer for both
 * bases, listings and inventory reports, so that their output cannot drift apart.
 */
export function printSummary(ctx: CommandContext, s: Summary): number {
  const { options, result } = s;
  const verdict = verdictOf(result);
  const lines = formatText(s.source, s.replica, options, result, verdict, s.basis, flagsOf(ctx.options));
  lines.splice(1, 0, ...(s.details ?? []));
  lines.splice(-1, 0, ...(s.notes ?? []));
  ctx.print(lines.join('\n'), {
    source: s.source,
    replica: s.replica,
    prefix: options.prefix ?? '',
    mode: options.allVersions ? 'all-versions' : 'current',
    ...s.json,
    strict: options.strict,
    verdict,
    ok: verdict === 'ok',
    summary: lines[lines.length - 1],
    interrupted: result.interrupted,
    keys: result.keys,
    counts: result.counts,
    hiddenInReplica: result.hiddenInReplica,
    etagsComparable: result.etagsComparable,
    encryptionUnknown: result.encryptionUnknown,
    differences: result.sample,
  });
  return exitCodeOf(verdict, options.strict);
}

/**
 * The summary's lines, the verdict last; `basis` says what the comparison rested on (`grace 15m`),
 * `targetFlags` the target as given (`--env prod`), for the commands it suggests.
 */
export function formatText(
  source: string,
  replica: string,
  options: VerifyOptions,
  r: Summarized,
  verdict: Verdict,
  basis: string,
  targetFlags = '',
): string[] {
  const prefix = options.prefix ?? '';
  const mode = options.allVersions ? 'every version' : 'current state';
  const grace = formatDuration(options.grace);
  const lines = [
    `verify s3://${source}/${prefix} -> s3://${replica}/${prefix} (${mode}, ${basis})`,
    `${count(r.keys, 'key')} compared${r.interrupted ? ' before the interruption' : ''}`,
    ...(r.counts.failed === undefined
      ? []
      : [`  failed    ${r.counts.failed} (ReplicationStatus FAILED in the source's report)`]),
    `  missing   ${r.counts.missing}${r.hiddenInReplica ? ` (${r.hiddenInReplica} of them hidden by a delete marker in the replica)` : ''}`,
    `  mismatch  ${r.counts.mismatch}`,
    `  pending   ${r.counts.pending}`,
    `  extra     ${r.counts.extra}`,
    `  hints     ${r.counts.hint}${r.counts.hint ? ' (ETags differ on SSE-KMS; not counted as mismatches)' : ''}`,
    ...(r.counts.unlocked === undefined
      ? []
      : [
          `  unlocked  ${r.counts.unlocked} (replica versions without a lock mode or retain-until date)`,
          `  retention-short ${r.counts['retention-short'] ?? 0} (replica versions retained less than the default retention)`,
        ]),
  ];
  for (const bucket of r.encryptionUnknown) {
    lines.push(`note: cannot read the default encryption of ${bucket}; ETag differences count as mismatches`);
  }
  if (r.sample.length) {
    const total = Object.values(r.counts).reduce((sum, n) => sum + n, 0);
    const all = options.report ? `all of them in ${options.report}` : 'pass --report <file> for all';
    lines.push(total > r.sample.length ? `differences (first ${r.sample.length}; ${all}):` : 'differences:');
    for (const d of r.sample) lines.push(`  ${formatDifference(d)}`);
  }
  const unit = options.allVersions ? 'version' : 'key';
  if (r.counts.extra) {
    // Extra keys are what a ransomware-like mass delete in the source leaves: say the way back,
    // with the target flags given, so that the command runs as pasted.
    const restore = `s3-dr restore${targetFlags ? ` ${targetFlags}` : ''}`;
    lines.push(
      options.allVersions
        ? // A version deleted by id (or expired by lifecycle) is gone from the source, and neither
          // delete is replicated: only the replica's copy is left
          // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html).
          `note: ${count(r.counts.extra, 'version')} only in the replica (deleted from the source by version id or by a lifecycle expiration, neither of which is replicated; or written to the replica only): if deleted by mistake, only the replica's versions bring them back: ${restore} --from replica --to <a time before the deletes> restores each key's state at that time from them`
        : `note: ${count(r.counts.extra, 'key')} only in the replica (deleted in the source, or a delete not replicated yet): if deleted by mistake, ${restore} --bucket primary --to <a time before the deletes> brings them back from the source's versions, ${restore} --from replica --to <that time> from the replica's`,
    );
  }
  const unsettled = [
    ...(r.counts.pending ? [`${r.counts.pending} pending`] : []),
    ...(r.counts.extra ? [`${r.counts.extra} extra`] : []),
    ...(r.notJudged ? [`${r.notJudged} not judged (too recent for the reports)`] : []),
  ].join(', ');
  switch (verdict) {
    case 'interrupted':
      lines.push('INCOMPLETE: interrupted before every key was compared');
      break;
    case 'failed':
      lines.push(
        `FAIL: ${r.counts.failed ? `${r.counts.failed} failed, ` : ''}${r.counts.missing} missing, ${r.counts.mismatch} mismatched${lockFindings(r) ? `, ${r.counts.unlocked} unlocked, ${r.counts['retention-short']} retention-short` : ''}${unsettled ? `; also ${unsettled}` : ''}`,
      );
      break;
    case 'empty':
      lines.push(
        prefix
          ? `WARN: no key under '${prefix}' in either bucket: check --prefix (prefixes are case-sensitive, without wildcards)`
          : 'WARN: both buckets are empty',
        'NOTHING VERIFIED: 0 keys compared',
      );
      break;
    case 'unsettled':
      lines.push(
        `${options.strict ? 'FAIL (--strict)' : 'WARN'}: no ${unit} missing${options.inventory ? '' : ` for longer than ${grace}`}, no mismatch; ${unsettled}`,
      );
      break;
    case 'ok':
      lines.push(
        `OK: the replica holds every ${unit} of the source${prefix ? ` under '${prefix}'` : ''} (${count(r.keys, 'key')} compared)`,
      );
      break;
  }
  return lines;
}

function formatDifference(d: Pick<Difference, 'versionId' | 'key' | 'detail'> & { kind: string }): string {
  const version = d.versionId ? ` @${d.versionId}` : '';
  return `${d.kind.padEnd(9)} ${JSON.stringify(d.key)}${version}: ${d.detail}`;
}
