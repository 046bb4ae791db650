import { Option } from 'commander';
import type { Register } from '../cli';
import type { Difference } from '../compare';
import type { CommandContext } from '../context';
import { formatDuration, parseDuration } from '../duration';
import { EXIT } from '../errors';
import { interruptSignal } from '../interrupt';
import { assertBucketsExist } from '../preflight';
import { createProgress } from '../progress';
import { openReport } from '../report';
import { type VerifyResult, verifyBuckets } from '../verify-run';

interface VerifyOptions {
  readonly prefix?: string;
  readonly allVersions: boolean;
  readonly grace: number;
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
extra. Keys under _s3-dr/ (s3-dr's probes) are skipped unless --include-reserved. Exit code 0: nothing missing or mismatched; 1: something is (or the run
was interrupted); 2: usage, access or bucket errors.

Examples:
  $ s3-dr verify --env prod
  $ s3-dr verify --source my-bucket --replica my-bucket-dr --prefix invoices/ --report diff.jsonl
  $ s3-dr verify --env prod --all-versions --grace 1h --json
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
    .option('--report <file>', 'write every difference to this file as JSON lines')
    .option('--include-reserved', 'also compare keys under the reserved prefix _s3-dr/', false)
    .addHelpText('after', HELP)
    .action(bind(verify));
};

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
  const failed = result.counts.missing + result.counts.mismatch > 0;
  ctx.print(formatText(target.source, target.replica, options, result), {
    source: target.source,
    replica: target.replica,
    prefix: options.prefix ?? '',
    mode: options.allVersions ? 'all-versions' : 'current',
    graceSeconds: options.grace / 1000,
    ok: !failed && !result.interrupted,
    interrupted: result.interrupted,
    keys: result.keys,
    counts: result.counts,
    etagsComparable: result.etagsComparable,
    encryptionUnknown: result.encryptionUnknown,
    differences: result.sample,
  });
  return failed || result.interrupted ? EXIT.findings : EXIT.ok;
}

function formatText(source: string, replica: string, options: VerifyOptions, r: VerifyResult): string {
  const prefix = options.prefix ?? '';
  const mode = options.allVersions ? 'every version' : 'current state';
  const lines = [
    `verify s3://${source}/${prefix} -> s3://${replica}/${prefix} (${mode}, grace ${formatDuration(options.grace)})`,
    `${r.keys} keys compared${r.interrupted ? ' before the interruption' : ''}`,
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
  const failed = r.counts.missing + r.counts.mismatch;
  lines.push(
    r.interrupted
      ? 'INCOMPLETE: interrupted before every key was compared'
      : failed
        ? `FAIL: ${r.counts.missing} missing, ${r.counts.mismatch} mismatched`
        : 'OK: the replica holds every key of the source',
  );
  return lines.join('\n');
}

function formatDifference(d: Difference): string {
  const version = d.versionId ? ` @${d.versionId}` : '';
  return `${d.kind.padEnd(9)} ${JSON.stringify(d.key)}${version}: ${d.detail}`;
}
