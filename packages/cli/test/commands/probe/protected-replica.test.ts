import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  PutBucketPolicyCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { type MotoServer, startMotoServer } from '../../../../../test/support/moto-server';
import { runCli } from '../../support/cli';

// A replica protected as the stack deploys it denies object writes, delete markers included, to
// all but the replication role. The probe's clean-up must not need them. moto enforces bucket
// policies only with its IAM checks on, which are server-wide: this file starts its own server.

let moto: MotoServer;
let env: Record<string, string>;

const source = 'probe-protected-src';
const replica = 'probe-protected-dst';

beforeAll(async () => {
  moto = await startMotoServer();
  const { endpoint } = moto;
  // The 9 set-up requests below run as root; every later one is checked against IAM and policies.
  await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: '9' });
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const root = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });
  const iam = new IAMClient({ region: 'us-east-1', endpoint, credentials });
  for (const bucket of [source, replica]) {
    await root.send(new CreateBucketCommand({ Bucket: bucket }));
    await root.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  }
  await root.send(
    new PutBucketReplicationCommand({
      Bucket: source,
      ReplicationConfiguration: {
        Role: 'arn:aws:iam::123456789012:role/replication',
        Rules: [
          {
            ID: 'all',
            Status: 'Enabled',
            Priority: 1,
            Filter: { Prefix: '' },
            DeleteMarkerReplication: { Status: 'Enabled' },
            Destination: { Bucket: `arn:aws:s3:::${replica}` },
          },
        ],
      },
    }),
  );
  await root.send(
    new PutBucketPolicyCommand({
      Bucket: replica,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyObjectWritesExceptReplication',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: ['s3:PutObject', 's3:DeleteObject'],
            Resource: `arn:aws:s3:::${replica}/*`,
            Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/replication'] } },
          },
        ],
      }),
    }),
  );
  await iam.send(new CreateUserCommand({ UserName: 'operator' }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'operator',
      PolicyName: 's3',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
      }),
    }),
  );
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'operator' }));
  env = {
    AWS_ACCESS_KEY_ID: key.AccessKey?.AccessKeyId ?? '',
    AWS_SECRET_ACCESS_KEY: key.AccessKey?.SecretAccessKey ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: endpoint,
  };
}, 30_000);

afterAll(async () => {
  await moto?.stop();
});

test('GIVEN a replica that denies delete markers WHEN probed THEN the clean-up marks the source only, says why, and reports no failure', async () => {
  const result = await runCli(
    [
      'probe',
      '--source',
      source,
      '--replica',
      replica,
      '--count',
      '2',
      '--timeout',
      '2s',
      '--poll-interval',
      '200ms',
    ],
    { env },
  );

  expect(result.stdout).toContain('clean-up: 2 delete markers written');
  expect(result.stdout).toContain(
    "clean-up: the replica refused 2 delete markers (access denied, as a protected replica does): the source's delete markers replicate to it, and the lifecycle rule for _s3-dr/ expires the probes",
  );
  expect(result.stdout).not.toContain('clean-up failed');
  // The 2 delete markers S3 confirmed are the source's: the replica refused both of its own.
  expect(result.stdout).toContain('2 probes: 0 arrived, 2 did not');
});
