import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { openJournal } from '../../../src/commands/restore/journal';
import { applyRestore, type Plan, planRestore, type RestoreRequest } from '../../../src/commands/restore/run';
import { CliError } from '../../../src/shared/errors';
import { NO_REPORT, type ReportWriter } from '../../../src/shared/report';
import { recordingReport } from '../../support/recording-report';
import { changedAfterT, restoreRequest } from '../../support/restore-request';
import {
  createBucket,
  currentContents,
  listAll,
  motoS3,
  pointInTime,
  put,
  remove,
} from '../../support/versioned';

// applyRestore on moto: what the report records for each kind of action, and what a copy S3
// refuses does to the run. moto cannot refuse one CopyObject and accept the next, so the refusals
// come from a middleware on the SDK client that fails the CopyObject of chosen keys before it is
// sent; everything else goes to moto.

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});

/** An S3 service error as the SDK throws it for an error response. */
function s3Error(name: string, status: number): Error {
  return new S3ServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

/** A moto client whose CopyObject of the keys `refuse` names fails with the error given. */
function refusingCopies(refuse: (key: string) => Error | undefined): S3Client {
  const client = motoS3();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: string }).Key ?? '';
      const error = context.commandName === 'CopyObjectCommand' ? refuse(key) : undefined;
      if (error) throw error;
      return next(args);
    },
    { step: 'initialize' },
  );
  return client;
}

/**
 * A bucket with one key for each kind of action a restore to T plans: `copy.txt` changed after T
 * (copy), `gone.txt` deleted at T and written again after it (delete-mark), `cold.bin` archived at
 * T (blocked without --restore-archived), `same.txt` unchanged; with the version ids involved.
 */
async function oneOfEachAction(prefix: string) {
  const bucket = await createBucket(s3, prefix);
  const copyFrom = await put(s3, bucket, 'copy.txt', 'at T');
  await put(s3, bucket, 'gone.txt', 'deleted before T');
  // The delete marker in a later second than the version it hides (see the listing's order rule).
  await pointInTime();
  await remove(s3, bucket, 'gone.txt');
  const cold = await put(s3, bucket, 'cold.bin', 'archived at T', { StorageClass: 'GLACIER' });
  await put(s3, bucket, 'same.txt', 'unchanged');
  const to = await pointInTime();
  const copyNow = await put(s3, bucket, 'copy.txt', 'after T');
  const goneNow = await put(s3, bucket, 'gone.txt', 'written again after T');
  const coldNow = await put(s3, bucket, 'cold.bin', 'after T');
  return { bucket, to, copyFrom, copyNow, goneNow, cold, coldNow };
}

test('GIVEN copies refused one by one after a copy succeeded WHEN applied THEN each is counted, the first ten listed, each reported failed with its error, and the run goes on', async () => {
  const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'];
  const { bucket, request } = await changedAfterT(s3, 'ra-refused', keys);
  const client = refusingCopies((key) => (key === 'a' ? undefined : s3Error('AccessDenied', 403)));
  const plan = await planRestore(client, request, NO_REPORT);
  const report = recordingReport();

  const applied = await applyRestore(client, request, plan, report.writer, 1);

  expect(applied.done.copy).toBe(1);
  expect(applied.failed).toBe(11);
  expect(applied.failures.map((f) => f.key)).toEqual(keys.slice(1, 11));
  expect(applied.failures[0]?.error).toMatch(new RegExp(`^access denied to ${bucket}/b\\b`));
  const failed = report.records.filter((r) => r.status === 'failed');
  expect(failed.map((r) => r.key)).toEqual(keys.slice(1));
  expect(failed[0]).toMatchObject({ action: 'copy', key: 'b', error: applied.failures[0]?.error });
  expect((await currentContents(s3, bucket)).a).toBe('a at T');
  expect((await currentContents(s3, bucket)).b).toBe('after T');
});

test('GIVEN the very first copy refused with AccessDenied WHEN applied THEN the run stops with one error about the bucket, before any other copy, and says what was done', async () => {
  const { bucket, request } = await changedAfterT(s3, 'ra-denied', ['a', 'b', 'c']);
  const client = refusingCopies(() => s3Error('AccessDenied', 403));
  const plan = await planRestore(client, request, NO_REPORT);

  const applied = await applyRestore(client, request, plan, NO_REPORT, 1);

  expect(applied.stoppedBy).toBeInstanceOf(CliError);
  expect(applied.stoppedBy?.message).toMatch(new RegExp(`^access denied to bucket ${bucket}\\b`));
  expect(applied).toMatchObject({ interrupted: true, failed: 0, done: { copy: 0 } });
  expect(await currentContents(s3, bucket)).toEqual({ a: 'after T', b: 'after T', c: 'after T' });
});

test.each([
  ['NoSuchBucket', s3Error('NoSuchBucket', 404), /^bucket .* does not exist/],
  [
    'no credentials',
    Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    }),
    /^no AWS credentials found while accessing bucket /,
  ],
  [
    'a timeout',
    Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }),
    /^cannot reach the AWS endpoint for bucket .* \(TimeoutError\)/,
  ],
  [
    'a refused connection',
    Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    /^cannot reach the AWS endpoint for bucket .* \(ECONNREFUSED\)/,
  ],
])(
  'GIVEN %s on the second copy WHEN applied THEN the run stops there, though a copy succeeded',
  async (_, refusal, message) => {
    const { bucket, request } = await changedAfterT(s3, 'ra-fatal', ['a', 'b', 'c']);
    const client = refusingCopies((key) => (key === 'b' ? refusal : undefined));
    const plan = await planRestore(client, request, NO_REPORT);

    const applied = await applyRestore(client, request, plan, NO_REPORT, 1);

    expect(applied.stoppedBy).toBeInstanceOf(CliError);
    expect(applied.stoppedBy?.message).toMatch(message);
    expect(applied).toMatchObject({ interrupted: true, failed: 0, done: { copy: 1 } });
    expect(await currentContents(s3, bucket)).toEqual({ a: 'a at T', b: 'after T', c: 'after T' });
  },
);

test('GIVEN a copy, a delete marker for a key deleted at T, a blocked and an unchanged key WHEN applied THEN the report has one record for each change and for the blocked key, and none for the unchanged', async () => {
  const { bucket, to, copyFrom, copyNow, goneNow, cold, coldNow } = await oneOfEachAction('ra-report');
  const request = restoreRequest(bucket, to);
  // Applied as a plan too large to hold: the listing again yields the unchanged key too.
  const plan = { ...(await planRestore(s3, request, NO_REPORT)), actions: undefined };
  const report = recordingReport();
  const entries = await listAll(s3, bucket);
  const goneMarker = entries.find((e) => e.key === 'gone.txt' && e.deleteMarker);
  const at = (versionId: string | undefined) =>
    new Date(entries.find((e) => e.versionId === versionId)?.lastModified ?? 0).toISOString();

  const applied = await applyRestore(s3, request, plan, report.writer, 1);

  expect(applied).toMatchObject({ failed: 0, done: { copy: 1, 'delete-mark': 1 } });
  const byKey = Object.fromEntries(report.records.map((r) => [r.key, r]));
  expect(Object.keys(byKey).sort()).toEqual(['cold.bin', 'copy.txt', 'gone.txt']);
  expect(byKey['cold.bin']).toEqual({
    action: 'blocked',
    status: 'skipped',
    key: 'cold.bin',
    fromVersionId: cold,
    fromDeleteMarker: false,
    fromLastModified: at(cold),
    currentVersionId: coldNow,
    reason: 'the version at T is in GLACIER: pass --restore-archived to start its restore',
  });
  expect(byKey['copy.txt']).toEqual({
    action: 'copy',
    status: 'done',
    key: 'copy.txt',
    fromVersionId: copyFrom,
    fromDeleteMarker: false,
    fromLastModified: at(copyFrom),
    currentVersionId: copyNow,
    reason: 'differs from the version at T',
    newVersionId: expect.any(String),
  });
  expect(byKey['gone.txt']).toEqual({
    action: 'delete-mark',
    status: 'done',
    key: 'gone.txt',
    fromVersionId: goneMarker?.versionId,
    fromDeleteMarker: true,
    fromLastModified: at(goneMarker?.versionId),
    currentVersionId: goneNow,
    reason: 'deleted at T',
    newVersionId: expect.any(String),
  });
});

test('GIVEN a restore into another bucket under a prefix WHEN applied twice THEN the report names the target key, and the second pass finds the target in its state at T', async () => {
  const { bucket, request: inPlace } = await changedAfterT(s3, 'ra-tgt-src', ['a', 'dir/b']);
  const target = await createBucket(s3, 'ra-tgt-dst');
  const request: RestoreRequest = {
    ...inPlace,
    target: { bucket: target, prefix: 'restored/', versioned: true },
  };
  const report = recordingReport();

  const first = await applyRestore(s3, request, await planRestore(s3, request, NO_REPORT), report.writer, 1);
  const again = await planRestore(s3, request, NO_REPORT);

  expect(first.done.copy).toBe(2);
  expect(report.records.map((r) => [r.key, r.targetKey])).toEqual([
    ['a', 'restored/a'],
    ['dir/b', 'restored/dir/b'],
  ]);
  expect(again.counts).toMatchObject({ copy: 0, unchanged: 2 });
  expect(await currentContents(s3, target)).toEqual({
    'restored/a': 'a at T',
    'restored/dir/b': 'dir/b at T',
  });
  expect(await currentContents(s3, bucket)).toEqual({ a: 'after T', 'dir/b': 'after T' });
});

test('GIVEN a plan too large to hold WHEN applied THEN the second listing reports its pages', async () => {
  const { request } = await changedAfterT(s3, 'ra-pages', ['a', 'b', 'c']);
  const plan = { ...(await planRestore(s3, request, NO_REPORT)), actions: undefined };
  let pages = 0;

  const applied = await applyRestore(s3, request, plan, NO_REPORT, 1, { onListPage: () => pages++ });

  expect(applied.done.copy).toBe(3);
  expect(pages).toBe(1);
});

test('GIVEN the first copy refused with an error other than AccessDenied WHEN applied THEN it is counted as failed and the run goes on', async () => {
  const { bucket, request } = await changedAfterT(s3, 'ra-first', ['a', 'b', 'c']);
  const client = refusingCopies((key) => (key === 'a' ? s3Error('InternalError', 500) : undefined));
  const plan = await planRestore(client, request, NO_REPORT);

  const applied = await applyRestore(client, request, plan, NO_REPORT, 1);

  expect([applied.done.copy, applied.failed]).toEqual([2, 1]);
  expect(await currentContents(s3, bucket)).toEqual({ a: 'after T', b: 'b at T', c: 'c at T' });
});

test('GIVEN an interruption while a skipped key is reported WHEN applied THEN no further key is written', async () => {
  // `a` is blocked (archived at T), so the report's record of it is written between two changes.
  const bucket = await createBucket(s3, 'ra-stop');
  await put(s3, bucket, 'a', 'archived at T', { StorageClass: 'GLACIER' });
  await put(s3, bucket, 'b', 'b at T');
  const to = await pointInTime();
  await put(s3, bucket, 'a', 'after T');
  await put(s3, bucket, 'b', 'after T');
  const request = restoreRequest(bucket, to);
  const plan = await planRestore(s3, request, NO_REPORT);
  const interruption = new AbortController();
  const report: ReportWriter = {
    write: async (record) => {
      if ((record as { status?: string }).status === 'skipped') interruption.abort();
    },
    close: async () => {},
  };

  const applied = await applyRestore(s3, request, plan, report, 1, { signal: interruption.signal });

  expect(plan.actions?.map((action) => action.type)).toEqual(['blocked', 'copy']);
  expect([applied.interrupted, applied.done.copy, applied.seen.copy]).toEqual([true, 0, 0]);
  expect((await currentContents(s3, bucket)).b).toBe('after T');
});

test('GIVEN a copy, a delete marker, a blocked and an unchanged key WHEN applied with a journal THEN the journal records the copy only (a delete marker is not a copy of the version at T)', async () => {
  const { bucket, to, copyFrom } = await oneOfEachAction('ra-journal');
  const dir = mkdtempSync(join(tmpdir(), 'ra-journal-'));
  const path = join(dir, 'journal.jsonl');
  try {
    const journal = await openJournal(path, true);
    const request = restoreRequest(bucket, to, { journal });
    const plan = await planRestore(s3, request, NO_REPORT);

    const applied = await applyRestore(s3, request, plan, NO_REPORT, 1);
    await journal.close();

    expect(applied.done).toMatchObject({ copy: 1, 'delete-mark': 1 });
    // The copy is now copy.txt's current version (the newest entry listed for it).
    const copy = (await listAll(s3, bucket)).find((e) => e.key === 'copy.txt');
    const recorded = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(recorded).toEqual([
      { targetKey: 'copy.txt', fromVersionId: copyFrom, newVersionId: copy?.versionId, etag: copy?.etag },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GIVEN a planned copy without a version at T (a planner defect) WHEN applied THEN that key fails with an internal error naming it', async () => {
  const { request } = await changedAfterT(s3, 'ra-internal', ['a']);
  const plan: Plan = {
    keys: 1,
    counts: { copy: 1, 'delete-mark': 0, 'restore-archive': 0, unchanged: 0, blocked: 0, waiting: 0 },
    sample: [],
    interrupted: false,
    actions: [{ type: 'copy', key: 'a', targetKey: 'a', reason: 'differs from the version at T' }],
  };

  const applied = await applyRestore(s3, request, plan, NO_REPORT, 1);

  expect(applied.failed).toBe(1);
  expect(applied.failures[0]?.error).toContain('internal: copy of a without a version at T');
});
