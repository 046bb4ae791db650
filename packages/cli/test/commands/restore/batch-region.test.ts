import type { S3Client } from '@aws-sdk/client-s3';
import { CreateJobCommand, DescribeJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { motoEnv } from '../../../../../test/support/moto';
import { cliWorkDir, errorLines, runCli } from '../../support/cli';
import { PRIMARY_REGION, REPLICA_REGION, regionsOfCalls, versionedBucket } from '../../support/cross-region';
import { type RecordingProxy, startRecordingProxy } from '../../support/recording-proxy';
import { listAll, pointInTime, put } from '../../support/versioned';

// Where restore --batch runs its job: "You must create your Batch Operations Copy jobs in the
// destination Region" (batch-ops-copy-object.html), whatever --region says. S3 on moto behind a
// proxy that refuses a request signed for another region than its bucket's (as S3 does); S3
// Control mocked, its calls checked for the region of the client that sent them.

const ROLE = 'arn:aws:iam::123456789012:role/s3-dr-batch-role-t';
const control = mockClient(S3ControlClient);
beforeEach(() => control.reset());

/** Puts one key, then changes it after the point in time it returns. */
async function changedAfterT(s3: S3Client, bucket: string): Promise<string> {
  await put(s3, bucket, 'doc', 'at T');
  const to = await pointInTime();
  await put(s3, bucket, 'doc', 'after T');
  return to;
}

/** A restore --batch --yes of `restored` to `to` with the ops bucket `ops`, through a proxy. */
async function restoreBatch(
  to: string,
  restored: { bucket: string; region: string },
  ops: { bucket: string; region: string },
  cliRegion: string,
) {
  const proxy: RecordingProxy = await startRecordingProxy({
    bucketRegions: { [restored.bucket]: restored.region, [ops.bucket]: ops.region },
  });
  control.on(CreateJobCommand).resolves({ JobId: 'job-region' });
  control.on(DescribeJobCommand).resolves({
    Job: { JobId: 'job-region', Status: 'Complete', ProgressSummary: { TotalNumberOfTasks: 1 } },
  });
  try {
    return await runCli(
      [
        '--region',
        cliRegion,
        'restore',
        '--bucket',
        restored.bucket,
        '--to',
        to,
        '--batch',
        '--ops-bucket',
        ops.bucket,
        '--role-arn',
        ROLE,
        '--journal',
        `${cliWorkDir()}/journal-${restored.bucket}.jsonl`,
        '--poll-interval',
        '1s',
        '--yes',
      ],
      { env: { ...motoEnv(), AWS_ENDPOINT_URL: proxy.endpoint } },
    );
  } finally {
    await proxy.close();
  }
}

test('GIVEN a restore --batch into the replica in another region, and --region naming the primary region WHEN applied THEN the job is created and followed in the replica region, and the plan says where the ops bucket is', async () => {
  const replica = await versionedBucket(REPLICA_REGION, 'rbr-rep');
  const ops = await versionedBucket(PRIMARY_REGION, 'rbr-ops');
  const to = await changedAfterT(replica.s3, replica.bucket);

  const result = await restoreBatch(
    to,
    { bucket: replica.bucket, region: REPLICA_REGION },
    { bucket: ops.bucket, region: PRIMARY_REGION },
    PRIMARY_REGION,
  );

  expect(await regionsOfCalls(control.commandCalls(CreateJobCommand))).toEqual([REPLICA_REGION]);
  expect(new Set(await regionsOfCalls(control.commandCalls(DescribeJobCommand)))).toEqual(
    new Set([REPLICA_REGION]),
  );
  expect(result.stdout).toContain(
    `batch: the copies run as one S3 Batch Operations job (S3PutObjectCopy) in ${REPLICA_REGION}, the region of s3://${replica.bucket}, as ${ROLE}; manifest and report in s3://${ops.bucket}/ (${PRIMARY_REGION})`,
  );
  expect(result.stdout).toContain(
    `batch: the ops bucket is in ${PRIMARY_REGION}, the job in ${REPLICA_REGION}; AWS documents no region rule for a copy job's manifest and report, so the job will tell: should it fail on them, run again with --ops-bucket <a bucket in ${REPLICA_REGION}>`,
  );
  // The manifest was written to the ops bucket, in its own region.
  expect((await listAll(ops.s3, ops.bucket)).map((e) => e.key)).toEqual([
    expect.stringMatching(new RegExp(`^manifests/restore-${replica.bucket}-`)),
  ]);
});

test('GIVEN the primary and --region naming the replica region (as after a failover) WHEN restore --batch applies THEN the job runs in the primary region', async () => {
  const primary = await versionedBucket(PRIMARY_REGION, 'rbr-pri');
  const ops = await versionedBucket(PRIMARY_REGION, 'rbr-ops');
  const to = await changedAfterT(primary.s3, primary.bucket);

  const result = await restoreBatch(
    to,
    { bucket: primary.bucket, region: PRIMARY_REGION },
    { bucket: ops.bucket, region: PRIMARY_REGION },
    REPLICA_REGION,
  );

  expect(await regionsOfCalls(control.commandCalls(CreateJobCommand))).toEqual([PRIMARY_REGION]);
  expect(result.stdout).not.toContain('the ops bucket is in');
});

test('GIVEN an ops bucket that does not exist WHEN restore --batch only plans (no --yes) THEN the plan stops with one line naming it (exit 2)', async () => {
  const primary = await versionedBucket(PRIMARY_REGION, 'rbr-noops');
  await put(primary.s3, primary.bucket, 'doc', 'at T');
  const to = await pointInTime();

  const result = await runCli([
    'restore',
    '--bucket',
    primary.bucket,
    '--to',
    to,
    '--batch',
    '--ops-bucket',
    'rbr-no-such-ops',
    '--role-arn',
    ROLE,
  ]);

  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(errorLines(result.stderr)).toEqual([
    's3-dr: ops bucket rbr-no-such-ops does not exist: check the bucket name, --env or --region',
  ]);
});
