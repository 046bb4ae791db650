import { createReadStream } from 'node:fs';
import { access, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CliError } from '../../shared/errors';
import { openReport, type ReportWriter, why } from '../../shared/report';
import type { VersionEntry } from '../../shared/versions';

/**
 * The copies earlier runs of a restore made, kept in a JSON-lines file: one line
 * `{"targetKey", "fromVersionId", "newVersionId", "etag"}` per CopyObject that succeeded
 * (`newVersionId` is `null` in an unversioned target bucket).
 *
 * Why: a key counts as restored when its current version *is* the copy of its version at T. For
 * unencrypted and SSE-S3 objects equal size and ETag show that from the listing alone, but SSE-KMS
 * ETags differ on every write (and so do a copied multipart object's): without this record a rerun
 * after an interruption would copy every such key again. The journal keeps the rerun at zero extra
 * requests per key; its memory is one entry per key copied, not per key in the bucket.
 */
export interface RestoreJournal {
  readonly path: string;
  /** Whether the file was there before this run (earlier runs' records were read from it). */
  readonly existed: boolean;
  /**
   * True when `current` (the current version of `targetKey`) is the copy an earlier run made of
   * `fromVersionId`. A `null` version (unversioned target) must also still have the copy's ETag:
   * it may have been overwritten since.
   */
  isCopyOf(
    targetKey: string,
    current: Pick<VersionEntry, 'versionId' | 'etag'> & { readonly lastModified?: number },
    fromVersionId: string,
  ): boolean;
  /** Appends a successful copy. */
  record(targetKey: string, fromVersionId: string, newVersionId: string, etag?: string): Promise<void>;
  /** Appends a Batch Operations copy job this restore started (`restore --batch`). */
  recordBatchJob(jobId: string, createdAt: number): Promise<void>;
  /**
   * Appends a copy a batch job made (its completion report names the key and the version copied,
   * not the new version): the current version counts as that copy when it was written while the
   * job ran, between `after` and `before` (epoch ms).
   */
  recordBatchCopy(
    targetKey: string,
    fromVersionId: string,
    jobId: string,
    after: number,
    before: number,
  ): Promise<void>;
  /** Appends that a batch job has ended and its report was read. */
  finishBatchJob(jobId: string): Promise<void>;
  /** Batch jobs started by earlier runs whose end was not recorded yet. */
  pendingBatchJobs(): readonly { readonly jobId: string; readonly createdAt: number }[];
  /** Closes the file; one this run created and wrote nothing to is removed, not left empty. */
  close(): Promise<void>;
}

/** `s3-dr-restore-<bucket written to>-<T, compact UTC>.journal.jsonl`, in the current directory. */
export function defaultJournalPath(targetBucket: string, time: number): string {
  const compact = new Date(time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `s3-dr-restore-${targetBucket}-${compact}.journal.jsonl`;
}

/**
 * Loads the journal at `path` if it exists (a torn last line from an interrupted run is ignored).
 * With `forWriting`, also opens it for appending (created at once, so that a journal that cannot
 * be written stops the run before any work; removed again on close when nothing was recorded);
 * a dry run only reads it.
 */
export async function openJournal(path: string, forWriting: boolean): Promise<RestoreJournal> {
  const copies = new Map<string, { fromVersionId: string; etag?: string }>();
  const batchCopies = new Map<string, { fromVersionId: string; after: number; before: number }>();
  const batchJobs = new Map<string, number>();
  const id = (targetKey: string, newVersionId: string) => `${newVersionId}\n${targetKey}`;
  const existed = await exists(path);
  if (existed) {
    const lines = createInterface({
      input: createReadStream(path, { encoding: 'utf8' }),
      crlfDelay: Infinity,
    });
    try {
      for await (const line of lines) {
        const entry = parseLine(line);
        if (entry) copies.set(id(entry.targetKey, entry.newVersionId), entry);
        else readBatchLine(line, batchCopies, batchJobs);
      }
    } catch (err) {
      throw new CliError(`cannot read restore journal ${path}: ${why(path, err as Error)}`);
    }
  }
  const file: ReportWriter | undefined = forWriting
    ? await openReport(path, { append: true, what: 'restore journal' })
    : undefined;
  let recorded = 0;
  const writer = file && {
    write: (record: object) => {
      recorded++;
      return file.write(record);
    },
  };
  return {
    path,
    existed,
    isCopyOf(targetKey, current, fromVersionId) {
      const batch = batchCopies.get(targetKey);
      if (
        batch?.fromVersionId === fromVersionId &&
        current.lastModified !== undefined &&
        current.lastModified >= batch.after &&
        current.lastModified <= batch.before
      ) {
        return true;
      }
      const copy = copies.get(id(targetKey, current.versionId));
      if (copy?.fromVersionId !== fromVersionId) return false;
      return current.versionId !== 'null' || (copy.etag !== undefined && copy.etag === current.etag);
    },
    async record(targetKey, fromVersionId, newVersionId, etag) {
      copies.set(id(targetKey, newVersionId), { fromVersionId, etag });
      await writer?.write({ targetKey, fromVersionId, newVersionId, ...(etag ? { etag } : {}) });
    },
    async recordBatchJob(jobId, createdAt) {
      batchJobs.set(jobId, createdAt);
      await writer?.write({ batchJob: jobId, createdAt: new Date(createdAt).toISOString() });
    },
    async recordBatchCopy(targetKey, fromVersionId, jobId, after, before) {
      batchCopies.set(targetKey, { fromVersionId, after, before });
      await writer?.write({
        targetKey,
        fromVersionId,
        batchJob: jobId,
        after: new Date(after).toISOString(),
        before: new Date(before).toISOString(),
      });
    },
    async finishBatchJob(jobId) {
      batchJobs.delete(jobId);
      await writer?.write({ batchJobDone: jobId });
    },
    pendingBatchJobs: () => [...batchJobs].map(([jobId, createdAt]) => ({ jobId, createdAt })),
    close: async () => {
      await file?.close();
      if (file && !existed && recorded === 0) await rm(path, { force: true });
    },
  };
}

/** Batch lines: a job started, a copy it made, or its end. Anything else is ignored. */
function readBatchLine(
  line: string,
  batchCopies: Map<string, { fromVersionId: string; after: number; before: number }>,
  batchJobs: Map<string, number>,
): void {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return;
  }
  if (typeof e.batchJobDone === 'string') batchJobs.delete(e.batchJobDone);
  else if (
    typeof e.batchJob === 'string' &&
    typeof e.targetKey === 'string' &&
    typeof e.fromVersionId === 'string'
  ) {
    const after = Date.parse(String(e.after));
    const before = Date.parse(String(e.before));
    if (!Number.isNaN(after) && !Number.isNaN(before)) {
      batchCopies.set(e.targetKey, { fromVersionId: e.fromVersionId, after, before });
    }
  } else if (typeof e.batchJob === 'string' && typeof e.createdAt === 'string') {
    const createdAt = Date.parse(e.createdAt);
    if (!Number.isNaN(createdAt)) batchJobs.set(e.batchJob, createdAt);
  }
}

function parseLine(
  line: string,
): { targetKey: string; fromVersionId: string; newVersionId: string; etag?: string } | undefined {
  try {
    const e = JSON.parse(line) as Record<string, unknown>;
    const fields = [e.targetKey, e.fromVersionId, e.newVersionId];
    if (fields.every((f) => typeof f === 'string')) {
      return {
        targetKey: e.targetKey as string,
        fromVersionId: e.fromVersionId as string,
        newVersionId: e.newVersionId as string,
        etag: typeof e.etag === 'string' ? e.etag : undefined,
      };
    }
  } catch {
    // a line torn by an interruption: that copy is simply not known
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
