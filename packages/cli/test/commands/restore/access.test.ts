import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { type MotoServer, startMotoServer } from '../../../../../test/support/moto-server';
import { errorLines, runCli } from '../../support/cli';

// Access denied needs moto's IAM enforcement, which is server-wide (POST /moto-api/reset-auth):
// this file starts its own moto_server so that the shared one stays permissive. moto 5.2 does not
// check ListObjectVersions against IAM, but it does GetBucketVersioning, restore's first request.

let moto: MotoServer;
let endpoint: string;
let credentials: { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string };
const bucket = 'denied-bucket';

beforeAll(async () => {
  moto = await startMotoServer();
  endpoint = moto.endpoint;
  // The next 4 requests run as root; every later one is checked against IAM.
  await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: '4' });
  const root = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const s3 = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: root });
  const iam = new IAMClient({ region: 'us-east-1', endpoint, credentials: root });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  await iam.send(new CreateUserCommand({ UserName: 'no-permissions' }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'no-permissions' }));
  credentials = {
    AWS_ACCESS_KEY_ID: key.AccessKey?.AccessKeyId ?? '',
    AWS_SECRET_ACCESS_KEY: key.AccessKey?.SecretAccessKey ?? '',
  };
}, 30_000);

afterAll(async () => {
  await moto?.stop();
});

test('GIVEN credentials without S3 permissions WHEN restoring THEN it exits 2 with one access-denied line', async () => {
  const env = { ...credentials, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: endpoint };

  const result = await runCli(['restore', '--bucket', bucket, '--to', '2024-05-01T12:00:00Z'], { env });

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    `s3-dr: access denied to bucket ${bucket}: the caller needs read access (and write access for restore/probe) to it`,
  ]);
});
