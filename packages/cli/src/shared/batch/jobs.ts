import { createHash } from 'node:crypto';
import type {
  CreateJobCommandInput,
  JobDescriptor,
  JobManifestGeneratorFilter,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { formatDuration } from '../duration';
import { CliError, describeAwsError } from '../errors';

/** Where a deployment's Batch Operations jobs keep their files, and the role they run as. */
export interface BatchSetup {
  /** The account that owns the jobs (and the role, and the buckets). */
  readonly accountId: string;
  readonly roleArn: string;
  readonly opsBucket: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: from the role ARN. */
  readonly partition: string;
}

/** Prefixes in the ops bucket, as the batch role's policy allows them (packages/cdk batch-operations.ts). */
export const MANIFEST_PREFIX = 'manifests/';
export const GENERATED_MANIFEST_PREFIX = 'manifests/generated/';
export const REPORT_PREFIX = 'reports/';

/** Jobs s3-dr creates run before other jobs of the account that have the default priority 10. */
export const JOB_PRIORITY = 50;

/** The states in which a job does nothing more (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-job-status.html). */
export const FINAL_STATES: ReadonlySet<string> = new Set(['Complete', 'Failed', 'Cancelled']);

/** `arn:aws:iam::123456789012:role/name` -> the account and partition the jobs belong to. */
export function setupFromRole(roleArn: string, opsBucket: string): BatchSetup {
  const match = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/.+$/.exec(roleArn);
  if (!match) {
    throw new CliError(`--role-arn '${roleArn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
  }
  return { partition: match[1] as string, accountId: match[2] as string, roleArn, opsBucket };
}

export function bucketArnOf(setup: BatchSetup, bucket: string): string {
  return `arn:${setup.partition}:s3:::${bucket}`;
}

/**
 * A ClientRequestToken from what the job does: the same invocation (same manifest, same target)
 * creates the job once, however often it is retried; S3 answers a repeated CreateJob with the
 * same job. At most 64 characters.
 */
export function requestToken(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 64);
}

function report(setup: BatchSetup, prefix: string) {
  return {
    Bucket: bucketArnOf(setup, setup.opsBucket),
    Format: 'Report_CSV_20180820' as const,
    Enabled: true,
    Prefix: prefix.replace(/\/$/, ''),
    ReportScope: 'AllTasks' as const,
  };
}

export interface CopyJob {
  readonly sourceBucket: string;
  readonly targetBucket: string;
  /** Prepended to every key in the target (`--target-prefix`). */
  readonly targetKeyPrefix: string;
  /** Key of the CSV manifest in the ops bucket, and the ETag S3 gave it. */
  readonly manifestKey: string;
  readonly manifestEtag: string;
  readonly description: string;
}

/**
 * CreateJob for `restore --batch`: S3PutObjectCopy of each manifest line (bucket, key, version:
 * the version is the copy source) to the target bucket under the same key (behind the target
 * prefix). Metadata and tags are copied; the copy gets the target bucket's default encryption.
 * Runs without confirmation; the report lists every task.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateJob.html
 */
export function copyJobRequest(setup: BatchSetup, job: CopyJob): CreateJobCommandInput {
  return {
    AccountId: setup.accountId,
    ConfirmationRequired: false,
    Operation: {
      S3PutObjectCopy: {
        TargetResource: bucketArnOf(setup, job.targetBucket),
        ...(job.targetKeyPrefix ? { TargetKeyPrefix: job.targetKeyPrefix } : {}),
        MetadataDirective: 'COPY',
      },
    },
    Manifest: {
      Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key', 'VersionId'] },
      Location: {
        ObjectArn: `${bucketArnOf(setup, setup.opsBucket)}/${job.manifestKey}`,
        ETag: job.manifestEtag,
      },
    },
    Report: report(setup, `${REPORT_PREFIX}restore`),
    ClientRequestToken: requestToken(
      'S3PutObjectCopy',
      job.targetBucket,
      job.targetKeyPrefix,
      job.manifestKey,
      job.manifestEtag,
    ),
    Description: job.description.slice(0, 256),
    Priority: JOB_PRIORITY,
    RoleArn: setup.roleArn,
  };
}

export type ReplicationStatusFilter = 'NONE' | 'FAILED';

export interface ReplicationJob {
  readonly sourceBucket: string;
  readonly statuses: readonly ReplicationStatusFilter[];
  readonly prefix?: string;
  readonly createdAfter?: Date;
  readonly createdBefore?: Date;
  /** A CSV manifest instead of a generated one (`--from-report`). */
  readonly manifest?: { readonly key: string; readonly etag: string };
  /** Distinguishes one invocation from the next (the token is derived from it and the filters). */
  readonly invocation: string;
  readonly description: string;
}

/**
 * CreateJob for `backfill`: S3ReplicateObject (Batch Replication) of the source bucket's objects,
 * either from a manifest S3 generates from the replication configuration, filtered to objects
 * eligible for replication whose status is NONE (written before the rule) or FAILED, or from a
 * CSV manifest. https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html
 */
export function replicationJobRequest(setup: BatchSetup, job: ReplicationJob): CreateJobCommandInput {
  const common = {
    AccountId: setup.accountId,
    ConfirmationRequired: false,
    Operation: { S3ReplicateObject: {} },
    Report: report(setup, `${REPORT_PREFIX}backfill`),
    Description: job.description.slice(0, 256),
    Priority: JOB_PRIORITY,
    RoleArn: setup.roleArn,
  };
  if (job.manifest) {
    return {
      ...common,
      Manifest: {
        Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key', 'VersionId'] },
        Location: {
          ObjectArn: `${bucketArnOf(setup, setup.opsBucket)}/${job.manifest.key}`,
          ETag: job.manifest.etag,
        },
      },
      ClientRequestToken: requestToken(
        'S3ReplicateObject',
        job.sourceBucket,
        job.manifest.key,
        job.manifest.etag,
      ),
    };
  }
  const filter: JobManifestGeneratorFilter = {
    EligibleForReplication: true,
    ObjectReplicationStatuses: [...job.statuses],
    ...(job.createdAfter ? { CreatedAfter: job.createdAfter } : {}),
    ...(job.createdBefore ? { CreatedBefore: job.createdBefore } : {}),
    ...(job.prefix ? { KeyNameConstraint: { MatchAnyPrefix: [job.prefix] } } : {}),
  };
  return {
    ...common,
    ManifestGenerator: {
      S3JobManifestGenerator: {
        ExpectedBucketOwner: setup.accountId,
        SourceBucket: bucketArnOf(setup, job.sourceBucket),
        EnableManifestOutput: true,
        ManifestOutputLocation: {
          ExpectedManifestBucketOwner: setup.accountId,
          Bucket: bucketArnOf(setup, setup.opsBucket),
          ManifestPrefix: GENERATED_MANIFEST_PREFIX.replace(/\/$/, ''),
          ManifestEncryption: { SSES3: {} },
          ManifestFormat: 'S3InventoryReport_CSV_20211130',
        },
        Filter: filter,
      },
    },
    ClientRequestToken: requestToken(
      'S3ReplicateObject',
      job.sourceBucket,
      job.statuses.join(','),
      job.prefix ?? '',
      job.createdAfter?.toISOString() ?? '',
      job.createdBefore?.toISOString() ?? '',
      job.invocation,
    ),
  };
}

export async function createJob(s3Control: S3ControlClient, input: CreateJobCommandInput): Promise<string> {
  const { CreateJobCommand } = await import('@aws-sdk/client-s3-control');
  try {
    const res = await s3Control.send(new CreateJobCommand(input));
    if (!res.JobId) throw new CliError('S3 Control CreateJob returned no job id', 1, 'aws-error');
    return res.JobId;
  } catch (err) {
    throw describeAwsError(err, `Batch Operations job (role ${input.RoleArn})`);
  }
}

export async function describeJob(
  s3Control: S3ControlClient,
  accountId: string,
  jobId: string,
): Promise<JobDescriptor> {
  const { DescribeJobCommand } = await import('@aws-sdk/client-s3-control');
  try {
    const res = await s3Control.send(new DescribeJobCommand({ AccountId: accountId, JobId: jobId }));
    if (!res.Job) throw new CliError(`S3 Control DescribeJob returned no job ${jobId}`, 1, 'aws-error');
    return res.Job;
  } catch (err) {
    throw describeAwsError(err, `Batch Operations job ${jobId}`);
  }
}

export interface FollowHooks {
  /** Called after each DescribeJob with the job as it stands. */
  readonly onUpdate?: (job: JobDescriptor) => void;
  readonly signal?: AbortSignal;
  /** @default 10 s */
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Default of --poll-interval: time between two DescribeJob calls while following a job. */
export const DEFAULT_JOB_POLL_MS = 10_000;

/** The poll interval of a command's options: the hidden former `--poll <seconds>` wins when given. */
export function jobPollMs(options: { readonly pollInterval: number; readonly poll?: number }): number {
  return options.poll !== undefined ? options.poll * 1000 : options.pollInterval;
}

/** DescribeJob failures in a row that a wait rides out (a job runs for hours; one lost poll is no reason to stop). */
export const MAX_FAILED_POLLS = 3;

/** Follows a job with DescribeJob until it is Complete, Failed or Cancelled (or the signal aborts). */
export async function followJob(
  s3Control: S3ControlClient,
  accountId: string,
  jobId: string,
  hooks: FollowHooks = {},
): Promise<JobDescriptor> {
  const sleep = hooks.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let failedPolls = 0;
  for (;;) {
    let job: JobDescriptor;
    try {
      job = await describeJob(s3Control, accountId, jobId);
      failedPolls = 0;
    } catch (err) {
      if (++failedPolls >= MAX_FAILED_POLLS || hooks.signal?.aborted) throw err;
      await sleep(hooks.pollMs ?? 10_000);
      continue;
    }
    hooks.onUpdate?.(job);
    if (FINAL_STATES.has(job.Status ?? '') || hooks.signal?.aborted) return job;
    await sleep(hooks.pollMs ?? 10_000);
  }
}

/** `Active: 1200/5000 tasks, 1190 succeeded, 10 failed, ETA 3m` from a job's ProgressSummary. */
export function formatProgress(job: JobDescriptor): string {
  const p = job.ProgressSummary;
  const total = p?.TotalNumberOfTasks;
  const ok = p?.NumberOfTasksSucceeded ?? 0;
  const failed = p?.NumberOfTasksFailed ?? 0;
  const done = ok + failed;
  const parts = [`${job.Status ?? 'unknown'}: ${done}${total !== undefined ? `/${total}` : ''} tasks`];
  parts.push(`${ok} succeeded`, `${failed} failed`);
  const eta = estimate(job);
  if (eta !== undefined) parts.push(`ETA ${formatDuration(eta)}`);
  return parts.join(', ');
}

/** Time left at the rate so far (tasks per active second), or undefined before there is a rate. */
export function estimate(job: JobDescriptor): number | undefined {
  const p = job.ProgressSummary;
  const active = p?.Timers?.ElapsedTimeInActiveSeconds;
  const total = p?.TotalNumberOfTasks;
  const done = (p?.NumberOfTasksSucceeded ?? 0) + (p?.NumberOfTasksFailed ?? 0);
  if (!active || total === undefined || done === 0 || FINAL_STATES.has(job.Status ?? '')) return undefined;
  const left = Math.max(0, total - done);
  return Math.round(((left * active) / done) * 1000);
}

/** Why a job failed or was cancelled, in S3's words (FailureReasons, StatusUpdateReason). */
export function jobProblems(job: JobDescriptor): string[] {
  const reasons = (job.FailureReasons ?? []).map((f) =>
    `${f.FailureCode ?? 'failure'}: ${f.FailureReason ?? ''}`.trim(),
  );
  if (job.StatusUpdateReason) reasons.push(job.StatusUpdateReason);
  return reasons;
}
