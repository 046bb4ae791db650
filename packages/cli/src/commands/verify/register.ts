import { Option } from 'commander';
import type { Register } from '../../cli';
import type { CommandContext } from '../../shared/context';
import { formatDuration, parseDuration } from '../../shared/duration';
import { EXIT } from '../../shared/errors';
import { interruptSignal } from '../../shared/interrupt';
import { assertBucketsExist } from '../../shared/preflight';
import { createProgress } from '../../shared/progress';
import { openReport } from '../../shared/report';
import { count } from '../../shared/text';
import type { Difference } from './compare';
import { type VerifyResult, verifyBuckets } from './run';

interface VerifyOptions {
  readonly prefix?: string;
  readonly allVersions: boolean;
  readonly grace: number;
  readonly strict: boolean;
  readonly report?: string;
  readonly includeReserved: boolean;
}

const DEFAULT_GRACE_MS = 15 * 60_000;

const HELP = `
What is compared:
  default         the current state of every key: present (size and ETag) or deleted
  --all-versions  every version and delete marker, by version id (replication keeps ids)

Each difference is one of:
  missing   in the source, not in the replica, older than --grace
  mismatch  in both, with a different size (or ETag, where ETags are comparable)
  pending   a difference younger than --grace: replication may still be on its way
  extra     present in the replica only
  hint      not counted: same size but different ETags on an SSE-KMS bucket, whose ETags are
            not MD5 digests and differ between source and replica

Cost: list requests only, no request per object: ceil(current objects/1000) per bucket
(ListObjectsV2), or ceil(versions/1000) per bucket with --all-versions (ListObjectVersions).
Listings carry no ReplicationStatus (PENDING/FAILED), so "pending" is judged by the age of the
source's entry against --grace; in the default mode a delete that is not replicated yet shows as
extra. Keys under _s3-dr/ (s3-dr's probes) are skipped unless --include-reserved.

The last line is the verdict: OK only when every key was seen in the replica as in the source;
WARN when nothing is missing or mismatched but keys are pending or extra (it counts them); FAIL
when anything is missing or mismatched.

Exit codes:
  0  no key missing for longer than --grace and no mismatch (pending and extra keys may remain:
     the last line then says WARN and counts them)
  1  something is missing or mismatched; or, with --strict, pending or extra; or nothing was
     compared (no key under --prefix in either bucket); or the run was interrupted; or source and
     replica are the same bucket
  2  usage error, no credentials, no access, or a bucket that does not exist

Examples:
  $ s3-dr verify --env prod
  $ s3-dr verify --source my-bucket --replica my-bucket-dr --prefix invoices/ --report diff.jsonl
  $ s3-dr verify --env prod --all-versions --grace 1h --strict --json
`;

export const registerVerify: Register = (program, bind) => {
  program
    .command('verify')
    .summary('prove that the replica holds what the source holds')
    .description(
      'Compares the listings of the source and replica buckets of the target (--env, --outputs or ' +
        '--source/--replica) and reports every key that is missing, pending, different or extra.',
    )
    .option('--prefix <prefix>', 'compare only keys that start with this prefix')
    .option('--all-versions', 'compare every version and delete marker by version id', false)
    .addOption(
      new Option('--grace <duration>', 'differences younger than this count as pending (e.g. 30s, 15m, 2h)')
        .argParser(parseDuration('--grace', { allowZero: true }))
        .default(DEFAULT_GRACE_MS, formatDuration(DEFAULT_GRACE_MS)),
    )
    .option('--strict', 'exit 1 on pending and extra differences too', false)
    .option('--report <file>', 'write every difference to this file as JSON lines')
    .option('--include-reserved', 'also compare keys under the reserved prefix _s3-dr/', false)
    .addHelpText('after', HELP)
    .action(bind(verify));
};

/**
 * What the run showed: `ok` every key seen as in the source; `unsettled` nothing missing or
 * mismatched, but pending or extra keys; `failed` something missing or mismatched; `empty`
 * nothing to compare; `interrupted`.
 */
type Verdict = 'ok' | 'unsettled' | 'failed' | 'empty' | 'interrupted';

function verdictOf(r: VerifyResult): Verdict {
  if (r.interrupted) return 'interrupted';
  if (r.counts.missing + r.counts.mismatch > 0) return 'failed';
  if (r.keys === 0) return 'empty';
  return r.counts.pending + r.counts.extra > 0 ? 'unsettled' : 'ok';
}

function exitCodeOf(verdict: Verdict, strict: boolean): number {
  if (verdict === 'ok') return EXIT.ok;
  if (verdict === 'unsettled' && !strict) return EXIT.ok;
  return EXIT.findings;
}

async function verify(ctx: CommandContext, options: VerifyOptions): Promise<number> {
  const target = await ctx.target();
  await assertBucketsExist(ctx.clients(), target);
  const report = await openReport(options.report);
  const progress = createProgress(ctx.io, 'verify: keys compared');
  const interrupt = interruptSignal(() =>
    ctx.io.stderr('\ns3-dr: interrupted, stopping (Ctrl-C again to quit at once)\n'),
  );
  let result: VerifyResult;
  try {
    result = await verifyBuckets(
      ctx.clients().s3,
      {
        source: target.source,
        replica: target.replica,
        prefix: options.prefix,
        mode: options.allVersions ? 'all-versions' : 'current',
        graceMs: options.grace,
        includeReserved: options.includeReserved,
        now: Date.now(),
      },
      report,
      { signal: interrupt.signal, onKey: () => progress.tick() },
    );
  } finally {
    interrupt.release();
    progress.done();
    await report.close();
  }
  const verdict = verdictOf(result);
  const exitCode = exitCodeOf(verdict, options.strict);
  const lines = formatText(target.source, target.replica, options, result, verdict);
  ctx.print(lines.join('\n'), {
    source: target.source,
    replica: target.replica,
    prefix: options.prefix ?? '',
    mode: options.allVersions ? 'all-versions' : 'current',
    graceSeconds: options.grace / 1000,
    strict: options.strict,
    verdict,
    ok: verdict === 'ok',
    summary: lines[lines.length - 1],
    interrupted: result.interrupted,
    keys: result.keys,
    counts: result.counts,
    etagsComparable: result.etagsComparable,
    encryptionUnknown: result.encryptionUnknown,
    differences: result.sample,
  });
  return exitCode;
}

function formatText(
  source: string,
  replica: string,
  options: VerifyOptions,
  r: VerifyResult,
  verdict: Verdict,
): string[] {
  const prefix = options.prefix ?? '';
  const mode = options.allVersions ? 'every version' : 'current state';
  const grace = formatDuration(options.grace);
  const lines = [
    `verify s3://${source}/${prefix} -> s3://${replica}/${prefix} (${mode}, grace ${grace})`,
    `${count(r.keys, 'key')} compared${r.interrupted ? ' before the interruption' : ''}`,
    `  missing   ${r.counts.missing}`,
    `  mismatch  ${r.counts.mismatch}`,
    `  pending   ${r.counts.pending}`,
    `  extra     ${r.counts.extra}`,
    `  hints     ${r.counts.hint}${r.counts.hint ? ' (ETags differ on SSE-KMS; not counted as mismatches)' : ''}`,
  ];
  for (const bucket of r.encryptionUnknown) {
    lines.push(`note: cannot read the default encryption of ${bucket}; ETag differences count as mismatches`);
  }
  if (r.sample.length) {
    const all = options.report ? `all of them in ${options.report}` : 'pass --report <file> for all';
    lines.push(`differences (first ${r.sample.length}; ${all}):`);
    for (const d of r.sample) lines.push(`  ${formatDifference(d)}`);
  }
  const unit = options.allVersions ? 'version' : 'key';
  const unsettled = [
    ...(r.counts.pending ? [`${r.counts.pending} pending`] : []),
    ...(r.counts.extra ? [`${r.counts.extra} extra`] : []),
  ].join(', ');
  switch (verdict) {
    case 'interrupted':
      lines.push('INCOMPLETE: interrupted before every key was compared');
      break;
    case 'failed':
      lines.push(
        `FAIL: ${r.counts.missing} missing, ${r.counts.mismatch} mismatched${unsettled ? `; also ${unsettled}` : ''}`,
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
        `${options.strict ? 'FAIL (--strict)' : 'WARN'}: no ${unit} missing for longer than ${grace}, no mismatch; ${unsettled}`,
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

function formatDifference(d: Difference): string {
  const version = d.versionId ? ` @${d.versionId}` : '';
  return `${d.kind.padEnd(9)} ${JSON.stringify(d.key)}${version}: ${d.detail}`;
}
