import { motoEnv } from '../../../../test/support/moto';
import { PROBE_PREFIX } from '../../src/commands/probe/settings';
import { runCli } from '../support/cli';
import { motoS3In, PRIMARY_REGION, REPLICA_REGION, versionedBucket } from '../support/cross-region';
import { type RecordedRequest, type RecordingProxy, startRecordingProxy } from '../support/recording-proxy';
import { startReplicator } from '../support/replicator';
import { put } from '../support/versioned';

// moto serves every region on one endpoint and does not refuse a request signed for the wrong
// region, so these tests read the region each request was signed for (its SigV4 credential
// scope) through a recording proxy: a request to a bucket signed for another region is what
// real S3 answers with 301 PermanentRedirect.

let proxy: RecordingProxy;
beforeEach(async () => {
  proxy = await startRecordingProxy();
});
afterEach(() => proxy.close());

const env = () => ({ ...motoEnv(), AWS_REGION: PRIMARY_REGION, AWS_ENDPOINT_URL: proxy.endpoint });

/** The requests about `bucket` (path-style: its name is the first path segment). */
function requestsFor(bucket: string): RecordedRequest[] {
  return proxy.requests().filter((r) => new URL(r.url, 'http://proxy').pathname.split('/')[1] === bucket);
}

/** The regions the requests about `bucket` were signed for, but the HeadBucket that finds its region. */
function regionsAfterLocating(bucket: string): Set<string | undefined> {
  return new Set(
    requestsFor(bucket)
      .filter((r) => r.method !== 'HEAD')
      .map((r) => r.region),
  );
}

test('GIVEN a source in us-east-1 and a replica in eu-west-1 WHEN verifying THEN every request about the replica is signed for eu-west-1 and the verdict is OK', async () => {
  const source = await versionedBucket(PRIMARY_REGION, 'xr-src');
  const replica = await versionedBucket(REPLICA_REGION, 'xr-rep');
  await put(source.s3, source.bucket, 'a.txt', 'alpha');
  await put(replica.s3, replica.bucket, 'a.txt', 'alpha');

  const result = await runCli(
    ['--source', source.bucket, '--replica', replica.bucket, 'verify', '--grace', '0'],
    {
      env: env(),
    },
  );

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('OK: the replica holds every key of the source (1 key compared)');
  expect(regionsAfterLocating(replica.bucket)).toEqual(new Set([REPLICA_REGION]));
  expect(regionsAfterLocating(source.bucket)).toEqual(new Set([PRIMARY_REGION]));
});

test('GIVEN S3 answering 301 to a request signed for the wrong region WHEN verifying a pair in two regions THEN HeadBucket follows the region it names and every later request is signed for it', async () => {
  const source = await versionedBucket(PRIMARY_REGION, 'rd-src');
  const replica = await versionedBucket(REPLICA_REGION, 'rd-rep');
  await put(source.s3, source.bucket, 'a.txt', 'alpha');
  await put(replica.s3, replica.bucket, 'a.txt', 'alpha');
  await proxy.close();
  proxy = await startRecordingProxy({
    bucketRegions: { [source.bucket]: PRIMARY_REGION, [replica.bucket]: REPLICA_REGION },
  });

  const result = await runCli(
    ['--source', source.bucket, '--replica', replica.bucket, 'verify', '--grace', '0'],
    {
      env: env(),
    },
  );

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('OK: the replica holds every key of the source (1 key compared)');
  expect(
    requestsFor(replica.bucket)
      .filter((r) => r.method === 'HEAD')
      .map((r) => r.region),
  ).toEqual([PRIMARY_REGION, REPLICA_REGION]);
});

test('GIVEN both buckets in the CLI region WHEN verifying THEN it sends what it always sent: one HeadBucket per bucket, everything signed for that region', async () => {
  const source = await versionedBucket(PRIMARY_REGION, 'sr-src');
  const replica = await versionedBucket(PRIMARY_REGION, 'sr-rep');
  await put(source.s3, source.bucket, 'a.txt', 'alpha');
  await put(replica.s3, replica.bucket, 'a.txt', 'alpha');

  const result = await runCli(
    ['--source', source.bucket, '--replica', replica.bucket, 'verify', '--grace', '0'],
    {
      env: env(),
    },
  );

  expect(result.code).toBe(0);
  expect(proxy.requests().filter((r) => r.method === 'HEAD')).toHaveLength(2);
  expect(new Set(proxy.requests().map((r) => r.region))).toEqual(new Set([PRIMARY_REGION]));
});

test('GIVEN a bucket in us-east-1 WHEN restoring it into a target bucket in eu-west-1 THEN the copies and the target listing are signed for eu-west-1', async () => {
  const source = await versionedBucket(PRIMARY_REGION, 'xr-rs');
  const target = await versionedBucket(REPLICA_REGION, 'xr-rt');
  await put(source.s3, source.bucket, 'doc.txt', 'version 1');
  await new Promise((r) => setTimeout(r, 1100));
  const t = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 1100));
  await put(source.s3, source.bucket, 'doc.txt', 'version 2');

  const result = await runCli(
    [
      'restore',
      '--bucket',
      source.bucket,
      '--to',
      t,
      '--target-bucket',
      target.bucket,
      '--yes',
      '--journal',
      `${target.bucket}.jsonl`,
    ],
    { env: env() },
  );

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('done: 1 copied');
  const copies = requestsFor(target.bucket).filter((r) => r.method === 'PUT');
  expect(copies).toHaveLength(1);
  expect(regionsAfterLocating(target.bucket)).toEqual(new Set([REPLICA_REGION]));
  expect(regionsAfterLocating(source.bucket)).toEqual(new Set([PRIMARY_REGION]));
});

test('GIVEN a replica in eu-west-1 WHEN probing THEN the probes are written in us-east-1 and looked for and cleaned up in eu-west-1', async () => {
  const source = await versionedBucket(PRIMARY_REGION, 'xr-ps');
  const replica = await versionedBucket(REPLICA_REGION, 'xr-pr');
  const s3 = motoS3In(PRIMARY_REGION);
  const { PutBucketReplicationCommand } = await import('@aws-sdk/client-s3');
  await s3.send(
    new PutBucketReplicationCommand({
      Bucket: source.bucket,
      ReplicationConfiguration: {
        Role: 'arn:aws:iam::123456789012:role/replication',
        Rules: [
          {
            ID: 'all',
            Status: 'Enabled',
            Priority: 1,
            Filter: { Prefix: '' },
            DeleteMarkerReplication: { Status: 'Enabled' },
            Destination: { Bucket: `arn:aws:s3:::${replica.bucket}` },
          },
        ],
      },
    }),
  );
  const replicator = startReplicator(s3, source.bucket, replica.bucket, PROBE_PREFIX);
  try {
    const result = await runCli(
      [
        '--source',
        source.bucket,
        '--replica',
        replica.bucket,
        'probe',
        '--count',
        '2',
        '--poll-interval',
        '100ms',
        '--timeout',
        '30s',
      ],
      { env: env() },
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2 probes: 2 arrived');
  } finally {
    await replicator.stop();
  }
  expect(regionsAfterLocating(replica.bucket)).toEqual(new Set([REPLICA_REGION]));
  expect(requestsFor(replica.bucket).filter((r) => r.method === 'DELETE')).toHaveLength(2);
  expect(regionsAfterLocating(source.bucket)).toEqual(new Set([PRIMARY_REGION]));
});
