import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateJobCommand, DescribeJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { motoEnv } from '../../../../../test/support/moto';
import { cliWorkDir, errorLines, runCli } from '../../support/cli';
import {
  motoS3In,
  PRIMARY_REGION,
  REPLICA_REGION,
  regionsOfCalls,
  versionedBucket,
} from '../../support/cross-region';
import { putRule } from '../../support/dr-pair';
import { type RecordingProxy, startRecordingProxy } from '../../support/recording-proxy';

// Where backfill runs its Batch Replication job: in the source bucket's region, whatever --region
// says; a generated manifest "must be stored in the same AWS Region as the source bucket"
// (s3-batch-replication-batch.html). S3 on moto behind a proxy that refuses a request signed for
// another region than its bucket's; S3 Control mocked, checked for the region of each call.

const ROLE = 'arn:aws:iam::123456789012:role/s3-dr-batch-role-t';
const control = mockClient(S3ControlClient);
beforeEach(() => control.reset());

let source: string;
let replica: string;
let opsHere: string;
let opsAway: string;
let proxy: RecordingProxy;
beforeAll(async () => {
  source = (await versionedBucket(PRIMARY_REGION, 'bfg-src')).bucket;
  replica = (await versionedBucket(REPLICA_REGION, 'bfg-rep')).bucket;
  opsHere = (await versionedBucket(PRIMARY_REGION, 'bfg-ops')).bucket;
  opsAway = (await versionedBucket(REPLICA_REGION, 'bfg-ops')).bucket;
  await putRule(motoS3In(PRIMARY_REGION), source, 'arn:aws:iam::123456789012:role/replication', {
    ID: 'all',
    Status: 'Enabled',
    Priority: 1,
    Filter: { Prefix: '' },
    DeleteMarkerReplication: { Status: 'Enabled' },
    Destination: { Bucket: `arn:aws:s3:::${replica}` },
  });
  proxy = await startRecordingProxy({
    bucketRegions: {
      [source]: PRIMARY_REGION,
      [replica]: REPLICA_REGION,
      [opsHere]: PRIMARY_REGION,
      [opsAway]: REPLICA_REGION,
    },
  });
});
afterAll(() => proxy.close());

/** backfill of the pair with --region naming the replica's region, as the failover runbook has it. */
function backfill(ops: string, ...extra: string[]) {
  return runCli(
    [
      '--region',
      REPLICA_REGION,
      '--source',
      source,
      '--replica',
      replica,
      'backfill',
      '--ops-bucket',
      ops,
      '--role-arn',
      ROLE,
      ...extra,
    ],
    { env: { ...motoEnv(), AWS_ENDPOINT_URL: proxy.endpoint } },
  );
}

test('GIVEN --region naming the replica region WHEN backfill --yes creates the job THEN it is created in the source bucket region, as the plan says', async () => {
  control.on(CreateJobCommand).resolves({ JobId: 'job-src' });

  const result = await backfill(opsHere, '--yes');

  expect(result.code).toBe(0);
  expect(await regionsOfCalls(control.commandCalls(CreateJobCommand))).toEqual([PRIMARY_REGION]);
  expect(result.stdout).toContain(
    `  runs      in ${PRIMARY_REGION} (the source bucket's region), at once (no confirmation step), priority 50`,
  );
});

test('GIVEN --region naming the replica region WHEN backfill --job shows a job THEN DescribeJob asks the source bucket region, where the job is', async () => {
  control
    .on(DescribeJobCommand)
    .resolves({ Job: { JobId: 'job-src', Status: 'Active', ProgressSummary: { TotalNumberOfTasks: 3 } } });

  const result = await backfill(opsHere, '--job', 'job-src');

  expect(result.stdout).toContain('job job-src: Active');
  expect(await regionsOfCalls(control.commandCalls(DescribeJobCommand))).toEqual([PRIMARY_REGION]);
});

test('GIVEN an ops bucket in another region than the source WHEN backfill plans a job with a generated manifest THEN it refuses with one line before creating anything (exit 2)', async () => {
  const result = await backfill(opsAway);

  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(errorLines(result.stderr)).toEqual([
    `s3-dr: ops bucket ${opsAway} is in ${REPLICA_REGION}, but S3 writes the manifest it generates only to a bucket in the source bucket's region (${PRIMARY_REGION}): pass --ops-bucket <a bucket in ${PRIMARY_REGION}>`,
  ]);
  expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
});

test('GIVEN an ops bucket in another region than the source WHEN backfill plans a job from a verify report THEN the plan says the region rule is not documented and what to do should the job fail', async () => {
  const report = join(cliWorkDir(), `bfg-${source}.jsonl`);
  writeFileSync(
    report,
    `${JSON.stringify({ kind: 'missing', key: 'a.txt', detail: 'x', source: { versionId: 'v1', deleteMarker: false, lastModified: 't' } })}\n`,
  );

  const result = await backfill(opsAway, '--from-report', report);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain(
    `  note      the ops bucket is in ${REPLICA_REGION}: AWS documents no region rule for a job's CSV manifest and report, so the job will tell; should it fail on them, run again with --ops-bucket <a bucket in ${PRIMARY_REGION}>`,
  );
});
