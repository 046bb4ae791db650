import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetBucketReplicationCommand, type S3Client } from '@aws-sdk/client-s3';
import type { JobDescriptor, S3ControlClient } from '@aws-sdk/client-s3-control';
import type { AwsClients } from '../../shared/aws';
import {
  formatSummary,
  REPLICATION_FIXES,
  type ReportSummary,
  readCompletionReport,
  summarizeReport,
} from '../../shared/batch/completion-report';
import {
  type BatchSetup,
  createJob,
  describeJob,
  FINAL_STATES,
  type FollowHooks,
  followJob,
  MANIFEST_PREFIX,
  REPORT_PREFIX,
  type ReplicationStatusFilter,
  replicationJobRequest,
} from '../../shared/batch/jobs';
import { openS3Manifest } from '../../shared/batch/manifest';
import { type JobPlace, placeJob } from '../../shared/batch/place';
import { compactTime } from '../../shared/batch/setup';
import { CliError, describeAwsError, EXIT } from '../../shared/errors';
import { count } from '../../shared/text';
import { copyManifest, manifestFromReport, type ReportManifest } from './from-report';

export interface BackfillRequest {
  readonly source: string;
  readonly statuses: readonly ReplicationStatusFilter[];
  readonly prefix?: string;
  readonly createdAfter?: Date;
  readonly createdBefore?: Date;
  /**
   * A `verify --report` file or a CSV manifest (`verify --inventory --failed-manifest`): replicate
   * exactly its missing keys (a CSV manifest) instead.
   */
  readonly fromReport?: string;
  readonly now: number;
}

/** What a backfill is about to do, as the plan shows it. */
export interface BackfillPlan {
  readonly request: BackfillRequest;
  readonly setup: BatchSetup;
  /** Where the job runs (the source's region) and its ops bucket is, once known. */
  readonly place?: JobPlace;
  /** With --from-report: what the manifest holds and leaves out, and where it will be written. */
  readonly fromReport?: ReportManifest & { readonly manifestKey: string };
}

/**
 * Plans the job; creates nothing in S3. With --from-report, reads the report once and writes the
 * manifest to a local temporary file (HeadObject of the source for lines without a version id),
 * so that the job gets exactly the objects the plan counted: discard it with discardPlan.
 */
export async function planBackfill(
  setup: BatchSetup,
  request: BackfillRequest,
  source: S3Client,
  concurrency: number,
): Promise<BackfillPlan> {
  if (!request.fromReport) return { request, setup };
  const dir = mkdtempSync(join(tmpdir(), 's3-dr-backfill-'));
  let manifest: ReportManifest;
  try {
    manifest = await manifestFromReport(
      source,
      request.fromReport,
      request.source,
      join(dir, 'manifest.csv'),
      concurrency,
    );
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    request,
    setup,
    fromReport: {
      ...manifest,
      manifestKey: `${MANIFEST_PREFIX}backfill-${request.source}-${compactTime(request.now)}.csv`,
    },
  };
}

/** Removes the local manifest of a --from-report plan. */
export function discardPlan(plan: BackfillPlan | undefined): void {
  if (plan?.fromReport) rmSync(dirname(plan.fromReport.file), { recursive: true, force: true });
}

/**
 * Before the plan: the source and the ops bucket exist, and the source has a replication
 * configuration (Batch Replication replicates by its rules: without one every task would fail).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-existing-config.html
 * Returns where the job runs: in the source bucket's region, whatever --region says. A manifest S3
 * generates "must be stored in the same AWS Region as the source bucket"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html): an ops
 * bucket elsewhere is refused here, unless the manifest is the CSV of --from-report.
 */
export async function checkBackfillTarget(
  clients: AwsClients,
  source: string,
  opsBucket: string,
  fromReport: boolean,
): Promise<JobPlace> {
  const place = await placeJob(clients, { bucket: source, what: 'source bucket' }, opsBucket);
  if (!fromReport && place.opsRegion !== place.jobRegion) {
    throw new CliError(
      `ops bucket ${opsBucket} is in ${place.opsRegion}, but S3 writes the manifest it generates only to a bucket in the source bucket's region (${place.jobRegion}): pass --ops-bucket <a bucket in ${place.jobRegion}>`,
    );
  }
  const s3 = place.s3;
  try {
    const res = await s3.send(new GetBucketReplicationCommand({ Bucket: source }));
    if ((res.ReplicationConfiguration?.Rules ?? []).length > 0) return place;
  } catch (err) {
    if ((err as Error)?.name !== 'ReplicationConfigurationNotFoundError')
      throw describeAwsError(err, `the replication configuration of source bucket ${source}`);
  }
  throw new CliError(
    `source bucket ${source} has no replication configuration: Batch Replication replicates by its rules; deploy the pair or check --source/--env`,
    EXIT.usage,
    'not-replicated',
  );
}

export function formatBackfillPlan(plan: BackfillPlan): string {
  const r = plan.request;
  const ops = plan.setup.opsBucket;
  const scope = plan.fromReport
    ? reportScope(r.fromReport as string, ops, plan.fromReport)
    : [
        `${[
          `objects eligible for replication whose replication status is ${r.statuses.join(' or ')}`,
          ...(r.prefix ? [`under ${JSON.stringify(r.prefix)}`] : []),
          ...(r.createdAfter ? [`created after ${r.createdAfter.toISOString()}`] : []),
          ...(r.createdBefore ? [`created before ${r.createdBefore.toISOString()}`] : []),
        ].join(', ')} (S3 generates the manifest into s3://${ops}/manifests/generated/)`,
      ];
  return [
    `backfill s3://${r.source}: an S3 Batch Replication job (S3ReplicateObject)`,
    `  objects   ${scope.join('\n            ')}`,
    `  role      ${plan.setup.roleArn}`,
    `  report    s3://${ops}/${REPORT_PREFIX}backfill/job-<id>/ (every task)`,
    `  runs      ${plan.place ? `in ${plan.place.jobRegion} (the source bucket's region), ` : ''}at once (no confirmation step), priority 50`,
    ...(plan.place && plan.place.opsRegion !== plan.place.jobRegion
      ? [
          `  note      the ops bucket is in ${plan.place.opsRegion}: AWS documents no region rule for a job's CSV manifest and report, so the job will tell; should it fail on them, run again with --ops-bucket <a bucket in ${plan.place.jobRegion}>`,
        ]
      : []),
  ].join('\n');
}

/**
 * The manifest's versions by what verify said of them: `missing`, `failed` (replication failed),
 * each counted when the report says (a verify report), else `failed or missing` (a CSV manifest).
 */
function describeVersions(m: ReportManifest): string {
  if (m.missing === m.objects) return count(m.objects, 'missing object version');
  if (m.failed === m.objects) return count(m.objects, 'failed object version');
  const known = m.failed + m.missing === m.objects;
  return `${count(m.objects, 'failed or missing object version')}${known ? ` (${m.failed} failed, ${m.missing} missing)` : ''}`;
}

/** The plan's lines about a --from-report manifest: what it holds, then what it leaves out and why. */
function reportScope(path: string, ops: string, m: ReportManifest & { manifestKey: string }): string[] {
  const lines = [
    `${describeVersions(m)} from ${path} (${m.objects ? `CSV manifest s3://${ops}/${m.manifestKey}` : 'no manifest: nothing to replicate'})`,
  ];
  if (m.lookedUp) {
    lines.push(
      `${m.lookedUp} of them the current version, read with HeadObject (the report names no version id) and still the one the report saw`,
    );
  }
  if (m.latest) {
    lines.push(
      `${m.latest} of them the current version, read with HeadObject (their manifest lines name no version id)`,
    );
  }
  if (m.hiddenInReplica) {
    lines.push(
      `${m.hiddenInReplica} of them hidden by a delete marker in the replica: run verify after the job to see whether the marker still hides ${m.hiddenInReplica === 1 ? 'it' : 'them'}`,
    );
  }
  const out = leftOut(m);
  if (out.length) lines.push(`left out: ${out.join('; ')}`);
  return lines;
}

/** What a --from-report manifest leaves out, one phrase per reason. */
export function leftOut(m: ReportManifest): string[] {
  return [
    ...(m.deleteMarkers
      ? [`${count(m.deleteMarkers, 'missing delete marker')} (Batch Replication copies objects)`]
      : []),
    ...(m.deletedSince ? [`${count(m.deletedSince, 'key')} deleted in the source since the report`] : []),
    ...(m.changedSince
      ? [
          `${count(m.changedSince, 'key')} written again in the source since the report (run verify again to see whether the new version is missing)`,
        ]
      : []),
  ];
}

/** Creates the job (uploading the --from-report manifest first); returns its id. */
export async function startBackfill(
  s3: S3Client,
  s3Control: S3ControlClient,
  plan: BackfillPlan,
): Promise<string> {
  const r = plan.request;
  let manifest: { key: string; etag: string } | undefined;
  if (plan.fromReport && r.fromReport) {
    if (plan.fromReport.objects === 0)
      throw new CliError(
        `internal: a job from ${r.fromReport} without an object to replicate`,
        1,
        'internal',
      );
    const writer = await openS3Manifest(s3, plan.setup.opsBucket, plan.fromReport.manifestKey);
    try {
      await copyManifest(plan.fromReport.file, writer);
      const { etag } = await writer.close();
      manifest = { key: plan.fromReport.manifestKey, etag: etag ?? '' };
    } catch (err) {
      await writer.abort();
      throw err;
    }
  }
  return createJob(
    s3Control,
    replicationJobRequest(plan.setup, {
      sourceBucket: r.source,
      statuses: r.statuses,
      prefix: r.prefix,
      createdAfter: r.createdAfter,
      createdBefore: r.createdBefore,
      manifest,
      // One job per invocation: SDK retries of this CreateJob return the same job.
      invocation: randomUUID(),
      description: `s3-dr backfill of ${r.source}`,
    }),
  );
}

export interface JobOutcome {
  readonly job: JobDescriptor;
  readonly summary?: ReportSummary;
}

/**
 * Follows a job until it ends (with `wait`), then reads its completion report and summarizes the
 * failures by replication failure reason.
 */
export async function jobOutcome(
  s3: S3Client,
  s3Control: S3ControlClient,
  setup: BatchSetup,
  jobId: string,
  hooks: FollowHooks & { readonly wait: boolean },
): Promise<JobOutcome> {
  const job = hooks.wait
    ? await followJob(s3Control, setup.accountId, jobId, hooks)
    : await describeJob(s3Control, setup.accountId, jobId);
  if (!FINAL_STATES.has(job.Status ?? '')) return { job };
  const tasks = await readCompletionReport(s3, setup.opsBucket, `${REPORT_PREFIX}backfill`, jobId);
  return { job, summary: tasks ? await summarizeReport(tasks, REPLICATION_FIXES) : undefined };
}

export function formatOutcome(outcome: JobOutcome, lines: string[] = []): string {
  const { job, summary } = outcome;
  if (summary) lines.push(...formatSummary(summary));
  else if (FINAL_STATES.has(job.Status ?? ''))
    lines.push('report: none (S3 writes one only when a task ran)');
  return lines.join('\n');
}
