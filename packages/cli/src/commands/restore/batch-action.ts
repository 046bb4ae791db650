import type { S3Client } from '@aws-sdk/client-s3';
import type { JobDescriptor } from '@aws-sdk/client-s3-control';
import { formatSummary } from '../../shared/batch/completion-report';
import { type BatchSetup, formatProgress, jobProblems } from '../../shared/batch/jobs';
import type { JobPlace } from '../../shared/batch/place';
import type { CommandContext } from '../../shared/context';
import { EXIT, errorJson } from '../../shared/errors';
import { createProgress, notice } from '../../shared/progress';
import type { ReportWriter } from '../../shared/report';
import { count } from '../../shared/text';
import { applyBatchRestore, type BatchApplied, settlePendingJobs, writeManifestFile } from './batch';
import type { RestoreJournal } from './journal';
import type { Plan, RestoreRequest } from './run';
import { STOPPING, stopped } from './stop';

/** What a `--batch` restore needs for its job: the ops bucket and role, and where the job runs. */
export interface BatchRestore {
  readonly setup: BatchSetup;
  readonly place: JobPlace;
}

/** `restore --manifest-only <file>`: the plan's copies as a CSV manifest, written locally only. */
export async function manifestOnly(
  ctx: CommandContext,
  s3: S3Client,
  request: RestoreRequest,
  plan: Plan,
  path: string,
  signal: AbortSignal,
): Promise<number> {
  const { lines, tooLarge } = await writeManifestFile(s3, request, plan, path, { signal });
  const markers = plan.counts['delete-mark'];
  const left = [
    ...(markers
      ? [`the ${count(markers, 'delete marker')} of the plan (Batch Operations cannot delete)`]
      : []),
    ...(tooLarge ? [`${count(tooLarge, 'copy', 'copies')} over 5 GB (a copy job copies up to 5 GB)`] : []),
  ];
  const note = `manifest: ${count(lines, 'copy', 'copies')} written to ${path} (CSV bucket,key,versionId, keys URL-encoded); nothing written to S3${left.length ? `; not in it: ${left.join(', ')}` : ''}.`;
  if (ctx.options.json)
    ctx.print('', {
      manifest: path,
      copies: lines,
      deleteMarkersNotInManifest: markers,
      copiesOver5GB: tooLarge,
      note,
    });
  else ctx.io.stdout(`${note}\n`);
  return EXIT.ok;
}

/** Before planning a `--batch` restore: follows the jobs earlier runs started, so the plan sees their copies. */
export async function settleEarlierJobs(
  ctx: CommandContext,
  { setup, place }: BatchRestore,
  request: RestoreRequest,
  journal: RestoreJournal,
  signal: AbortSignal,
  pollMs: number,
): Promise<void> {
  for (const { job, summary } of await settlePendingJobs(place.s3, place.s3Control, setup, request, journal, {
    signal,
    pollMs,
    onUpdate: (job) => notice(ctx.io, `restore: earlier job ${job.JobId} ${formatProgress(job)}\n`),
  })) {
    const lines = [`earlier job ${job.JobId}: ${job.Status}`, ...(summary ? formatSummary(summary) : [])];
    ctx.io.stderr(`${lines.join('\n')}\n`);
  }
}

/** `restore --batch --yes`: the copies as one Batch Operations job, the rest written here. */
export async function applyAsBatch(
  ctx: CommandContext,
  { setup, place }: BatchRestore,
  request: RestoreRequest,
  plan: Plan,
  report: ReportWriter,
  signal: AbortSignal,
  pollMs: number,
): Promise<number> {
  const progress = createProgress(
    ctx.io,
    'restore: written here (delete markers, archive restores, copies over 5 GB)',
  );
  const applied = await applyBatchRestore(
    place.s3,
    place.s3Control,
    setup,
    request,
    plan,
    report,
    ctx.options.concurrency,
    {
      signal,
      pollMs,
      onProgress: (n) => progress.tick(n),
      onJobCreated: (jobId) => {
        progress.done();
        notice(ctx.io, `restore: job ${jobId} created (copies); following it, Ctrl-C leaves it running\n`);
      },
      onUpdate: (job) => notice(ctx.io, `restore: job ${job.JobId} ${formatProgress(job)}\n`),
      onStopping: (error) => notice(ctx.io, `s3-dr: stopping: ${error.message}; ${STOPPING}`),
    },
  ).finally(() => progress.done());
  const text = formatBatchApplied(applied);
  if (ctx.options.json) ctx.print('', batchJson(applied, text));
  else ctx.io.stdout(`${text}\n`);
  if (applied.stoppedBy) return stopped(ctx, applied.stoppedBy);
  const jobOk = !applied.job || (applied.job.Status === 'Complete' && (applied.summary?.failed ?? 0) === 0);
  const incomplete =
    applied.failed + plan.counts.blocked + plan.counts.waiting + applied.archiveRestores > 0 ||
    applied.interrupted;
  return jobOk && !incomplete ? EXIT.ok : EXIT.findings;
}

function formatBatchApplied(applied: BatchApplied): string {
  const lines: string[] = [];
  lines.push(
    `${applied.interrupted ? 'INTERRUPTED' : 'done here'}: ${count(applied.deleteMarkers, 'delete marker')} added, ${applied.copiedHere ? `${applied.copiedHere} copied (over 5 GB), ` : ''}${count(applied.archiveRestores, 'archive restore')} started, ${applied.failed} failed`,
  );
  for (const f of applied.failures) lines.push(`  failed ${JSON.stringify(f.key)}: ${f.error}`);
  if (applied.job) lines.push(...jobLines(applied.job));
  // A job that failed or was cancelled leaves its manifest behind: where, for a look at it.
  if (applied.manifest && ['Failed', 'Cancelled'].includes(applied.job?.Status ?? '')) {
    lines.push(`  manifest: s3://${applied.manifest.bucket}/${applied.manifest.key}`);
  } else if (applied.jobId) lines.push(`copies: job ${applied.jobId} created; it keeps running in S3`);
  else if (applied.copies === 0) lines.push('copies: none to make, no job created');
  else if (applied.interrupted) lines.push('copies: no job created (interrupted while writing the manifest)');
  if (applied.summary) lines.push(...formatSummary(applied.summary));
  const jobRunning =
    applied.jobId && !['Complete', 'Failed', 'Cancelled'].includes(applied.job?.Status ?? '');
  if (jobRunning)
    lines.push(
      'The job keeps running in S3: run the same command again to follow it and finish the restore.',
    );
  else if (
    applied.interrupted ||
    applied.failed ||
    (applied.summary?.failed ?? 0) > 0 ||
    applied.job?.Status !== 'Complete'
  ) {
    if (applied.copies > 0 || applied.failed) lines.push('Run the same command again to finish the restore.');
  }
  return lines.join('\n');
}

function jobLines(job: JobDescriptor): string[] {
  return [
    `copies: job ${job.JobId} ${formatProgress(job)}`,
    ...jobProblems(job).map((p) => `  reason: ${p}`),
  ];
}

function batchJson(applied: BatchApplied, note: string): object {
  return {
    applied: {
      deleteMarkers: applied.deleteMarkers,
      copiedOver5GB: applied.copiedHere,
      archiveRestores: applied.archiveRestores,
      failed: applied.failed,
      failures: applied.failures,
      interrupted: applied.interrupted,
    },
    manifest: applied.manifest,
    copies: applied.copies,
    job: applied.job && {
      jobId: applied.job.JobId,
      status: applied.job.Status,
      progress: applied.job.ProgressSummary,
      problems: jobProblems(applied.job),
    },
    report: applied.summary,
    ...(applied.stoppedBy ? { error: errorJson(applied.stoppedBy) } : {}),
    note,
  };
}
