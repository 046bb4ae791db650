import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { defaultJournalPath, openJournal } from '../../../src/commands/restore/journal';
import { cliWorkDir, errorLines, runCli } from '../../support/cli';
import { createBucket, currentContents, listAll, motoS3, pointInTime, put } from '../../support/versioned';

// A rerun of a restore must be a no-op even where a copy's ETag differs from the original's (SSE-KMS
// in S3; here a multipart upload, whose copy gets a plain ETag): the journal records each copy.

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});

/** Uploads `key` in two parts (5 MiB + a few bytes), so its ETag is a multipart one ("…-2"). */
async function putMultipart(bucket: string, key: string, tail: string): Promise<void> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const parts = [Buffer.alloc(5 * 1024 * 1024, 'a'), Buffer.from(tail)];
  const etags = [];
  for (const [i, body] of parts.entries()) {
    const res = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, Body: body }),
    );
    etags.push({ PartNumber: i + 1, ETag: res.ETag });
  }
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId,
      MultipartUpload: { Parts: etags },
    }),
  );
}

/** A bucket whose key `doc` was a multipart upload at T and overwritten after. */
async function multipartChangedAfterT(prefix: string): Promise<{ bucket: string; to: string }> {
  const bucket = await createBucket(s3, prefix);
  await putMultipart(bucket, 'doc', 'at T');
  const to = await pointInTime();
  await put(s3, bucket, 'doc', 'after T');
  return { bucket, to };
}

const journalIn = (dir: string) => join(mkdtempSync(join(tmpdir(), dir)), 'journal.jsonl');

test('GIVEN a restored multipart object WHEN its copy is listed THEN its ETag differs from the original (why a journal is needed)', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-etag');
  await runCli(['restore', '--bucket', bucket, '--to', to, '--yes', '--journal', journalIn('rj-')]);
  const versions = (await listAll(s3, bucket)).filter((e) => !e.deleteMarker);
  const [copy, , original] = versions;
  expect(copy.etag).not.toBe(original.etag);
});

test('GIVEN a restore that copied a key WHEN the same restore runs again THEN the journal makes it a no-op', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-rerun');
  const journal = journalIn('rj-');
  const first = await runCli(['restore', '--bucket', bucket, '--to', to, '--yes', '--journal', journal]);
  expect(first.code).toBe(0);
  const versionsAfterFirst = (await listAll(s3, bucket)).length;

  const second = await runCli(['restore', '--bucket', bucket, '--to', to, '--yes', '--journal', journal]);

  expect(second.code).toBe(0);
  expect(second.stdout).toMatch(/to copy\s+0\n/);
  expect(second.stdout).toContain('Nothing to change.');
  expect((await listAll(s3, bucket)).length).toBe(versionsAfterFirst);
});

test('GIVEN the same restore WHEN it runs again without the journal THEN it would copy the key once more', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-nojournal');
  await runCli(['restore', '--bucket', bucket, '--to', to, '--yes', '--journal', journalIn('rj-')]);

  const dryRun = await runCli([
    'restore',
    '--bucket',
    bucket,
    '--to',
    to,
    '--dry-run',
    '--journal',
    journalIn('rj-'),
  ]);

  expect(dryRun.stdout).toMatch(/to copy\s+1\n/);
});

test('GIVEN a copy WHEN the restore applies THEN the journal records the key, the version at T and the new version', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-record');
  const journal = journalIn('rj-');
  await runCli(['restore', '--bucket', bucket, '--to', to, '--yes', '--journal', journal]);
  const [copy, , original] = (await listAll(s3, bucket)).filter((e) => !e.deleteMarker);
  expect(readFileSync(journal, 'utf8')).toBe(
    `${JSON.stringify({ targetKey: 'doc', fromVersionId: original.versionId, newVersionId: copy.versionId, etag: copy.etag })}\n`,
  );
  expect(await currentContents(s3, bucket)).toEqual({ doc: `${'a'.repeat(5 * 1024 * 1024)}at T` });
});

test('GIVEN no --journal WHEN a restore applies THEN the journal is written in the working directory under its default name', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-default');
  const result = await runCli(['restore', '--bucket', bucket, '--to', to, '--yes']);
  const path = join(cliWorkDir(), defaultJournalPath(bucket, Date.parse(to)));
  expect(result.stdout).toContain(`journal: ${defaultJournalPath(bucket, Date.parse(to))}`);
  expect(existsSync(path)).toBe(true);
});

test('GIVEN a dry run WHEN it plans THEN it creates no journal', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-dry');
  const journal = journalIn('rj-');
  await runCli(['restore', '--bucket', bucket, '--to', to, '--dry-run', '--journal', journal]);
  expect(existsSync(journal)).toBe(false);
});

test('GIVEN a dry run WHEN it prints the plan THEN the journal line says the copies are recorded there only with --yes', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-dry-line');
  const journal = journalIn('rj-');
  const result = await runCli(['restore', '--bucket', bucket, '--to', to, '--dry-run', '--journal', journal]);
  expect(result.stdout).toContain(`journal: ${journal} (the copies are recorded there with --yes)\n`);
});

test('GIVEN the journal of an earlier run WHEN a dry run prints the plan THEN the journal line says it was read', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-dry-read');
  const journal = journalIn('rj-');
  writeFileSync(journal, '');
  const result = await runCli(['restore', '--bucket', bucket, '--to', to, '--dry-run', '--journal', journal]);
  expect(result.stdout).toContain(
    `journal: ${journal} (earlier runs' copies read from it; the copies are recorded there with --yes)\n`,
  );
});

test('GIVEN --manifest-only WHEN it prints the plan THEN there is no journal line (it writes no copy)', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-mo');
  const manifest = join(mkdtempSync(join(tmpdir(), 'rj-mo-')), 'copies.csv');
  const result = await runCli(['restore', '--bucket', bucket, '--to', to, '--manifest-only', manifest]);
  expect(result.code).toBe(0);
  expect(result.stdout).not.toContain('journal:');
});

test('GIVEN a restore with nothing to copy WHEN it applies THEN it leaves no empty journal behind', async () => {
  const bucket = await createBucket(s3, 'rj-nothing');
  await put(s3, bucket, 'doc', 'unchanged');
  const to = await pointInTime();
  const journal = journalIn('rj-');
  const result = await runCli(['restore', '--bucket', bucket, '--to', to, '--yes', '--journal', journal]);
  expect(result.stdout).toContain('Nothing to change.');
  expect(existsSync(journal)).toBe(false);
});

test('GIVEN a restore that only adds delete markers WHEN it applies THEN it leaves no empty journal behind', async () => {
  const bucket = await createBucket(s3, 'rj-markers');
  await put(s3, bucket, 'old', 'old');
  const to = await pointInTime();
  await put(s3, bucket, 'new', 'after T');
  const journal = journalIn('rj-');
  const result = await runCli(['restore', '--bucket', bucket, '--to', to, '--yes', '--journal', journal]);
  expect(result.stdout).toContain('done: 0 copied, 1 delete marker added, 0 failed');
  expect(existsSync(journal)).toBe(false);
});

test('GIVEN the default journal cannot be created in the working directory WHEN restoring THEN the error suggests --journal <path>', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-readonly');
  // Root ignores file modes: a directory where the journal would go stands in for a read-only
  // working directory (where the error says `permission denied` or `the file system is read-only`).
  mkdirSync(join(cliWorkDir(), defaultJournalPath(bucket, Date.parse(to))));
  const result = await runCli(['restore', '--bucket', bucket, '--to', to, '--yes']);
  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    `s3-dr: cannot read restore journal ${defaultJournalPath(bucket, Date.parse(to))}: it is a directory (the journal goes to the current directory unless --journal <path> names another place: pass one)`,
  ]);
});

test('GIVEN a journal whose last line was torn by an interruption WHEN the restore runs again THEN the complete lines still count', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-torn');
  const journal = journalIn('rj-');
  await runCli(['restore', '--bucket', bucket, '--to', to, '--yes', '--journal', journal]);
  appendFileSync(journal, '{"targetKey":"doc","fromVers');
  const again = await runCli(['restore', '--bucket', bucket, '--to', to, '--dry-run', '--journal', journal]);
  expect(again.stdout).toMatch(/to copy\s+0\n/);
});

test('GIVEN a restore into an unversioned target WHEN it runs again THEN the journal (version null + ETag) makes it a no-op', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-unv-src');
  const target = await createBucket(s3, 'rj-unv-dst', 'none');
  const journal = journalIn('rj-');
  const args = ['restore', '--bucket', bucket, '--to', to, '--target-bucket', target, '--journal', journal];
  expect((await runCli([...args, '--yes'])).code).toBe(0);

  const again = await runCli([...args, '--yes']);

  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/to copy\s+0\n\s+to delete-mark\s+0\n\s+unchanged\s+1\n\s+blocked\s+0\n/);
});

test('GIVEN the unversioned target object was overwritten after the restore WHEN it runs again THEN the journal does not vouch for it', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-unv-src2');
  const target = await createBucket(s3, 'rj-unv-dst2', 'none');
  const journal = journalIn('rj-');
  const args = ['restore', '--bucket', bucket, '--to', to, '--target-bucket', target, '--journal', journal];
  await runCli([...args, '--yes']);
  await put(s3, target, 'doc', 'someone else wrote this');

  const again = await runCli([...args, '--dry-run']);

  expect(again.stdout).toMatch(/blocked\s+1\n/);
});

test('GIVEN a journal written by a restore to T1 WHEN it is reused for a restore to a later T2 THEN the copy of the T1 version does not count as the T2 version', async () => {
  // doc: version at T1, then another version at T2, then overwritten. A restore to T1 makes the
  // current version a copy of the T1 version and journals it; the T2 state is a different version.
  const bucket = await createBucket(s3, 'rj-other-t');
  await putMultipart(bucket, 'doc', 'at T1');
  const t1 = await pointInTime();
  await putMultipart(bucket, 'doc', 'at T2');
  const t2 = await pointInTime();
  await put(s3, bucket, 'doc', 'after T2');
  const journal = journalIn('rj-');
  await runCli(['restore', '--bucket', bucket, '--to', t1, '--yes', '--journal', journal]);

  const toT2 = await runCli(['restore', '--bucket', bucket, '--to', t2, '--yes', '--journal', journal]);

  expect(toT2.stdout).toMatch(/to copy\s+1\n/);
  expect(await currentContents(s3, bucket)).toEqual({ doc: `${'a'.repeat(5 * 1024 * 1024)}at T2` });
});

test('GIVEN a point in time with milliseconds WHEN the default journal is named THEN the name holds the bucket and T in compact UTC to the second', () => {
  const name = defaultJournalPath('my-bucket', Date.parse('2024-03-05T06:07:08.999Z'));

  expect(name).toBe('s3-dr-restore-my-bucket-20240305T060708Z.journal.jsonl');
});

test('GIVEN a restore that copied two keys WHEN the same restore runs again THEN the journal vouches for each key by its own copy', async () => {
  const bucket = await createBucket(s3, 'rj-two');
  await putMultipart(bucket, 'a', 'a at T');
  await putMultipart(bucket, 'b', 'b at T');
  const to = await pointInTime();
  await put(s3, bucket, 'a', 'a after T');
  await put(s3, bucket, 'b', 'b after T');
  const journal = journalIn('rj-');
  await runCli(['restore', '--bucket', bucket, '--to', to, '--yes', '--journal', journal]);

  const again = await runCli(['restore', '--bucket', bucket, '--to', to, '--dry-run', '--journal', journal]);

  expect(again.stdout).toMatch(/to copy\s+0\n\s+to delete-mark\s+0\n\s+unchanged\s+2\n/);
});

test('GIVEN a journal from an earlier run WHEN the same restore runs again THEN the journal keeps the earlier lines', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-keep');
  const journal = journalIn('rj-');
  await runCli(['restore', '--bucket', bucket, '--to', to, '--yes', '--journal', journal]);
  const afterFirst = readFileSync(journal, 'utf8');

  await runCli(['restore', '--bucket', bucket, '--to', to, '--yes', '--journal', journal]);

  expect(afterFirst).toMatch(/"targetKey":"doc"/);
  expect(readFileSync(journal, 'utf8')).toBe(afterFirst);
});

test('GIVEN a copy in a versioned bucket journaled without an ETag (its response had none) WHEN the restore runs again THEN the version id alone vouches for it', async () => {
  const { bucket, to } = await multipartChangedAfterT('rj-no-etag');
  const journal = journalIn('rj-');
  await runCli(['restore', '--bucket', bucket, '--to', to, '--yes', '--journal', journal]);
  const lines = readFileSync(journal, 'utf8').trim().split('\n');
  const withoutEtag = lines.map((line) => {
    const { etag: _etag, ...rest } = JSON.parse(line) as Record<string, unknown>;
    return JSON.stringify(rest);
  });
  writeFileSync(journal, `${withoutEtag.join('\n')}\n`);

  const again = await runCli(['restore', '--bucket', bucket, '--to', to, '--dry-run', '--journal', journal]);

  expect(withoutEtag).toEqual([expect.not.stringContaining('etag')]);
  expect(again.stdout).toMatch(/to copy\s+0\n/);
});

test('GIVEN a journal open for writing WHEN a copy is recorded THEN the same journal vouches for it at once', async () => {
  const journal = await openJournal(journalIn('rj-'), true);
  await journal.record('doc', 'v-at-T', 'v-copy', '"etag-of-copy"');

  const vouched = journal.isCopyOf('doc', { versionId: 'v-copy', etag: '"etag-of-copy"' }, 'v-at-T');
  await journal.close();

  expect(vouched).toBe(true);
});

test('GIVEN a copy into an unversioned bucket recorded without an ETag WHEN the null version has none either THEN the journal does not vouch for it (an overwrite cannot be told)', async () => {
  const journal = await openJournal(journalIn('rj-'), true);
  await journal.record('doc', 'v-at-T', 'null');

  const vouched = journal.isCopyOf('doc', { versionId: 'null' }, 'v-at-T');
  await journal.close();

  expect(vouched).toBe(false);
});

test('GIVEN a journal opened only for reading (a dry run) WHEN copies and batch jobs are recorded THEN it writes no file', async () => {
  const path = journalIn('rj-');
  const journal = await openJournal(path, false);

  await journal.record('doc', 'v-at-T', 'v-copy', '"etag-of-copy"');
  await journal.recordBatchJob('job-1', 0);
  await journal.recordBatchCopy('doc', 'v-at-T', 'job-1', 0, 1);
  await journal.finishBatchJob('job-1');
  await journal.close();

  expect(existsSync(path)).toBe(false);
});

describe('copies a batch job made (restore --batch)', () => {
  const after = Date.parse('2024-05-02T10:00:00Z');
  const before = Date.parse('2024-05-02T11:00:00Z');
  const iso = (time: number) => new Date(time).toISOString();

  test('GIVEN a reported batch copy WHEN the current version was written while the job ran THEN it counts as that copy, after reopening too', async () => {
    const path = journalIn('rjb-');
    const journal = await openJournal(path, true);
    await journal.recordBatchJob('job-1', after);
    await journal.recordBatchCopy('doc', 'v-at-T', 'job-1', after, before);
    await journal.finishBatchJob('job-1');
    await journal.close();

    const reopened = await openJournal(path, false);
    const during = { versionId: 'v-new', etag: '"kms-etag"', lastModified: after + 60_000 };
    expect(reopened.isCopyOf('doc', during, 'v-at-T')).toBe(true);
    expect(reopened.pendingBatchJobs()).toEqual([]);
  });

  test.each([
    ['written before the job', after - 1, 'v-at-T'],
    ['written after the job ended', before + 1, 'v-at-T'],
    ['a copy of another version', after + 1, 'v-other'],
  ])('GIVEN a version %s THEN it does not count as the copy', async (_what, lastModified, from) => {
    const journal = await openJournal(journalIn('rjb-'), true);
    await journal.recordBatchCopy('doc', 'v-at-T', 'job-1', after, before);
    expect(journal.isCopyOf('doc', { versionId: 'v', lastModified }, from)).toBe(false);
    await journal.close();
  });

  test.each([
    ['started', after],
    ['ended', before],
  ])(
    'GIVEN a version written in the very millisecond the job %s THEN it counts as the copy',
    async (_what, lastModified) => {
      const journal = await openJournal(journalIn('rjb-'), true);
      await journal.recordBatchCopy('doc', 'v-at-T', 'job-1', after, before);
      expect(journal.isCopyOf('doc', { versionId: 'v', lastModified }, 'v-at-T')).toBe(true);
      await journal.close();
    },
  );

  test.each([
    [
      'without a batch job',
      { targetKey: 'doc', fromVersionId: 'v-other', after: iso(after), before: iso(before) },
    ],
    [
      'without the version copied',
      { targetKey: 'doc', batchJob: 'job-2', after: iso(after), before: iso(before) },
    ],
    [
      'whose end does not parse',
      { targetKey: 'doc', fromVersionId: 'v-other', batchJob: 'job-2', after: iso(after), before: 'soon' },
    ],
  ])(
    'GIVEN a batch copy line %s after a valid one WHEN the journal is reopened THEN it is ignored: the valid copy still counts',
    async (_what, line) => {
      const path = journalIn('rjb-');
      const journal = await openJournal(path, true);
      await journal.recordBatchCopy('doc', 'v-at-T', 'job-1', after, before);
      await journal.close();
      appendFileSync(path, `${JSON.stringify(line)}\n`);

      const reopened = await openJournal(path, false);

      expect(reopened.isCopyOf('doc', { versionId: 'v', lastModified: after + 1 }, 'v-at-T')).toBe(true);
    },
  );

  test.each([
    ['a line of no known kind', {}],
    ['a start time without a job', { createdAt: iso(after) }],
    ['a job whose start does not parse', { batchJob: 'job-3', createdAt: 'yesterday' }],
    ['a job whose start is a number, not a time', { batchJob: 'job-3', createdAt: 5 }],
  ])('GIVEN %s in the journal WHEN it is reopened THEN no batch job is pending', async (_what, line) => {
    const path = journalIn('rjb-');
    writeFileSync(path, `${JSON.stringify(line)}\n`);

    expect((await openJournal(path, false)).pendingBatchJobs()).toEqual([]);
  });

  test('GIVEN a job recorded without its end WHEN the journal is reopened THEN it is pending', async () => {
    const path = journalIn('rjb-');
    const journal = await openJournal(path, true);
    await journal.recordBatchJob('job-2', after);
    await journal.close();

    expect((await openJournal(path, false)).pendingBatchJobs()).toEqual([
      { jobId: 'job-2', createdAt: after },
    ]);
  });
});
