import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CliError, describeAwsError } from '../errors';
import { decodeReportKey } from './manifest';

/**
 * One task of a completion report: `Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode,
 * ResultMessage` (the ReportSchema of format Report_CSV_20180820).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-examples-reports.html
 */
export interface TaskResult {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly succeeded: boolean;
  readonly errorCode: string;
  readonly httpStatus: string;
  readonly message: string;
}

/** Where a job's report is: `<prefix>/job-<id>/manifest.json`, listing the result CSV files. */
export function reportManifestKey(prefix: string, jobId: string): string {
  return `${prefix.replace(/\/$/, '')}/job-${jobId}/manifest.json`;
}

/**
 * Reads a job's completion report task by task: the top-level manifest.json, then each result file
 * it lists, streamed line by line (a report of millions of tasks is never held in memory).
 * Undefined when there is no report (yet): S3 writes it when the job ends, and only when at least
 * one task ran.
 */
export async function readCompletionReport(
  s3: S3Client,
  bucket: string,
  prefix: string,
  jobId: string,
): Promise<AsyncIterable<TaskResult> | undefined> {
  const key = reportManifestKey(prefix, jobId);
  let text: string;
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await res.Body?.transformToString('utf8')) ?? '';
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'NoSuchKey') return undefined;
    throw describeAwsError(err, `s3://${bucket}/${key}`);
  }
  let files: { Bucket?: string; Key?: string }[];
  try {
    files = (JSON.parse(text) as { Results?: { Bucket?: string; Key?: string }[] }).Results ?? [];
  } catch {
    throw new CliError(`s3://${bucket}/${key} is not a Batch Operations report manifest (not JSON)`, 1);
  }
  return (async function* () {
    for (const file of files) {
      if (!file.Key) continue;
      const from = file.Bucket && !file.Bucket.startsWith('arn:') ? file.Bucket : bucket;
      let body: Readable;
      try {
        body = (await s3.send(new GetObjectCommand({ Bucket: from, Key: file.Key }))).Body as Readable;
      } catch (err) {
        throw describeAwsError(err, `s3://${from}/${file.Key}`);
      }
      for await (const line of createInterface({ input: body, crlfDelay: Infinity })) {
        if (line.trim()) yield parseTask(line);
      }
    }
  })();
}

function parseTask(line: string): TaskResult {
  const [bucket = '', key = '', versionId = '', status = '', errorCode = '', httpStatus = '', ...rest] =
    splitCsv(line);
  return {
    bucket,
    key: decodeReportKey(key),
    versionId,
    succeeded: status.toLowerCase() === 'succeeded',
    errorCode,
    httpStatus,
    message: rest.join(','),
  };
}

/** Splits one CSV line, honouring double quotes (a result message may hold commas). */
export function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/**
 * What to do about the common replication failure reasons of a Batch Replication report.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-failure-codes.html
 */
export const REPLICATION_FIXES: Readonly<Record<string, string>> = {
  AssumeRoleNotPermitted:
    'S3 could not assume the role: check its trust policy (batchoperations.s3.amazonaws.com for the job, s3.amazonaws.com for the replication role)',
  DstBucketNotFound: 'the replica bucket named in the replication rule does not exist: run s3-dr status',
  DstBucketUnversioned: 'enable versioning on the replica bucket',
  DstBucketInvalidRegion: 'create the job in the region of the source bucket (--region)',
  DstKmsKeyNotFound: "the rule's ReplicaKmsKeyID names no key in the replica's region: fix the rule",
  DstKmsKeyInvalidState:
    'the replica key is disabled or pending deletion: enable it (kms:EnableKey / CancelKeyDeletion)',
  DstPutObjectNotPermitted:
    'the replication role may not write the replica: s3:ReplicateObject on replica/* and kms:Encrypt/GenerateDataKey on the replica key',
  DstMultipartInitNotPermitted:
    'the replication role needs s3:ReplicateObject on replica/* (multipart objects)',
  DstMultipartPartUploadNotPermitted:
    'the replication role needs s3:ReplicateObject on replica/* (multipart objects)',
  DstMultipartCompleteNotPermitted:
    'the replication role needs s3:ReplicateObject on replica/* (multipart objects)',
  DstPutTaggingNotPermitted: 'the replication role needs s3:ReplicateTags on replica/*',
  DstBucketObjectLockConfigMissing: 'the source has Object Lock: enable Object Lock on the replica too',
  SrcGetObjectNotPermitted:
    'the replication role may not read the source: s3:GetObjectVersionForReplication on source/* and kms:Decrypt on the source key',
  SrcGetTaggingNotPermitted: 'the replication role needs s3:GetObjectVersionTagging on source/*',
  SrcKmsKeyInvalidState: 'the source key is disabled or pending deletion: enable it',
  SrcBucketReplicationConfigMissing:
    'the source bucket has no replication configuration: deploy the stack or add the rule',
  SrcObjectNotEligible:
    'the object is not in scope of any rule (filter, or encrypted with a key the rule does not cover)',
  InitiateReplicationNotPermitted: 'the batch role needs s3:InitiateReplication on source/*',
  SrcVersionNotFound: 'the version was deleted after the manifest was made: nothing to replicate',
  SrcKeyNotFound: 'the key was deleted after the manifest was made: nothing to replicate',
};

/** Fixes for the common failure codes of copy tasks (S3PutObjectCopy). */
export const COPY_FIXES: Readonly<Record<string, string>> = {
  AccessDenied:
    'the batch role may not read the version or write the target (s3:GetObjectVersion, s3:PutObject, KMS on both keys): run s3-dr status',
  NoSuchVersion: 'the version at T was deleted since the plan: run the restore again to re-plan',
  NoSuchKey: 'the key was deleted since the plan: run the restore again to re-plan',
  InvalidObjectState: 'the version is archived: rerun with --restore-archived and wait for the restore',
  KMS: 'a KMS key refused the request: check kms:Decrypt/GenerateDataKey of the batch role on both keys',
};

export interface FailureGroup {
  readonly reason: string;
  count: number;
  /** The first few keys that failed for this reason. */
  readonly keys: string[];
  readonly fix?: string;
}

export interface ReportSummary {
  succeeded: number;
  failed: number;
  readonly failures: FailureGroup[];
}

/**
 * Counts succeeded and failed tasks and groups the failures by reason: a known failure code
 * anywhere in the error code or message, else the error code. Memory: one group per reason.
 */
export async function summarizeReport(
  tasks: AsyncIterable<TaskResult>,
  fixes: Readonly<Record<string, string>>,
  onTask?: (task: TaskResult) => Promise<void> | void,
  samples = 5,
): Promise<ReportSummary> {
  const summary: ReportSummary = { succeeded: 0, failed: 0, failures: [] };
  const groups = new Map<string, FailureGroup>();
  for await (const task of tasks) {
    await onTask?.(task);
    if (task.succeeded) {
      summary.succeeded++;
      continue;
    }
    summary.failed++;
    const reason = failureReason(task, fixes);
    let group = groups.get(reason);
    if (!group) {
      group = { reason, count: 0, keys: [], fix: fixes[reason] };
      groups.set(reason, group);
      summary.failures.push(group);
    }
    group.count++;
    if (group.keys.length < samples) group.keys.push(task.key);
  }
  summary.failures.sort((a, b) => b.count - a.count);
  return summary;
}

function failureReason(task: TaskResult, fixes: Readonly<Record<string, string>>): string {
  const text = `${task.errorCode} ${task.message}`;
  const known = Object.keys(fixes).find((code) => new RegExp(`\\b${code}\\b`).test(text));
  return known ?? (task.errorCode || `HTTP ${task.httpStatus || '?'}`);
}

/** The summary as lines for the operator. */
export function formatSummary(summary: ReportSummary): string[] {
  const lines = [`report: ${summary.succeeded} succeeded, ${summary.failed} failed`];
  for (const g of summary.failures) {
    lines.push(`  ${g.reason}: ${g.count} (e.g. ${g.keys.map((k) => JSON.stringify(k)).join(', ')})`);
    if (g.fix) lines.push(`    fix: ${g.fix}`);
  }
  return lines;
}
