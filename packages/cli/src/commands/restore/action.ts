import type { S3Client } from '@aws-sdk/client-s3';
import { type BatchSetup, jobPollMs } from '../../shared/batch/jobs';
import { placeJob } from '../../shared/batch/place';
import { resolveSetup } from '../../shared/batch/setup';
import { bucketVersioning } from '../../shared/buckets';
import type { CommandContext } from '../../shared/context';
import { CliError, EXIT, errorJson } from '../../shared/errors';
import { interruptSignal } from '../../shared/interrupt';
import { describeRetention, type ObjectLock, readObjectLock } from '../../shared/object-lock';
import { parsePointInTime } from '../../shared/parse';
import { describeBucket, describeReplicaError } from '../../shared/preflight';
import { createProgress, notice } from '../../shared/progress';
import { type BucketRegions, locateBucket, s3ForBuckets } from '../../shared/regions';
import { NO_REPORT, openReport } from '../../shared/report';
import { count, meantWord } from '../../shared/text';
import { checkBatchOptions } from './batch';
import { applyAsBatch, type BatchRestore, manifestOnly, settleEarlierJobs } from './batch-action';
import {
  type CopyChoice,
  checkFromOptions,
  checkReplicaReachable,
  checkWrittenBucket,
  chooseCopy,
  costCounter,
  describeFromReplica,
  explainStop,
  type FromReplicaPlace,
} from './from-replica';
import { defaultJournalPath, openJournal, type RestoreJournal } from './journal';
import type { RestoreAction } from './plan';
import {
  type Applied,
  applyRestore,
  changes,
  type Plan,
  planRestore,
  type ReplicaSource,
  type RestoreRequest,
} from './run';
import { STOPPING, stopped } from './stop';

/** The options of `s3-dr restore` (see register.ts). */
export interface RestoreOptions {
  /** The bucket whose versions are read (required unless --from replica). */
  readonly bucket?: string;
  /** `replica`: read the versions from the target's replica, write them into its primary. */
  readonly from?: string;
  /** With --from replica: `server` (CopyObject) or `stream` (through this machine); default: chosen. */
  readonly copy?: string;
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
  /** Copies as an S3 Batch Operations job (S3PutObjectCopy) instead of from this machine. */
  readonly batch: boolean;
  /** Write the copies of the plan as a CSV manifest to this file, and nothing else. */
  readonly manifestOnly?: string;
  readonly opsBucket?: string;
  readonly roleArn?: string;
  /** Milliseconds between two DescribeJob calls while following a job (--poll-interval). */
  readonly pollInterval: number;
  /** The former --poll <seconds>, hidden: wins over --poll-interval when given. */
  readonly poll?: number;
}

/** `s3-dr restore`: prints the plan, and with --yes applies it. */
export async function restore(ctx: CommandContext, options: RestoreOptions): Promise<number> {
  const now = Date.now();
  const time = parsePointInTime(options.to, now);
  if (options.yes && options.dryRun)
    throw new CliError('--yes and --dry-run contradict each other: pass one');
  checkBatchOptions(options);
  checkFromOptions(options);
  const sides = await resolveSides(ctx, options);
  const { bucket, targetBucket, regions, s3, from } = sides;
  const readS3 = from?.s3 ?? s3;
  const replicaTarget = from ? await ctx.target() : undefined;
  const versioning = await bucketVersioning(
    readS3,
    bucket,
    replicaTarget && describeBucket(replicaTarget, 'replica'),
  ).catch((err: unknown) => {
    if (!replicaTarget) throw meantTarget(err, '--bucket', options.bucket ?? '');
    throw describeReplicaError(err, ctx.clients(), replicaTarget);
  });
  if (versioning !== 'Enabled') {
    throw new CliError(
      `bucket ${bucket} is ${versioning === 'Suspended' ? 'versioning-suspended' : 'not versioned'}: a point-in-time restore needs the version history of a versioning-enabled bucket`,
    );
  }
  const targetVersioning = targetBucket
    ? await bucketVersioning(s3, targetBucket).catch((err: unknown) => {
        throw meantTarget(err, '--target-bucket', options.targetBucket ?? 'primary');
      })
    : undefined;
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
    from,
  };
  const objectLock = await objectLockOf(s3, targetBucket ?? bucket);
  const apply = options.yes;
  // Resolved before anything is written, dry run included: a --batch restore without an ops bucket
  // or role stops here. --manifest-only writes a local file only: it needs neither.
  const setup: BatchSetup | undefined =
    options.batch && !options.manifestOnly ? await resolveSetup(ctx, options) : undefined;
  // The copy job runs in the region of the bucket it writes to, whatever --region says.
  const place =
    setup &&
    (await placeJob(
      ctx.clients(),
      { bucket: targetBucket ?? bucket, what: targetBucket ? 'target bucket' : 'bucket' },
      setup.opsBucket,
      regions,
    ));
  const batch = setup && place ? { setup, place } : undefined;
  const journal = await openJournal(
    options.journal ?? defaultJournalPath(targetBucket ?? bucket, time),
    apply,
  ).catch((err: unknown) => {
    // The default journal goes to the working directory, which may be read-only (a container).
    if (options.journal || !(err instanceof CliError)) throw err;
    throw new CliError(
      `${err.message} (the journal goes to the current directory unless --journal <path> names another place: pass one)`,
      err.exitCode,
      err.code,
    );
  });
  request = { ...request, journal };
  const report = await openReport(options.report);
  const interrupt = interruptSignal(() => ctx.io.stderr(`\ns3-dr: interrupted, ${STOPPING}`));
  try {
    // Jobs earlier --batch runs started: followed to their end first, so the plan sees their copies.
    if (batch && apply)
      await settleEarlierJobs(ctx, batch, request, journal, interrupt.signal, jobPollMs(options));
    const planning = createProgress(ctx.io, 'restore: keys planned');
    const cost = sides.place && costCounter(sides.place.choice.copy);
    const plan = await planRestore(s3, request, apply ? NO_REPORT : report, {
      signal: interrupt.signal,
      onProgress: (n) => planning.tick(n),
      onPlanned: cost?.add,
    }).finally(() => planning.done());
    const fromLines = sides.place && cost ? describeFromReplica(sides.place, cost.total()) : [];
    // The plan comes first, always: on stdout, or on stderr when stdout carries --json.
    const journalLine = options.manifestOnly ? '' : `${describeJournal(journal, apply)}\n`;
    const lockLine = objectLockLine(targetBucket ?? bucket, objectLock);
    const batchLine = batch ? describeBatch(batch, targetBucket ?? bucket) : '';
    const fromText = fromLines.map((line) => `${line}\n`).join('');
    const planText = `${formatPlan(request, plan)}\n${fromText}${lockLine ? `${lockLine}\n` : ''}${batchLine}${journalLine}`;
    if (ctx.options.json) ctx.io.stderr(planText);
    else ctx.io.stdout(planText);
    if (options.manifestOnly && !plan.interrupted) {
      return await manifestOnly(ctx, s3, request, plan, options.manifestOnly, interrupt.signal);
    }
    if (plan.interrupted || !apply || changes(plan.counts) === 0) {
      const note = plan.interrupted
        ? 'Interrupted while planning: nothing written.'
        : changes(plan.counts) === 0
          ? 'Nothing to change.'
          : options.dryRun
            ? 'Dry run: nothing written.'
            : 'Nothing written: add --yes to apply this plan.';
      if (ctx.options.json)
        ctx.print('', {
          ...jsonResult(request, plan, undefined, note),
          objectLock,
          ...fromJson(sides, cost),
        });
      else ctx.io.stdout(`${note}\n`);
      return plan.interrupted || plan.counts.blocked + plan.counts.waiting > 0 ? EXIT.findings : EXIT.ok;
    }
    if (batch && apply)
      return await applyAsBatch(ctx, batch, request, plan, report, interrupt.signal, jobPollMs(options));
    const applying = createProgress(ctx.io, 'restore: changes applied', changes(plan.counts));
    const applied = await applyRestore(s3, request, plan, report, ctx.options.concurrency, {
      signal: interrupt.signal,
      onProgress: (n) => applying.tick(n),
      onStopping: (error) => notice(ctx.io, `s3-dr: stopping: ${error.message}; ${STOPPING}`),
    }).finally(() => applying.done());
    const summary = formatApplied(applied);
    if (ctx.options.json)
      ctx.print('', { ...jsonResult(request, plan, applied, summary), objectLock, ...fromJson(sides, cost) });
    else ctx.io.stdout(`${summary}\n`);
    if (applied.stoppedBy)
      return stopped(ctx, sides.place ? explainStop(applied.stoppedBy, sides.place) : applied.stoppedBy);
    const incomplete =
      applied.failed + applied.seen.blocked + applied.seen.waiting + applied.done['restore-archive'] > 0;
    return incomplete || applied.interrupted ? EXIT.findings : EXIT.ok;
  } finally {
    interrupt.release();
    await report.close();
    await journal.close();
  }
}

/**
 * Where the copies are recorded; a plan that is not applied only reads the copies earlier runs
 * recorded there (and writes nothing).
 */
function describeJournal(journal: RestoreJournal, apply: boolean): string {
  if (apply) return `journal: ${journal.path}`;
  return `journal: ${journal.path} (${journal.existed ? "earlier runs' copies read from it; " : ''}the copies are recorded there with --yes)`;
}

/** The buckets a restore reads and writes, their regions, and the clients of each side. */
interface Sides {
  /** The bucket whose versions are read: --bucket, or the target's replica with --from replica. */
  readonly bucket: string;
  /** The bucket written to when it is not `bucket`: --target-bucket, or the primary with --from replica. */
  readonly targetBucket?: string;
  readonly regions: BucketRegions;
  /** Writes (and reads the target): the primary's credentials. */
  readonly s3: S3Client;
  /** --from replica: the replica side's client and how the versions travel. */
  readonly from?: ReplicaSource;
  readonly place?: FromReplicaPlace;
}

async function resolveSides(ctx: CommandContext, options: RestoreOptions): Promise<Sides> {
  if (options.from === undefined) {
    const bucket = await resolveBucket(ctx, options.bucket as string);
    const targetBucket = options.targetBucket ? await resolveBucket(ctx, options.targetBucket) : undefined;
    checkTarget(bucket, options.prefix ?? '', targetBucket, options.targetPrefix ?? '');
    const regions = await bucketRegions(ctx, [bucket, ...(targetBucket ? [targetBucket] : [])]);
    return { bucket, targetBucket, regions, s3: s3ForBuckets(ctx.clients(), regions) };
  }
  const target = await ctx.target();
  const clients = ctx.clients();
  checkReplicaReachable(target, clients.separateReplicaCredentials);
  const written = options.targetBucket ? await resolveBucket(ctx, options.targetBucket) : target.source;
  checkWrittenBucket(target.replica, written);
  // Each bucket is located by the side that may read it: the replica (a vault in another account)
  // with the replica side's credentials.
  const replicaRegion = await locateBucket(clients.replicaSide, target.replica);
  const writtenRegion = await locateBucket(clients, written);
  const regions = new Map([
    [target.replica, replicaRegion],
    [written, writtenRegion],
  ]);
  const choice: CopyChoice = chooseCopy(options.copy, ctx.options, target);
  return {
    bucket: target.replica,
    targetBucket: written,
    regions,
    s3: s3ForBuckets(clients, regions),
    from: { s3: s3ForBuckets(clients.replicaSide, regions), copy: choice.copy },
    place: {
      replica: target.replica,
      replicaRegion,
      written,
      writtenRegion,
      credentials: ctx.options,
      choice,
      concurrency: ctx.options.concurrency,
    },
  };
}

/** The --from replica part of --json: where the versions came from, how, and what it cost. */
function fromJson(sides: Sides, cost: ReturnType<typeof costCounter> | undefined): object {
  if (!sides.place || !cost) return {};
  const { replica, replicaRegion, choice } = sides.place;
  return { from: { replica, region: replicaRegion, copy: choice.copy, why: choice.why, cost: cost.total() } };
}

/** The region of each bucket (they may live in two). */
async function bucketRegions(ctx: CommandContext, buckets: readonly string[]): Promise<BucketRegions> {
  const regions = new Map<string, string>();
  for (const bucket of new Set(buckets)) regions.set(bucket, await locateBucket(ctx.clients(), bucket));
  return regions;
}

/**
 * The plan's lines about the job: where it runs and keeps its files. AWS documents the region of a
 * copy job (its destination's) but no region rule for its CSV manifest and completion report: an
 * ops bucket elsewhere is said, with the way out should the job refuse it.
 */
function describeBatch({ setup, place }: BatchRestore, writtenTo: string): string {
  const lines = [
    `batch: the copies run as one S3 Batch Operations job (S3PutObjectCopy) in ${place.jobRegion}, the region of s3://${writtenTo}, as ${setup.roleArn}; manifest and report in s3://${setup.opsBucket}/ (${place.opsRegion}); delete markers are written from here once the job exists`,
  ];
  if (place.opsRegion !== place.jobRegion) {
    lines.push(
      `batch: the ops bucket is in ${place.opsRegion}, the job in ${place.jobRegion}; AWS documents no region rule for a copy job's manifest and report, so the job will tell: should it fail on them, run again with --ops-bucket <a bucket in ${place.jobRegion}>`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The Object Lock of the bucket the restore writes to; undefined when it cannot be read (the
 * restore does not need it: copies and delete markers work the same under Object Lock).
 */
async function objectLockOf(
  s3: Parameters<typeof readObjectLock>[0],
  bucket: string,
): Promise<ObjectLock | undefined> {
  try {
    return await readObjectLock(s3, bucket);
  } catch {
    return undefined;
  }
}

/**
 * What Object Lock means for this restore: it only adds versions (copies) and delete markers, both
 * allowed under Object Lock, and deletes nothing; every copy is locked by the default retention.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html
 */
function objectLockLine(bucket: string, lock: ObjectLock | undefined): string | undefined {
  if (!lock?.enabled) return undefined;
  const locked = lock.mode
    ? `each copy is a new version locked by its default retention (${describeRetention(lock)})`
    : 'it has no default retention, so the copies are not locked';
  return `object lock: s3://${bucket} has Object Lock: ${locked}; delete markers only hide keys; nothing is deleted`;
}

/**
 * A bucket that does not exist, named like `primary` or `replica` (the words --bucket takes for the
 * target's buckets) with a slip: the error asks whether that word was meant.
 */
function meantTarget(err: unknown, option: string, name: string): unknown {
  const word = meantWord(name, ['primary', 'replica']);
  if (!(err instanceof CliError) || err.code !== 'not-found' || !word) return err;
  return new CliError(
    `bucket ${name} does not exist: did you mean ${option} ${word}, the ${word} bucket of the target (--env, --outputs or --source/--replica)?`,
    err.exitCode,
    err.code,
  );
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
  const effect = request.target
    ? 'nothing would be copied and every key in the target delete-marked'
    : 'every current key would be delete-marked';
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
  if (applied.unanswered) {
    lines.push(
      `${count(applied.unanswered, 'write')} got no answer: S3 may still carry ${applied.unanswered === 1 ? 'it' : 'them'} out; the next run's plan shows what is done`,
    );
  }
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
      unanswered: applied.unanswered,
    },
    ...(applied?.stoppedBy ? { error: errorJson(applied.stoppedBy) } : {}),
    note,
  };
}
