import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateJobCommand, DescribeJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { applyBatchRestore } from '../../../src/commands/restore/batch';
import { openJournal, type RestoreJournal } from '../../../src/commands/restore/journal';
import { planRestore } from '../../../src/commands/restore/run';
import { setupFromRole } from '../../../src/shared/batch/jobs';
import { parseManifestLine } from '../../../src/shared/batch/manifest';
import { copySource } from '../../../src/shared/copy';
import { NO_REPORT } from '../../../src/shared/report';
import { placeReport } from '../../support/batch-report';
import { cliWorkDir, errorLines, runCli, runCliProcess } from '../../support/cli';
import { restoreRequest } from '../../support/restore-request';
import {
  createBucket,
  currentContents,
  motoS3,
  pointInTime,
  put,
  remove,
  versionIds,
} from '../../support/versioned';

// restore --batch and --manifest-only: everything S3 on moto (the scenario, the manifest in the
// ops bucket, delete markers, the completion report), S3 Control (CreateJob, DescribeJob) mocked.
// The job's own copies are made by the DescribeJob fake, as S3 would: one CopyObject per manifest
// line, by version id, then the completion report in S3's format.

const ROLE = 'arn:aws:iam::123456789012:role/s3-dr-batch-role-t';
const KEYS = ['plain.txt', 'with space.txt', 'a+b.txt', '100%.txt', 'dir/sub/ünï-日本.txt', 'comma,key.txt'];
const control = mockClient(S3ControlClient);
let s3: S3Client;
let ops: string;

beforeAll(async () => {
  s3 = motoS3();
  ops = await createBucket(s3, 'rb-ops');
});
beforeEach(() => control.reset());

/** Every awkward key written before T and changed after it; one key added after T (delete-marked by a restore). */
async function scenario(
  prefix: string,
): Promise<{ bucket: string; to: string; atT: Record<string, string> }> {
  const bucket = await createBucket(s3, prefix);
  const atT: Record<string, string> = {};
  for (const key of KEYS) {
    await put(s3, bucket, key, `${key} at T`);
    atT[key] = `${key} at T`;
  }
  await put(s3, bucket, 'same.txt', 'unchanged');
  atT['same.txt'] = 'unchanged';
  const to = await pointInTime();
  for (const key of KEYS.slice(0, 4)) await put(s3, bucket, key, `${key} after T`);
  for (const key of KEYS.slice(4)) await remove(s3, bucket, key);
  await put(s3, bucket, 'new-after-T.txt', 'new');
  return { bucket, to, atT };
}

function file(name: string): string {
  return join(cliWorkDir(), name);
}

function readJsonLines(path: string): Record<string, string>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** `restore --bucket B --to T --batch --ops-bucket OPS --role-arn ROLE`, then `extra`. */
function batchRestore(bucket: string, to: string, ...extra: string[]): string[] {
  return [
    'restore',
    '--bucket',
    bucket,
    '--to',
    to,
    '--batch',
    '--ops-bucket',
    ops,
    '--role-arn',
    ROLE,
    ...extra,
  ];
}

/** The same, journaled in a file of its own and polling every second, with --yes. */
function batchRestoreApplied(bucket: string, to: string): string[] {
  return batchRestore(
    bucket,
    to,
    '--journal',
    file(`journal-${bucket}.jsonl`),
    '--poll-interval',
    '1s',
    '--yes',
  );
}

/** The keys of the manifest the `index`-th CreateJob named, in its order. */
async function manifestKeysOfJob(index: number): Promise<string[]> {
  const input = control.commandCalls(CreateJobCommand)[index]?.args[0].input;
  const key = input?.Manifest?.Location?.ObjectArn?.split(`${ops}/`)[1] as string;
  const body = await (
    await s3.send(new GetObjectCommand({ Bucket: ops, Key: key }))
  ).Body?.transformToString();
  return (body ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => parseManifestLine(l).key);
}

/** Plans the restore of `bucket` to `to` with `client` and applies it as a batch (polling every ms). */
async function applyAsBatch(
  client: S3Client,
  bucket: string,
  to: string,
  options: { journal?: RestoreJournal; maxJobCopyBytes?: number; streamed?: boolean } = {},
) {
  const request = restoreRequest(bucket, to, options.journal ? { journal: options.journal } : {});
  const planned = await planRestore(client, request, NO_REPORT);
  // A streamed plan carries no list of actions: the apply relists them.
  const plan = options.streamed ? { ...planned, actions: undefined } : planned;
  return applyBatchRestore(
    client,
    new S3ControlClient({ region: 'us-east-1' }),
    setupFromRole(ROLE, ops),
    request,
    plan,
    NO_REPORT,
    4,
    { pollMs: 1, ...(options.maxJobCopyBytes ? { maxJobCopyBytes: options.maxJobCopyBytes } : {}) },
  );
}

/** What S3 does for a copy job: copy each manifest line's version onto its key, then report. */
function runJobLikeS3(jobId: string, failKeys: readonly string[] = []) {
  return async () => {
    const input = control.commandCalls(CreateJobCommand).at(-1)?.args[0].input;
    const manifestKey = input?.Manifest?.Location?.ObjectArn?.split(':::')[1]
      ?.split('/')
      .slice(1)
      .join('/') as string;
    const target = input?.Operation?.S3PutObjectCopy?.TargetResource?.replace(/^arn:aws:s3:::/, '') as string;
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: ops, Key: manifestKey }))
    ).Body?.transformToString();
    const ok: string[] = [];
    const failed: string[] = [];
    for (const line of (body ?? '').split('\n').filter(Boolean)) {
      const { bucket, key, versionId } = parseManifestLine(line);
      const encoded = line.split(',')[1];
      if (failKeys.includes(key)) {
        failed.push(
          `${bucket},${encoded},${versionId},failed,NoSuchVersion,404,The specified version does not exist`,
        );
        continue;
      }
      await s3.send(
        new CopyObjectCommand({ Bucket: target, Key: key, CopySource: copySource(bucket, key, versionId) }),
      );
      ok.push(`${bucket},${encoded},${versionId},succeeded,,200,Successful`);
    }
    await placeReport(s3, ops, 'reports/restore', jobId, [
      { status: 'succeeded', rows: ok },
      ...(failed.length ? [{ status: 'failed' as const, rows: failed }] : []),
    ]);
    const n = ok.length + failed.length;
    return {
      Job: {
        JobId: jobId,
        Status: 'Complete' as const,
        ProgressSummary: {
          TotalNumberOfTasks: n,
          NumberOfTasksSucceeded: ok.length,
          NumberOfTasksFailed: failed.length,
          Timers: { ElapsedTimeInActiveSeconds: 1 },
        },
      },
    };
  };
}

test('GIVEN one scenario WHEN --manifest-only and then the direct restore run THEN the manifest holds exactly the copies the direct restore made, and nothing was written before', async () => {
  const { bucket, to } = await scenario('rb-same');
  const before = await versionIds(s3, bucket);
  const manifest = file(`copies-${bucket}.csv`);

  const only = await runCli(['restore', '--bucket', bucket, '--to', to, '--manifest-only', manifest]);

  expect(only.code).toBe(0);
  expect(only.stdout).toContain(`manifest: 6 copies written to ${manifest}`);
  expect(only.stdout).toContain(
    'not in it: the 1 delete marker of the plan (Batch Operations cannot delete)',
  );
  expect(await versionIds(s3, bucket)).toEqual(before);

  const report = file(`direct-${bucket}.jsonl`);
  const direct = await runCli(['restore', '--bucket', bucket, '--to', to, '--yes', '--report', report]);
  expect(direct.code).toBe(0);
  const copied = readJsonLines(report)
    .filter((r) => r.action === 'copy' && r.status === 'done')
    .map((r) => `${bucket}|${r.key}|${r.fromVersionId}`)
    .sort();
  const lines = readFileSync(manifest, 'utf8').split('\n').filter(Boolean);
  expect(
    lines
      .map((l) => parseManifestLine(l))
      .map((e) => `${e.bucket}|${e.key}|${e.versionId}`)
      .sort(),
  ).toEqual(copied);
  expect(copied.map((c) => c.split('|')[1]).sort()).toEqual([...KEYS].sort());
});

test('GIVEN --batch without --yes THEN the plan says the copies run as a job as the batch role, and nothing is written', async () => {
  const { bucket, to } = await scenario('rb-plan');
  const before = await versionIds(s3, bucket);

  const result = await runCli(batchRestore(bucket, to));

  expect(result.code).toBe(0);
  expect(result.stdout).toContain(
    `batch: the copies run as one S3 Batch Operations job (S3PutObjectCopy) in us-east-1, the region of s3://${bucket}, as ${ROLE}; manifest and report in s3://${ops}/ (us-east-1)`,
  );
  expect(result.stdout).toContain('Nothing written: add --yes to apply this plan.');
  expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
  expect(await versionIds(s3, bucket)).toEqual(before);
});

test('GIVEN --batch --yes THEN delete markers are written here, the copies go to one job from a manifest pinned by ETag, and the bucket is in its state at T; a rerun does nothing', async () => {
  const { bucket, to, atT } = await scenario('rb-apply');
  const before = await versionIds(s3, bucket);
  control.on(CreateJobCommand).resolves({ JobId: 'job-r1' });
  control.on(DescribeJobCommand).callsFake(runJobLikeS3('job-r1'));
  const args = batchRestoreApplied(bucket, to);

  const result = await runCli(args);

  expect(result.stderr).toContain('restore: job job-r1 created (copies)');
  expect(result.stdout).toContain('done here: 1 delete marker added, 0 archive restores started, 0 failed');
  expect(result.stdout).toContain('copies: job job-r1 Complete: 6/6 tasks, 6 succeeded, 0 failed');
  expect(result.code).toBe(0);
  const input = control.commandCalls(CreateJobCommand)[0]?.args[0].input;
  expect(input).toMatchObject({
    AccountId: '123456789012',
    ConfirmationRequired: false,
    RoleArn: ROLE,
    Priority: 50,
    Operation: { S3PutObjectCopy: { TargetResource: `arn:aws:s3:::${bucket}`, MetadataDirective: 'COPY' } },
    Manifest: { Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key', 'VersionId'] } },
    Report: {
      Bucket: `arn:aws:s3:::${ops}`,
      Prefix: 'reports/restore',
      ReportScope: 'AllTasks',
      Enabled: true,
    },
  });
  const manifestKey = input?.Manifest?.Location?.ObjectArn?.replace(`arn:aws:s3:::${ops}/`, '') as string;
  const head = await s3.send(new HeadObjectCommand({ Bucket: ops, Key: manifestKey }));
  expect(input?.Manifest?.Location?.ETag).toBe(head.ETag?.replace(/"/g, ''));
  expect(await currentContents(s3, bucket)).toEqual(atT);
  const after = new Set(await versionIds(s3, bucket));
  expect(before.filter((id) => !after.has(id))).toEqual([]);
  // The journal records the job, each copy it reported, and its end.
  const lines = readJsonLines(file(`journal-${bucket}.jsonl`));
  expect(lines.filter((l) => l.batchJob === 'job-r1' && l.targetKey)).toHaveLength(6);
  expect(lines).toContainEqual({ batchJobDone: 'job-r1' });

  const again = await runCli(args);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('Nothing to change.');
  expect(control.commandCalls(CreateJobCommand)).toHaveLength(1);
});

test('GIVEN a job with failed tasks THEN they are listed by reason with the fix, exit 1, and a rerun copies only what failed', async () => {
  const { bucket, to, atT } = await scenario('rb-fail');
  control.on(CreateJobCommand).resolvesOnce({ JobId: 'job-f1' }).resolves({ JobId: 'job-f2' });
  control
    .on(DescribeJobCommand)
    .callsFakeOnce(runJobLikeS3('job-f1', ['a+b.txt']))
    .callsFake(async () => {
      // The second job: the manifest of the rerun holds only the key that failed.
      expect(await manifestKeysOfJob(1)).toEqual(['a+b.txt']);
      return runJobLikeS3('job-f2')();
    });
  const args = batchRestoreApplied(bucket, to);

  const first = await runCli(args);

  expect(first.code).toBe(1);
  expect(first.stdout).toContain('report: 5 succeeded, 1 failed');
  expect(first.stdout).toContain('NoSuchVersion: 1 (e.g. "a+b.txt")');
  expect(first.stdout).toContain('fix: the version at T was deleted since the plan');
  expect(first.stdout).toContain('Run the same command again to finish the restore.');

  const second = await runCli(args);
  expect(second.code).toBe(0);
  expect(await currentContents(s3, bucket)).toEqual(atT);
});

test('GIVEN a job an earlier run started and did not see end THEN the next run follows it, journals its copies and plans only what is left', async () => {
  const { bucket, to, atT } = await scenario('rb-pending');
  control.on(CreateJobCommand).resolves({ JobId: 'job-p1' });
  control.on(DescribeJobCommand).resolvesOnce({ Job: { JobId: 'job-p1', Status: 'Active' } });
  const args = batchRestoreApplied(bucket, to);
  // First run: interrupted while the job is Active (Ctrl-C leaves the job running).
  control.on(DescribeJobCommand).callsFake(async () => {
    process.emit('SIGINT');
    return { Job: { JobId: 'job-p1', Status: 'Active' } };
  });
  const first = await runCli(args);
  expect(first.code).toBe(1);
  expect(first.stdout).toContain('The job keeps running in S3: run the same command again to follow it');
  expect(
    readJsonLines(file(`journal-${bucket}.jsonl`)).filter((l) => l.batchJob === 'job-p1' && l.createdAt),
  ).toHaveLength(1);

  control.on(DescribeJobCommand).callsFake(runJobLikeS3('job-p1'));
  const second = await runCli(args);

  expect(second.stderr).toContain('earlier job job-p1: Complete');
  expect(second.stdout).toContain('Nothing to change.');
  expect(second.code).toBe(0);
  expect(control.commandCalls(CreateJobCommand)).toHaveLength(1);
  expect(await currentContents(s3, bucket)).toEqual(atT);
});

describe('the built CLI', () => {
  test('--manifest-only with --yes is a usage error (exit 2, one line)', async () => {
    const result = await runCliProcess([
      'restore',
      '--bucket',
      'b',
      '--to',
      '2024-05-01T12:00:00Z',
      '--manifest-only',
      'm.csv',
      '--yes',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      's3-dr: --manifest-only writes a local file and nothing else: it takes no --yes',
    );
  });

  test('--manifest-only writes the manifest and nothing to S3; --batch plans name the role', async () => {
    const { bucket, to } = await scenario('rb-bin');
    const before = await versionIds(s3, bucket);
    const manifest = file(`bin-${bucket}.csv`);
    const only = await runCliProcess([
      'restore',
      '--bucket',
      bucket,
      '--to',
      to,
      '--manifest-only',
      manifest,
    ]);
    expect(only.code).toBe(0);
    expect(readFileSync(manifest, 'utf8').split('\n').filter(Boolean)).toHaveLength(6);
    expect(readFileSync(manifest, 'utf8')).toContain(`${bucket},dir%2Fsub%2F%C3%BC`);
    const plan = await runCliProcess(batchRestore(bucket, to));
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`as ${ROLE}`);
    expect(await versionIds(s3, bucket)).toEqual(before);
  });
});

test('GIVEN a version larger than a copy job takes WHEN applied as a batch THEN the CLI copies it itself (journaled) and the job gets the rest', async () => {
  const bucket = await createBucket(s3, 'rb-large');
  await put(s3, bucket, 'big.bin', 'B'.repeat(200));
  await put(s3, bucket, 'small.txt', 'small at T');
  const to = await pointInTime();
  await put(s3, bucket, 'big.bin', 'changed');
  await put(s3, bucket, 'small.txt', 'changed');
  control.on(CreateJobCommand).resolves({ JobId: 'job-l1' });
  control.on(DescribeJobCommand).callsFake(runJobLikeS3('job-l1'));
  const journal = await openJournal(file(`journal-${bucket}.jsonl`), true);

  const applied = await applyAsBatch(s3, bucket, to, { journal, maxJobCopyBytes: 100 });
  await journal.close();

  expect(applied).toMatchObject({ copiedHere: 1, copies: 1, deleteMarkers: 0, failed: 0 });
  expect(applied.summary).toMatchObject({ succeeded: 1, failed: 0 });
  expect(await manifestKeysOfJob(0)).toEqual(['small.txt']);
  expect(await currentContents(s3, bucket)).toEqual({
    'big.bin': 'B'.repeat(200),
    'small.txt': 'small at T',
  });
  expect(readJsonLines(file(`journal-${bucket}.jsonl`))).toContainEqual(
    expect.objectContaining({ targetKey: 'big.bin', newVersionId: expect.any(String) }),
  );
});

test('GIVEN a GLACIER version at T and --restore-archived WHEN restoring --batch THEN the CLI sends its RestoreObject itself, not the job, and reports the outcome (exit 1)', async () => {
  const bucket = await createBucket(s3, 'rb-cold');
  await put(s3, bucket, 'cold.bin', 'archived at T', { StorageClass: 'GLACIER' });
  const to = await pointInTime();
  await put(s3, bucket, 'cold.bin', 'after T');

  const result = await runCli([...batchRestoreApplied(bucket, to), '--restore-archived']);

  expect(result.stdout).toContain('archive restores     1');
  // moto 5.2 refuses RestoreObject of this (noncurrent) version with InvalidObjectState; S3 would
  // start it. Either way the request came from the CLI and its outcome is reported.
  expect(result.stdout).toContain('done here: 0 delete markers added, 0 archive restores started, 1 failed');
  expect(result.stdout).toContain('failed "cold.bin": InvalidObjectState');
  expect(result.stdout).toContain('copies: none to make, no job created');
  expect(result.stdout).toContain('Run the same command again to finish the restore.');
  expect(result.code).toBe(1);
  expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
});

test('GIVEN a delete marker S3 refuses WHEN applied as a batch THEN it is counted and listed as failed, and the job still runs the copies', async () => {
  const { bucket, to } = await scenario('rb-refuse');
  control.on(CreateJobCommand).resolves({ JobId: 'job-x1' });
  control.on(DescribeJobCommand).callsFake(runJobLikeS3('job-x1'));
  const refusing = motoS3();
  refusing.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'DeleteObjectCommand')
        throw Object.assign(new Error('Access Denied'), {
          name: 'AccessDenied',
          $metadata: { httpStatusCode: 403 },
        });
      return next(args);
    },
    { step: 'initialize' },
  );

  const applied = await applyAsBatch(refusing, bucket, to);

  expect(applied).toMatchObject({ deleteMarkers: 0, failed: 1, copies: 6 });
  expect(applied.failures).toEqual([
    { key: 'new-after-T.txt', error: expect.stringContaining('new-after-T.txt') },
  ]);
  expect(applied.job?.Status).toBe('Complete');
});

test('GIVEN CreateJob refused WHEN restoring --batch --yes THEN nothing is written to the bucket (no delete marker before the job) and the error says so (exit 2)', async () => {
  const { bucket, to } = await scenario('rb-denied');
  const before = await versionIds(s3, bucket);
  control
    .on(CreateJobCommand)
    .rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
    );

  const result = await runCli([...batchRestoreApplied(bucket, to), '--json']);

  expect(result.code).toBe(2);
  expect(JSON.parse(result.stdout).error).toMatchObject({
    code: 'access-denied',
    message: expect.stringMatching(
      new RegExp(
        `^access denied to Batch Operations job .*; nothing was written to s3://${bucket} \\(the job's manifest is left at s3://${ops}/manifests/restore-${bucket}-[0-9TZ]+-[0-9TZ]+\\.csv\\)$`,
      ),
    ),
  });
  expect(await versionIds(s3, bucket)).toEqual(before);
});

test('GIVEN the job created and the delete marker written WHEN following the job fails THEN it ends as an interruption does, with what was written and to run again; the rerun finishes the restore', async () => {
  const { bucket, to, atT } = await scenario('rb-halfway');
  control.on(CreateJobCommand).resolves({ JobId: 'job-h1' });
  control
    .on(DescribeJobCommand)
    .rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
    );
  const args = batchRestoreApplied(bucket, to);

  const first = await runCli(args);

  expect(first.code).toBe(2);
  expect(first.stdout).toMatch(
    /\nINTERRUPTED: 1 delete marker added, 0 archive restores started, 0 failed\ncopies: job job-h1 created; it keeps running in S3\nThe job keeps running in S3: run the same command again to follow it and finish the restore\.\n$/,
  );
  expect(errorLines(first.stderr).at(-1)).toMatch(/^s3-dr: access denied to Batch Operations job job-h1\b/);
  expect(first.stderr.indexOf('restore: job job-h1 created')).toBeLessThan(
    first.stderr.indexOf('restore: written here'),
  );

  control.on(DescribeJobCommand).callsFake(runJobLikeS3('job-h1'));
  const again = await runCli(args);
  expect(again.code).toBe(0);
  expect(await currentContents(s3, bucket)).toEqual(atT);
  expect(control.commandCalls(CreateJobCommand)).toHaveLength(1);
});

test('GIVEN a plan too large to hold (streamed) WHEN applied as a batch THEN the writes done here wait in a local file until the job exists, and the bucket is in its state at T', async () => {
  const { bucket, to, atT } = await scenario('rb-stream');
  control.on(CreateJobCommand).resolves({ JobId: 'job-s1' });
  control.on(DescribeJobCommand).callsFake(runJobLikeS3('job-s1'));

  const applied = await applyAsBatch(s3, bucket, to, { streamed: true });

  expect(applied).toMatchObject({ deleteMarkers: 1, failed: 0, copies: 6 });
  expect(applied.job?.Status).toBe('Complete');
  expect(await currentContents(s3, bucket)).toEqual(atT);
});

test('GIVEN --batch --yes without a target, ops bucket or role THEN it names the missing --ops-bucket and --role-arn, not a target (exit 2, nothing written)', async () => {
  const { bucket, to } = await scenario('rb-noops');
  const before = await versionIds(s3, bucket);

  const result = await runCli(['restore', '--bucket', bucket, '--to', to, '--batch', '--yes', '--json']);

  expect(result.code).toBe(2);
  expect(JSON.parse(result.stdout).error.message).toBe(
    'no --ops-bucket <bucket> and --role-arn <arn>: a Batch Operations job needs a bucket for its manifest and report and a role to run as; pass --ops-bucket <bucket> and --role-arn <arn>, or --env <suffix> / --outputs <file> of a deployment that names them',
  );
  expect(await versionIds(s3, bucket)).toEqual(before);
});

test('GIVEN --batch --manifest-only without an ops bucket or role THEN the manifest is written (it needs neither)', async () => {
  const { bucket, to } = await scenario('rb-mo');
  const manifest = file(`mo-${bucket}.csv`);

  const result = await runCli([
    'restore',
    '--bucket',
    bucket,
    '--to',
    to,
    '--batch',
    '--manifest-only',
    manifest,
  ]);

  expect(result.code).toBe(0);
  expect(readFileSync(manifest, 'utf8').split('\n').filter(Boolean)).toHaveLength(6);
});

test('GIVEN a job that fails WHEN restoring --batch THEN the summary says why and where its manifest was left', async () => {
  const { bucket, to } = await scenario('rb-jobfail');
  control.on(CreateJobCommand).resolves({ JobId: 'job-f1' });
  control.on(DescribeJobCommand).resolves({
    Job: {
      JobId: 'job-f1',
      Status: 'Failed',
      FailureReasons: [{ FailureCode: 'ManifestAccessDenied', FailureReason: 'Cannot read the manifest' }],
    },
  });

  const result = await runCli(batchRestoreApplied(bucket, to));

  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(
    new RegExp(
      `\\ncopies: job job-f1 Failed: .*\\n  reason: ManifestAccessDenied: Cannot read the manifest\\n  manifest: s3://${ops}/manifests/restore-${bucket}-[0-9TZ]+-[0-9TZ]+\\.csv\\n`,
    ),
  );
});
