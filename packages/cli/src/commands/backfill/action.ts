import type { JobDescriptor } from '@aws-sdk/client-s3-control';
import {
  formatProgress,
  jobPollMs,
  jobProblems,
  type ReplicationStatusFilter,
} from '../../shared/batch/jobs';
import { type JobPlace, placeJob } from '../../shared/batch/place';
import { type BatchSetupOptions, resolveSetup } from '../../shared/batch/setup';
import type { CommandContext } from '../../shared/context';
import { CliError, EXIT } from '../../shared/errors';
import { interruptSignal } from '../../shared/interrupt';
import { parsePointInTime } from '../../shared/parse';
import { notice } from '../../shared/progress';
import { locateBucket, s3ForBuckets } from '../../shared/regions';
import { count } from '../../shared/text';
import type { ReportManifest } from './from-report';
import {
  type BackfillPlan,
  type BackfillRequest,
  checkBackfillTarget,
  discardPlan,
  formatBackfillPlan,
  formatOutcome,
  type JobOutcome,
  jobOutcome,
  leftOut,
  planBackfill,
  startBackfill,
} from './run';

/** The options of `s3-dr backfill` (see register.ts). */
export interface BackfillOptions extends BatchSetupOptions {
  readonly status: string;
  readonly prefix?: string;
  readonly createdAfter?: string;
  readonly createdBefore?: string;
  readonly fromReport?: string;
  readonly job?: string;
  readonly yes: boolean;
  readonly wait: boolean;
  /** Milliseconds between two DescribeJob calls while following a job (--poll-interval). */
  readonly pollInterval: number;
  /** The former --poll <seconds>, hidden: wins over --poll-interval when given. */
  readonly poll?: number;
}

const STATUSES: Readonly<Record<string, ReplicationStatusFilter>> = { none: 'NONE', failed: 'FAILED' };

export function parseStatuses(value: string): ReplicationStatusFilter[] {
  const names = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const bad = names.filter((n) => !STATUSES[n]);
  if (names.length === 0 || bad.length > 0) {
    throw new CliError(`--status '${value}' is invalid; expected none, failed or none,failed`);
  }
  return [...new Set(names.map((n) => STATUSES[n] as ReplicationStatusFilter))];
}

/** `s3-dr backfill`: prints the plan; with --yes creates the Batch Replication job. */
export async function backfill(ctx: CommandContext, options: BackfillOptions): Promise<number> {
  const now = Date.now();
  if (options.job) {
    if (options.fromReport || options.yes)
      throw new CliError('--job shows an existing job: it takes no --yes or --from-report');
    const setup = await resolveSetup(ctx, options);
    const place = await existingJobPlace(ctx, setup.opsBucket);
    return report(
      ctx,
      await follow(ctx, options, () =>
        jobOutcome(place.s3, place.s3Control, setup, options.job as string, hooksFor(ctx, options)),
      ),
    );
  }
  const statuses = parseStatuses(options.status);
  if (
    options.fromReport &&
    (options.prefix || options.createdAfter || options.createdBefore || options.status !== 'none,failed')
  ) {
    throw new CliError(
      '--from-report names the exact objects: it takes no --status, --prefix, --created-after or --created-before',
    );
  }
  const createdAfter = options.createdAfter
    ? new Date(parsePointInTime(options.createdAfter, now, '--created-after'))
    : undefined;
  const createdBefore = options.createdBefore
    ? new Date(parsePointInTime(options.createdBefore, now, '--created-before'))
    : undefined;
  if (createdAfter && createdBefore && createdAfter >= createdBefore) {
    throw new CliError('--created-after must be before --created-before');
  }
  const target = await ctx.target();
  const setup = await resolveSetup(ctx, options);
  const request: BackfillRequest = {
    source: target.source,
    statuses,
    prefix: options.prefix,
    createdAfter,
    createdBefore,
    fromReport: options.fromReport,
    now,
  };
  const place = await checkBackfillTarget(
    ctx.clients(),
    request.source,
    setup.opsBucket,
    request.fromReport !== undefined,
  );
  const plan = { ...(await planBackfill(setup, request, place.s3, ctx.options.concurrency)), place };
  try {
    return await planAndCreate(ctx, options, plan);
  } finally {
    discardPlan(plan);
  }
}

async function planAndCreate(
  ctx: CommandContext,
  options: BackfillOptions,
  plan: BackfillPlan,
): Promise<number> {
  const request = plan.request;
  const planText = `${formatBackfillPlan(plan)}\n`;
  if (ctx.options.json) ctx.io.stderr(planText);
  else ctx.io.stdout(planText);
  if (plan.fromReport?.objects === 0) {
    const note = nothingToReplicate(options.fromReport as string, plan.fromReport);
    if (ctx.options.json) ctx.print('', { source: request.source, created: false, note });
    else ctx.io.stdout(`${note}\n`);
    // Keys written again since the report may still be missing: the report cannot say; verify can.
    return plan.fromReport.changedSince > 0 ? EXIT.findings : EXIT.ok;
  }
  if (!options.yes) {
    const note = 'Nothing created: add --yes to create this job.';
    if (ctx.options.json) ctx.print('', { source: request.source, created: false, note });
    else ctx.io.stdout(`${note}\n`);
    return EXIT.ok;
  }
  const place = plan.place as JobPlace;
  const jobId = await startBackfill(place.s3, place.s3Control, plan);
  const created = `job ${jobId} created: follow it with s3-dr backfill --job ${jobId}${options.wait ? '' : ' --wait'}`;
  if (ctx.options.json) ctx.io.stderr(`${created}\n`);
  else ctx.io.stdout(`${created}\n`);
  if (!options.wait) {
    if (ctx.options.json) ctx.print('', { source: request.source, created: true, jobId });
    return EXIT.ok;
  }
  const setup = plan.setup;
  return report(
    ctx,
    await follow(ctx, options, () =>
      jobOutcome(place.s3, place.s3Control, setup, jobId, hooksFor(ctx, options)),
    ),
  );
}

/** Why a --from-report manifest is empty: never "nothing to replicate" without saying what the report listed. */
function nothingToReplicate(path: string, m: ReportManifest): string {
  const out = leftOut(m);
  if (out.length === 0) return `Nothing to replicate: ${path} lists no missing key.`;
  const listed = m.deleteMarkers + m.deletedSince + m.changedSince;
  return `Nothing to replicate from ${path}: it lists ${count(listed, 'missing entry', 'missing entries')}, all left out: ${out.join('; ')}.`;
}

/**
 * Where an existing job is: jobs are regional, and a backfill's runs in its source bucket's region
 * (DescribeJob elsewhere answers NoSuchJob:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshooting-batch-operations.html).
 * Without a target (--ops-bucket and --role-arn alone) the source is unknown: --region it is.
 */
async function existingJobPlace(ctx: CommandContext, opsBucket: string): Promise<JobPlace> {
  const { env, outputs, source, replica } = ctx.options;
  const clients = ctx.clients();
  const bucket = env || outputs || source || replica ? (await ctx.target()).source : undefined;
  if (bucket) return placeJob(clients, { bucket, what: 'source bucket' }, opsBucket);
  const opsRegion = await locateBucket(clients, opsBucket);
  return {
    jobRegion: clients.region,
    opsRegion,
    s3Control: clients.s3Control,
    s3: s3ForBuckets(clients, new Map([[opsBucket, opsRegion]])),
  };
}

function hooksFor(ctx: CommandContext, options: BackfillOptions) {
  return {
    wait: options.wait,
    pollMs: jobPollMs(options),
    onUpdate: (job: JobDescriptor) => notice(ctx.io, `backfill: job ${job.JobId} ${formatProgress(job)}\n`),
  };
}

async function follow(
  ctx: CommandContext,
  options: BackfillOptions,
  run: () => Promise<JobOutcome>,
): Promise<JobOutcome> {
  if (!options.wait) return run();
  const interrupt = interruptSignal(() =>
    ctx.io.stderr('\ns3-dr: interrupted; the job keeps running in S3 (s3-dr backfill --job <id> shows it)\n'),
  );
  try {
    return await run();
  } finally {
    interrupt.release();
  }
}

/** Prints a job and its report summary; exit 0 only for a Complete job without failed tasks. */
export function report(ctx: CommandContext, outcome: JobOutcome): number {
  const { job, summary } = outcome;
  const lines = [
    `job ${job.JobId}: ${formatProgress(job)}`,
    ...jobProblems(job).map((p) => `  reason: ${p}`),
  ];
  const text = formatOutcome(outcome, lines);
  ctx.print(text, {
    jobId: job.JobId,
    status: job.Status,
    progress: job.ProgressSummary,
    problems: jobProblems(job),
    report: summary,
  });
  if (job.Status === 'Complete' && (summary?.failed ?? job.ProgressSummary?.NumberOfTasksFailed ?? 0) === 0)
    return EXIT.ok;
  return EXIT.findings;
}
