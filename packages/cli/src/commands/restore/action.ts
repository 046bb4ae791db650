import { bucketVersioning } from '../../shared/buckets';
import type { CommandContext } from '../../shared/context';
import { CliError, EXIT } from '../../shared/errors';
import { interruptSignal } from '../../shared/interrupt';
import { parsePointInTime } from '../../shared/parse';
import { createProgress } from '../../shared/progress';
import { NO_REPORT, openReport } from '../../shared/report';
import { count } from '../../shared/text';
import { defaultJournalPath, openJournal } from './journal';
import type { RestoreAction } from './plan';
import { type Applied, applyRestore, changes, type Plan, planRestore, type RestoreRequest } from './run';

/** The options of `s3-dr restore` (see register.ts). */
export interface RestoreOptions {
  readonly bucket: string;
  readonly to: string;
  readonly prefix?: string;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly report?: string;
  readonly journal?: string;
  readonly restoreArchived: boolean;
  readonly targetBucket?: string;
  readonly targetPrefix?: string;
  readonly includeReserved: boolean;
}

/** `s3-dr restore`: prints the plan, and with --yes applies it. */
export async function restore(ctx: CommandContext, options: RestoreOptions): Promise<number> {
  const now = Date.now();
  const time = parsePointInTime(options.to, now);
  if (options.yes && options.dryRun)
    throw new CliError('--yes and --dry-run contradict each other: pass one');
  const bucket = await resolveBucket(ctx, options.bucket);
  const targetBucket = options.targetBucket ? await resolveBucket(ctx, options.targetBucket) : undefined;
  checkTarget(bucket, options.prefix ?? '', targetBucket, options.targetPrefix ?? '');
  const s3 = ctx.clients().s3;
  const versioning = await bucketVersioning(s3, bucket);
  if (versioning !== 'Enabled') {
    throw new CliError(
      `bucket ${bucket} is ${versioning === 'Suspended' ? 'versioning-suspended' : 'not versioned'}: a point-in-time restore needs the version history of a versioning-enabled bucket`,
    );
  }
  const targetVersioning = targetBucket ? await bucketVersioning(s3, targetBucket) : undefined;
  if (targetVersioning === 'Suspended') {
    // A write to a versioning-suspended bucket replaces its `null` version even when that version
    // is not current (hidden under a delete marker): data in the target could be lost.
    throw new CliError(
      `target bucket ${targetBucket} is versioning-suspended: a copy would overwrite its null versions; enable versioning on it or choose another bucket`,
    );
  }
  let request: RestoreRequest = {
    bucket,
    prefix: options.prefix,
    time,
    target: targetBucket
      ? {
          bucket: targetBucket,
          prefix: options.targetPrefix ?? '',
          versioned: targetVersioning === 'Enabled',
        }
      : undefined,
    restoreArchived: options.restoreArchived,
    includeReserved: options.includeReserved,
    now,
    listConcurrency: ctx.options.concurrency,
  };
  const apply = options.yes;
  const journal = await openJournal(
    options.journal ?? defaultJournalPath(targetBucket ?? bucket, time),
    apply,
  );
  request = { ...request, journal };
  const report = await openReport(options.report);
  const interrupt = interruptSignal(() =>
    ctx.io.stderr('\ns3-dr: interrupted, finishing the requests in flight (Ctrl-C again to quit at once)\n'),
  );
  try {
    const planning = createProgress(ctx.io, 'restore: keys planned');
    const plan = await planRestore(s3, request, apply ? NO_REPORT : report, {
      signal: interrupt.signal,
      onProgress: (n) => planning.tick(n),
    }).finally(() => planning.done());
    // The plan comes first, always: on stdout, or on stderr when stdout carries --json.
    // A dry run only reads the journal (earlier runs' copies); it writes none.
    const journalLine = apply
      ? `journal: ${journal.path}`
      : `journal: ${journal.path} (read only: a dry run writes none)`;
    const planText = `${formatPlan(request, plan)}\n${journalLine}\n`;
    if (ctx.options.json) ctx.io.stderr(planText);
    else ctx.io.stdout(planText);
    if (plan.interrupted || !apply || changes(plan.counts) === 0) {
      const note = plan.interrupted
        ? 'Interrupted while planning: nothing written.'
        : changes(plan.counts) === 0
          ? 'Nothing to change.'
          : options.dryRun
            ? 'Dry run: nothing written.'
            : 'Nothing written: add --yes to apply this plan.';
      if (ctx.options.json) ctx.print('', jsonResult(request, plan, undefined, note));
      else ctx.io.stdout(`${note}\n`);
      return plan.interrupted || plan.counts.blocked + plan.counts.waiting > 0 ? EXIT.findings : EXIT.ok;
    }
    const applying = createProgress(ctx.io, 'restore: changes applied', changes(plan.counts));
    const applied = await applyRestore(s3, request, plan, report, ctx.options.concurrency, {
      signal: interrupt.signal,
      onProgress: (n) => applying.tick(n),
    }).finally(() => applying.done());
    const summary = formatApplied(applied);
    if (ctx.options.json) ctx.print('', jsonResult(request, plan, applied, summary));
    else ctx.io.stdout(`${summary}\n`);
    const incomplete =
      applied.failed + applied.seen.blocked + applied.seen.waiting + applied.done['restore-archive'] > 0;
    return incomplete || applied.interrupted ? EXIT.findings : EXIT.ok;
  } finally {
    interrupt.release();
    await report.close();
    await journal.close();
  }
}

async function resolveBucket(ctx: CommandContext, name: string): Promise<string> {
  if (name === 'primary') return (await ctx.target()).source;
  if (name === 'replica') return (await ctx.target()).replica;
  return name;
}

function checkTarget(
  bucket: string,
  prefix: string,
  targetBucket: string | undefined,
  targetPrefix: string,
): void {
  if (!targetBucket) {
    if (targetPrefix) throw new CliError('--target-prefix needs --target-bucket');
    return;
  }
  if (targetBucket === bucket && (targetPrefix.startsWith(prefix) || prefix.startsWith(targetPrefix))) {
    throw new CliError(
      `--target-bucket ${targetBucket} is the bucket being restored and --target-prefix '${targetPrefix}' overlaps --prefix '${prefix}': choose a separate prefix`,
    );
  }
}

function describeTarget(request: RestoreRequest): string {
  const where = `s3://${request.bucket}/${request.prefix ?? ''}`;
  const when = new Date(request.time).toISOString();
  return request.target
    ? `${where} as of ${when} -> s3://${request.target.bucket}/${request.target.prefix}`
    : `${where} to its state at ${when} (in place)`;
}

/**
 * What the operator should look at before applying: a time before the oldest version or delete
 * marker of the keys in scope (usually a mistyped year) restores an empty bucket.
 */
function planWarnings(request: RestoreRequest, plan: Plan): string[] {
  if (plan.oldest === undefined || request.time >= plan.oldest) return [];
  const effect = request.target ? 'nothing would be copied' : 'every current key would be delete-marked';
  return [
    `WARNING: ${new Date(request.time).toISOString()} is before the oldest version in s3://${request.bucket}/${request.prefix ?? ''} (${new Date(plan.oldest).toISOString()}): no key existed then, so ${effect}. Is the date (the year) right?`,
  ];
}

function formatPlan(request: RestoreRequest, plan: Plan): string {
  const c = plan.counts;
  const lines = [
    ...planWarnings(request, plan),
    `restore ${describeTarget(request)}`,
    `plan for ${count(plan.keys, 'key')}${plan.interrupted ? ' (interrupted: incomplete)' : ''}:`,
    `  to copy              ${c.copy}`,
    `  to delete-mark       ${c['delete-mark']}`,
    `  unchanged            ${c.unchanged}`,
    `  blocked              ${c.blocked}`,
    ...(c['restore-archive'] ? [`  archive restores     ${c['restore-archive']}`] : []),
    ...(c.waiting ? [`  waiting for archive  ${c.waiting}`] : []),
  ];
  if (plan.sample.length) {
    lines.push('sample:');
    for (const action of plan.sample) lines.push(`  ${formatAction(action)}`);
  }
  return lines.join('\n');
}

function formatAction(action: RestoreAction): string {
  const key = JSON.stringify(action.key);
  const target = action.targetKey !== action.key ? ` -> ${JSON.stringify(action.targetKey)}` : '';
  const from = action.atT?.kind === 'version' ? ` from version ${action.atT.versionId}` : '';
  return `${action.type.padEnd(15)} ${key}${target}${from} (${action.reason})`;
}

function formatApplied(applied: Applied): string {
  const d = applied.done;
  const parts = [`${d.copy} copied`, `${count(d['delete-mark'], 'delete marker')} added`];
  if (d['restore-archive'])
    parts.push(`${count(d['restore-archive'], 'archive restore')} started (run again once they finish)`);
  parts.push(`${applied.failed} failed`);
  const lines = [`${applied.interrupted ? 'INTERRUPTED' : 'done'}: ${parts.join(', ')}`];
  for (const f of applied.failures) lines.push(`  failed ${JSON.stringify(f.key)}: ${f.error}`);
  if (applied.seen.blocked + applied.seen.waiting) {
    lines.push(`${applied.seen.blocked} blocked, ${applied.seen.waiting} waiting for an archive restore`);
  }
  if (applied.interrupted || applied.failed) lines.push('Run the same command again to finish the restore.');
  return lines.join('\n');
}

function jsonResult(request: RestoreRequest, plan: Plan, applied: Applied | undefined, note: string): object {
  return {
    bucket: request.bucket,
    prefix: request.prefix ?? '',
    to: new Date(request.time).toISOString(),
    target: request.target ? { bucket: request.target.bucket, prefix: request.target.prefix } : undefined,
    plan: { keys: plan.keys, ...plan.counts, interrupted: plan.interrupted },
    warnings: planWarnings(request, plan),
    oldestVersion: plan.oldest === undefined ? undefined : new Date(plan.oldest).toISOString(),
    sample: plan.sample.map((a) => ({
      action: a.type,
      key: a.key,
      targetKey: a.targetKey,
      fromVersionId: a.atT?.versionId,
      reason: a.reason,
    })),
    applied: applied && {
      ...applied.done,
      failed: applied.failed,
      failures: applied.failures,
      interrupted: applied.interrupted,
    },
    note,
  };
}
