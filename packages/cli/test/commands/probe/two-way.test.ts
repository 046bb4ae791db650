import {
  CreateBucketCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import { motoEnv, uniqueBucket } from '../../../../../test/support/moto';
import type { ProbeReport } from '../../../src/commands/probe/probe';
import { PROBE_PREFIX } from '../../../src/commands/probe/settings';
import { runCli } from '../../support/cli';
import { motoS3In, PRIMARY_REGION, REPLICA_REGION } from '../../support/cross-region';
import { startReplicator } from '../../support/replicator';

// A two-way pair in two regions: each bucket has a rule to the other (moto stores the rules but
// does not replicate; a test replicator per direction stands in for S3's).

async function bucket(region: string, prefix: string): Promise<string> {
  const s3 = motoS3In(region);
  const name = uniqueBucket(prefix);
  await s3.send(
    new CreateBucketCommand({
      Bucket: name,
      ...(region === PRIMARY_REGION
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as 'eu-west-1' } }),
    }),
  );
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  return name;
}

async function ruleTo(region: string, from: string, to: string): Promise<void> {
  await motoS3In(region).send(
    new PutBucketReplicationCommand({
      Bucket: from,
      ReplicationConfiguration: {
        Role: 'arn:aws:iam::123456789012:role/replication',
        Rules: [
          {
            ID: `to-${to}`,
            Status: 'Enabled',
            Priority: 1,
            Filter: { Prefix: '' },
            DeleteMarkerReplication: { Status: 'Enabled' },
            Destination: { Bucket: `arn:aws:s3:::${to}` },
          },
        ],
      },
    }),
  );
}

const probe = (source: string, replica: string, ...extra: string[]) =>
  runCli(
    [
      '--source',
      source,
      '--replica',
      replica,
      ...extra,
      'probe',
      '--count',
      '2',
      '--poll-interval',
      '100ms',
      '--timeout',
      '30s',
    ],
    {
      env: motoEnv(),
    },
  );

test('GIVEN a rule back from the replica to the source WHEN probing THEN it measures both directions', async () => {
  const source = await bucket(PRIMARY_REGION, 'tw-src');
  const replica = await bucket(REPLICA_REGION, 'tw-rep');
  await ruleTo(PRIMARY_REGION, source, replica);
  await ruleTo(REPLICA_REGION, replica, source);
  const forward = startReplicator(motoS3In(PRIMARY_REGION), source, replica, PROBE_PREFIX);
  const back = startReplicator(motoS3In(PRIMARY_REGION), replica, source, PROBE_PREFIX);
  let result: Awaited<ReturnType<typeof probe>>;
  try {
    result = await probe(source, replica, '--json');
  } finally {
    await Promise.all([forward.stop(), back.stop()]);
  }

  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout) as ProbeReport & { reverse: ProbeReport };
  expect(report).toMatchObject({ source, replica, arrived: 2 });
  expect(report.reverse).toMatchObject({ source: replica, replica: source, arrived: 2 });
  expect(result.stderr).toContain(`writing 2 probes to s3://${replica}/${PROBE_PREFIX}`);
});

test('GIVEN a one-way pair WHEN probing THEN only the forward direction is measured', async () => {
  const source = await bucket(PRIMARY_REGION, 'ow-src');
  const replica = await bucket(REPLICA_REGION, 'ow-rep');
  await ruleTo(PRIMARY_REGION, source, replica);
  const forward = startReplicator(motoS3In(PRIMARY_REGION), source, replica, PROBE_PREFIX);
  let result: Awaited<ReturnType<typeof probe>>;
  try {
    result = await probe(source, replica);
  } finally {
    await forward.stop();
  }

  expect(result.code).toBe(0);
  expect(result.stdout.match(/^s3-dr probe: /gm)).toHaveLength(1);
  expect(result.stderr).not.toContain(`writing 2 probes to s3://${replica}/`);
});

test('GIVEN a rule back that the probes never travel WHEN probing THEN the reverse direction fails the run', async () => {
  const source = await bucket(PRIMARY_REGION, 'tf-src');
  const replica = await bucket(REPLICA_REGION, 'tf-rep');
  await ruleTo(PRIMARY_REGION, source, replica);
  await ruleTo(REPLICA_REGION, replica, source);
  const forward = startReplicator(motoS3In(PRIMARY_REGION), source, replica, PROBE_PREFIX);
  let result: Awaited<ReturnType<typeof runCli>>;
  try {
    result = await runCli(
      [
        '--source',
        source,
        '--replica',
        replica,
        'probe',
        '--count',
        '1',
        '--poll-interval',
        '100ms',
        '--timeout',
        '2s',
      ],
      { env: motoEnv() },
    );
  } finally {
    await forward.stop();
  }

  expect(result.code).toBe(1);
  expect(result.stdout).toContain('1 probe: 1 arrived, 0 did not');
  expect(result.stdout).toContain('1 probe: 0 arrived, 1 did not (gave up after 2s)');
});
