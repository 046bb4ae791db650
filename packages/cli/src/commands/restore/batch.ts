import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { S3Client } from '@aws-sdk/client-s3';
import type { JobDescriptor, S3ControlClient } from '@aws-sdk/client-s3-control';
import {
  COPY_FIXES,
  type ReportSummary,
  readCompletionReport,
  summarizeReport,
} from '../../shared/batch/completion-report';
import {
  type BatchSetup,
  copyJobRequest,
  createJob,
  FINAL_STATES,
  type FollowHooks,
  followJob,
  MANIFEST_PREFIX,
  REPORT_PREFIX,
} from '../../shared/batch/jobs';
import { type ManifestWriter, openFileManifest, openS3Manifest } from '../../shared/batch/manifest';
import { compactTime } from '../../shared/batch/setup';
import { addDeleteMarker, copyVersion, MAX_SINGLE_COPY_BYTES, startArchiveRestore } from '../../shared/copy';
import { CliError, describeAwsError } from '../../shared/errors';
import { forEachConcurrent } from '../../shared/pool';
import type { ReportWriter } from '../../shared/report';
import type { RestoreJournal } from './journal';
import type { RestoreAction } from './plan';
import { copyOf, type Plan, type RestoreRequest, type RunHooks, restoreActions, stopper } from './run';

/**
 * The copies of a plan as manifest lines: the bucket restored from, the key there, and the
 * version at T (the copy source). The job writes each to the target under target-prefix + key.
 */
function manifestEntry(request: RestoreRequest, action: RestoreAction) {
  if (!action.atT) throw new Error(`internal: copy of ${action.key} without a version at T`);
  return { bucket: request.bucket, key: action.key, versionId: action.atT.versionId };
}

/**
 * A Batch Operations copy job copies objects of up to 5 GB
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-copy-object.html): larger
 * versions are copied by the CLI itself, in parts.
 */
function fitsJob(action: RestoreAction, maxJobCopyBytes: number): boolean {
  return (action.atT?.size ?? 0) <= maxJobCopyBytes;
}

function actionsOf(s3: S3Client, request: RestoreRequest, plan: Plan, hooks: RunHooks) {
  return plan.actions ?? restoreActions(s3, request, { signal: hooks.signal, onListPage: hooks.onListPage });
}

/**
 * `--manifest-only`: writes the plan's copies as a CSV manifest to a local file (the same lines
 * `--batch` uploads) and nothing else, anywhere. Returns the number of lines.
 */
export async function writeManifestFile(
  s3: S3Client,
  request: RestoreRequest,
  plan: Plan,
  path: string,
  hooks: RunHooks & { readonly maxJobCopyBytes?: number } = {},
): Promise<{ lines: number; tooLarge: number }> {
  const writer = await openFileManifest(path);
  let tooLarge = 0;
  try {
    for await (const action of actionsOf(s3, request, plan, hooks)) {
      if (action.type !== 'copy') continue;
      if (fitsJob(action, hooks.maxJobCopyBytes ?? MAX_SINGLE_COPY_BYTES))
        await writer.add(manifestEntry(request, action));
      else tooLarge++;
    }
    return { lines: (await writer.close()).count, tooLarge };
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

export interface BatchApplied {
  /** Delete markers, archive restores and copies over 5 GB the CLI wrote itself. */
  readonly deleteMarkers: number;
  readonly copiedHere: number;
  readonly archiveRestores: number;
  readonly failed: number;
  readonly failures: readonly { readonly key: string; readonly error: string }[];
  /** Copies handed to the job (lines of the manifest). */
  readonly copies: number;
  /** The job's manifest, in the ops bucket. */
  readonly manifest?: { readonly bucket: string; readonly key: string; readonly etag: string };
  /** The job of the copies, once created; `job` is how it stood when last read. */
  readonly jobId?: string;
  readonly job?: JobDescriptor;
  readonly summary?: ReportSummary;
  /** Ctrl-C, or an error that stopped the run once something was written (`stoppedBy`). */
  readonly interrupted: boolean;
  readonly stoppedBy?: CliError;
}

export interface BatchHooks extends RunHooks, Omit<FollowHooks, 'signal'> {
  /** Called once the job exists, before following it. */
  readonly onJobCreated?: (jobId: string) => void;
  /** Larger copies are made by the CLI. @default 5 GiB, the limit of a copy job */
  readonly maxJobCopyBytes?: number;
}

/** What the CLI writes itself in a batch restore, kept (to a local file for a streamed plan) until the job exists. */
type DirectWrite = Pick<RestoreAction, 'type' | 'key' | 'targetKey'> & {
  readonly atT?: Pick<NonNullable<RestoreAction['atT']>, 'versionId' | 'size' | 'storageClass'>;
};

interface DirectWrites {
  add(action: RestoreAction): Promise<void>;
  /** Ends adding; yields what was added, in order. */
  read(): AsyncIterable<DirectWrite>;
  discard(): Promise<void>;
}

/** In memory for a plan that holds its actions (it is in memory already), else a temporary JSON-lines file. */
async function openDirectWrites(inMemory: boolean): Promise<DirectWrites> {
  const slim = (a: RestoreAction): DirectWrite => ({
    type: a.type,
    key: a.key,
    targetKey: a.targetKey,
    atT: a.atT && { versionId: a.atT.versionId, size: a.atT.size, storageClass: a.atT.storageClass },
  });
  if (inMemory) {
    const held: DirectWrite[] = [];
    return {
      add: async (a) => void held.push(slim(a)),
      read: async function* () {
        yield* held;
      },
      discard: async () => void held.splice(0),
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 's3-dr-restore-'));
  const path = join(dir, 'direct-writes.jsonl');
  const file = await open(path, 'w');
  let closed = false;
  const close = async () => {
    if (!closed) await file.close();
    closed = true;
  };
  return {
    add: async (a) => void (await file.write(`${JSON.stringify(slim(a))}\n`)),
    read: async function* () {
      await close();
      const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
      for await (const line of lines) if (line) yield JSON.parse(line) as DirectWrite;
    },
    discard: async () => {
      await close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Applies a plan with the copies as one S3 Batch Operations job (S3PutObjectCopy): streams them
 * into a CSV manifest in the ops bucket (multipart, one part in memory) and creates the job
 * (idempotent: the token is derived from the manifest's ETag and the target) before writing
 * anything to the bucket, so a refused job leaves the bucket untouched. Then it writes the delete
 * markers, archive restores and copies over 5 GB itself (Batch Operations has no delete), records
 * the job in the journal, follows it to the end and reads its completion report back, journaling
 * every copy it made. An error once the job exists stops the run like Ctrl-C does: it is returned
 * as `stoppedBy`, with what was written, once the requests in flight have finished. Deletes no
 * version.
 */
export async function applyBatchRestore(
  s3: S3Client,
  s3Control: S3ControlClient,
  setup: BatchSetup,
  request: RestoreRequest,
  plan: Plan,
  report: ReportWriter,
  concurrency: number,
  hooks: BatchHooks = {},
): Promise<BatchApplied> {
  const targetBucket = request.target?.bucket ?? request.bucket;
  const manifestKey = `${MANIFEST_PREFIX}restore-${targetBucket}-${compactTime(request.time)}-${compactTime(request.now)}.csv`;
  const writer: ManifestWriter = await openS3Manifest(s3, setup.opsBucket, manifestKey);
  const direct = await openDirectWrites(plan.actions !== undefined);
  let deleteMarkers = 0;
  let copiedHere = 0;
  const maxJobCopyBytes = hooks.maxJobCopyBytes ?? MAX_SINGLE_COPY_BYTES;
  let archiveRestores = 0;
  let failed = 0;
  const failures: { key: string; error: string }[] = [];
  let jobId: string | undefined;
  let manifest: BatchApplied['manifest'];
  const createdAt = Date.now();
  try {
    // 1. The manifest, then the job: nothing is written to the bucket yet.
    try {
      for await (const action of actionsOf(s3, request, plan, hooks)) {
        if (hooks.signal?.aborted) break;
        if (action.type === 'copy' && fitsJob(action, maxJobCopyBytes)) {
          await writer.add(manifestEntry(request, action));
          await report.write({
            action: 'copy',
            status: 'in-manifest',
            key: action.key,
            targetKey: action.targetKey,
            fromVersionId: action.atT?.versionId,
          });
        } else if (
          action.type === 'copy' ||
          action.type === 'delete-mark' ||
          action.type === 'restore-archive'
        )
          await direct.add(action);
      }
    } catch (err) {
      await writer.abort();
      throw err;
    }
    const copies = writer.count;
    if (hooks.signal?.aborted || copies === 0) await writer.abort();
    if (hooks.signal?.aborted) {
      return { deleteMarkers, copiedHere, archiveRestores, failed, failures, copies, interrupted: true };
    }
    if (copies > 0) {
      const { etag } = await writer.close();
      manifest = { bucket: setup.opsBucket, key: manifestKey, etag: etag ?? '' };
      try {
        jobId = await createJob(
          s3Control,
          copyJobRequest(setup, {
            sourceBucket: request.bucket,
            targetBucket,
            targetKeyPrefix: request.target?.prefix ?? '',
            manifestKey,
            manifestEtag: manifest.etag,
            description: `s3-dr restore of ${request.bucket} to ${new Date(request.time).toISOString()}`,
          }),
        );
      } catch (err) {
        const e = describeAwsError(err, 'Batch Operations job');
        throw new CliError(
          `${e.message}; nothing was written to s3://${targetBucket} (the job's manifest is left at s3://${setup.opsBucket}/${manifestKey})`,
          e.exitCode,
          e.code,
        );
      }
      await request.journal?.recordBatchJob(jobId, createdAt);
      hooks.onJobCreated?.(jobId);
    }
    // 2. What the job cannot do, written here.
    const { stop } = stopper(targetBucket, hooks.onStopping);
    const done = () => ({ deleteMarkers, copiedHere, archiveRestores, failed, failures, copies, jobId });
    try {
      await forEachConcurrent(
        direct.read(),
        concurrency,
        async (action) => {
          if (hooks.signal?.aborted) return;
          try {
            if (action.type === 'delete-mark') {
              await addDeleteMarker(s3, targetBucket, action.targetKey);
              deleteMarkers++;
            } else if (action.type === 'copy' && action.atT) {
              const atT = action.atT;
              const copied = await copyVersion(s3, copyOf(action, atT, request.bucket, targetBucket));
              await request.journal?.record(
                action.targetKey,
                atT.versionId,
                copied.versionId ?? 'null',
                copied.etag,
              );
              copiedHere++;
            } else if (action.atT) {
              await startArchiveRestore(s3, request.bucket, action.key, action.atT.versionId);
              archiveRestores++;
            }
            hooks.onProgress?.(1);
            await report.write({
              action: action.type,
              status: 'done',
              key: action.key,
              targetKey: action.targetKey,
            });
          } catch (err) {
            const e = err as { name?: string };
            if (e?.name === 'NoSuchBucket' || e?.name === 'CredentialsProviderError') throw stop(err);
            failed++;
            const error = describeAwsError(err, `${targetBucket}/${action.targetKey}`).message;
            if (failures.length < 10) failures.push({ key: action.key, error });
            await report.write({ action: action.type, status: 'failed', key: action.key, error });
          }
        },
        hooks.signal,
      );
      const base = { ...done(), interrupted: hooks.signal?.aborted === true };
      if (!jobId) return base;
      // 3. The job, followed to its end.
      const settled = await settleJob(s3, s3Control, setup, request, jobId, createdAt, hooks);
      return { ...base, manifest, ...settled };
    } catch (err) {
      const error = stop(err);
      return { ...done(), manifest, interrupted: true, stoppedBy: error };
    }
  } finally {
    await direct.discard();
  }
}

/**
 * Follows a job of this restore until it ends, then reads its completion report: every copy it
 * made goes into the journal (so the next plan counts it as done), and the job is marked ended.
 * A job still running when the signal aborts is left running (the next run follows it again).
 */
export async function settleJob(
  s3: S3Client,
  s3Control: S3ControlClient,
  setup: BatchSetup,
  request: RestoreRequest,
  jobId: string,
  createdAt: number,
  hooks: Omit<FollowHooks, 'signal'> & { readonly signal?: AbortSignal } = {},
): Promise<{ job: JobDescriptor; summary?: ReportSummary }> {
  const job = await followJob(s3Control, setup.accountId, jobId, hooks);
  if (!FINAL_STATES.has(job.Status ?? '')) return { job };
  const endedBy = job.TerminationDate?.getTime() ?? Date.now();
  const prefix = request.target?.prefix ?? '';
  const tasks = await readCompletionReport(s3, setup.opsBucket, `${REPORT_PREFIX}restore`, jobId);
  // Copies are written after the job was created and before it ended (a second of slack for
  // LastModified, which S3 keeps to the second).
  const summary = tasks
    ? await summarizeReport(tasks, COPY_FIXES, async (task) => {
        if (task.succeeded) {
          await request.journal?.recordBatchCopy(
            prefix + task.key,
            task.versionId,
            jobId,
            createdAt - 1000,
            endedBy + 1000,
          );
        }
      })
    : undefined;
  await request.journal?.finishBatchJob(jobId);
  return { job, summary };
}

/** Jobs earlier runs started and did not see end: followed (and journaled) before planning again. */
export async function settlePendingJobs(
  s3: S3Client,
  s3Control: S3ControlClient,
  setup: BatchSetup,
  request: RestoreRequest,
  journal: RestoreJournal,
  hooks: Omit<FollowHooks, 'signal'> & { readonly signal?: AbortSignal } = {},
): Promise<{ job: JobDescriptor; summary?: ReportSummary }[]> {
  const settled = [];
  for (const { jobId, createdAt } of journal.pendingBatchJobs()) {
    settled.push(await settleJob(s3, s3Control, setup, { ...request, journal }, jobId, createdAt, hooks));
    if (hooks.signal?.aborted) break;
  }
  return settled;
}

/** A usage error unless the --batch options fit together. */
export function checkBatchOptions(options: {
  batch: boolean;
  manifestOnly?: string;
  yes: boolean;
  dryRun: boolean;
}): void {
  if (options.manifestOnly && options.yes) {
    throw new CliError('--manifest-only writes a local file and nothing else: it takes no --yes');
  }
  if (options.manifestOnly && options.dryRun) {
    throw new CliError('--manifest-only already writes nothing to S3: drop --dry-run');
  }
}
