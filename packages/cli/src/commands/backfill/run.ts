import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
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
import { type ManifestEntry, openS3Manifest } from '../../shared/batch/manifest';
import { compactTime } from '../../shared/batch/setup';
import { CliError, describeAwsError, EXIT } from '../../shared/errors';
import { headBucket } from '../../shared/regions';
import { why } from '../../shared/report';

export interface BackfillRequest {
  readonly source: string;
  readonly statuses: readonly ReplicationStatusFilter[];
  readonly prefix?: string;
  readonly createdAfter?: Date;
  readonly createdBefore?: Date;
  /** A `verify --report` file: replicate exactly its missing keys (a CSV manifest) instead. */
  readonly fromReport?: string;
  readonly now: number;
}

/** What a backfill is about to do, as the plan shows it. */
export interface BackfillPlan {
  readonly request: BackfillRequest;
  readonly setup: BatchSetup;
  /** With --from-report: the objects of the manifest and where it will be written. */
  readonly fromReport?: { readonly objects: number; readonly skipped: number; readonly manifestKey: string };
}

/**
 * The source's missing keys in a `verify --report` file (JSON lines): each `missing` difference
 * whose source side is a version (a delete marker is not an object to replicate), as a manifest
 * entry naming that version. Streamed: the report is never held in memory.
 */
export async function* missingFromReport(
  path: string,
  source: string,
  skipped: { count: number } = { count: 0 },
): AsyncGenerator<ManifestEntry> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (err) =>
      reject(new CliError(`cannot read --from-report ${path}: ${why(path, err)}`)),
    );
  });
  await opened;
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    if (!line.trim()) continue;
    let record: { kind?: string; key?: string; source?: { versionId?: string; deleteMarker?: boolean } };
    try {
      record = JSON.parse(line);
    } catch {
      throw new CliError(
        `--from-report ${path}: line ${n} is not JSON; expected the file verify --report writes`,
      );
    }
    if (record.kind !== 'missing' || typeof record.key !== 'string') continue;
    if (!record.source?.versionId || record.source.deleteMarker) {
      skipped.count++;
      continue;
    }
    yield { bucket: source, key: record.key, versionId: record.source.versionId };
  }
}

/** Plans the job: reads --from-report once to count its objects; creates nothing. */
export async function planBackfill(setup: BatchSetup, request: BackfillRequest): Promise<BackfillPlan> {
  if (!request.fromReport) return { request, setup };
  const skipped = { count: 0 };
  let objects = 0;
  for await (const _ of missingFromReport(request.fromReport, request.source, skipped)) objects++;
  return {
    request,
    setup,
    fromReport: {
      objects,
      skipped: skipped.count,
      manifestKey: `${MANIFEST_PREFIX}backfill-${request.source}-${compactTime(request.now)}.csv`,
    },
  };
}

/**
 * Before the plan: the source and the ops bucket exist, and the source has a replication
 * configuration (Batch Replication replicates by its rules: without one every task would fail).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-existing-config.html
 */
export async function checkBackfillTarget(
  clients: AwsClients,
  source: string,
  opsBucket: string,
): Promise<void> {
  let sourceRegion: string | undefined;
  for (const [what, bucket] of [
    ['source bucket', source],
    ['ops bucket', opsBucket],
  ] as const) {
    try {
      const { region } = await headBucket(clients, bucket);
      if (bucket === source) sourceRegion = region;
    } catch (err) {
      throw describeAwsError(err, `${what} ${bucket}`);
    }
  }
  const s3 = sourceRegion && sourceRegion !== clients.region ? clients.inRegion(sourceRegion).s3 : clients.s3;
  try {
    const res = await s3.send(new GetBucketReplicationCommand({ Bucket: source }));
    if ((res.ReplicationConfiguration?.Rules ?? []).length > 0) return;
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
    ? `${plan.fromReport.objects} missing object versions from ${r.fromReport} (CSV manifest s3://${ops}/${plan.fromReport.manifestKey})${plan.fromReport.skipped ? `; ${plan.fromReport.skipped} missing delete markers left out (Batch Replication copies objects)` : ''}`
    : `${[
        `objects eligible for replication whose replication status is ${r.statuses.join(' or ')}`,
        ...(r.prefix ? [`under ${JSON.stringify(r.prefix)}`] : []),
        ...(r.createdAfter ? [`created after ${r.createdAfter.toISOString()}`] : []),
        ...(r.createdBefore ? [`created before ${r.createdBefore.toISOString()}`] : []),
      ].join(', ')} (S3 generates the manifest into s3://${ops}/manifests/generated/)`;
  return [
    `backfill s3://${r.source}: an S3 Batch Replication job (S3ReplicateObject)`,
    `  objects   ${scope}`,
    `  role      ${plan.setup.roleArn}`,
    `  report    s3://${ops}/${REPORT_PREFIX}backfill/job-<id>/ (every task)`,
    '  runs      at once (no confirmation step), priority 50',
  ].join('\n');
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
      throw new CliError(`--from-report ${r.fromReport} lists no missing object`, 0);
    const writer = await openS3Manifest(s3, plan.setup.opsBucket, plan.fromReport.manifestKey);
    try {
      for await (const entry of missingFromReport(r.fromReport, r.source)) await writer.add(entry);
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
