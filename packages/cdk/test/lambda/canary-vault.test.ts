import type { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { motoEnv } from '../../../../test/support/moto';
import {
  assumedRoleCredentials,
  type CanaryConfig,
  canaryConfigFromEnv,
  handler,
  runCanary,
} from '../../lambda/canary';
import {
  createLockedBucket,
  createVersionedBucket,
  motoS3,
  motoS3WithObjectRetention,
  replicate,
} from './s3-fixture';

// The canary of a vault (a replica in another account) reads the replica through a role of the vault,
// assumed with STS. moto keeps no two accounts apart here, so the routing is asserted by which client
// each request goes through; STS is mocked at the SDK client (AssumeRole: RoleArn, RoleSessionName;
// Credentials of AccessKeyId, SecretAccessKey, SessionToken, Expiration).

const PREFIX = '_s3-dr/canary/';
const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const ROLE = 'arn:aws:iam::222222222222:role/s3-dr-vault-canary-dev';

/** A moto client that notes `<command> <bucket>` of every request it sends. */
function recordingS3(requests: string[], client: S3Client = motoS3()): S3Client {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      requests.push(`${context.commandName} ${(args.input as { Bucket: string }).Bucket}`);
      return next(args);
    },
    { step: 'initialize', priority: 'high' },
  );
  return client;
}

const s3 = motoS3();
let config: CanaryConfig;

beforeEach(async () => {
  config = {
    primaryBucket: await createVersionedBucket(s3, 'vault-canary-primary'),
    replicaBucket: await createLockedBucket(s3, 'vault-canary-replica', { mode: 'GOVERNANCE', days: 1 }),
    prefix: PREFIX,
    waitSeconds: 0,
    replicaObjectLock: true,
  };
});

describe('runCanary with a client of its own for the replica', () => {
  it('GIVEN a replicated probe WHEN the canary runs THEN every request to the replica goes through the replica client and none to the primary', async () => {
    const primaryRequests: string[] = [];
    const replicaRequests: string[] = [];
    const deps = (at: number) => ({
      s3: recordingS3(primaryRequests),
      // moto's own GetObjectRetention answer does not parse: the fixture answers it from HeadObject.
      replicaS3: recordingS3(replicaRequests, motoS3WithObjectRetention()),
      now: () => at,
      sleep: async () => {},
      log: () => {},
    });
    await runCanary(config, deps(T0));
    await replicate(s3, config.primaryBucket, config.replicaBucket, PREFIX);

    const summary = await runCanary(config, deps(T0 + 60_000));

    expect(summary.completed).toBe(1);
    expect(primaryRequests.filter((r) => r.endsWith(config.replicaBucket))).toEqual([]);
    expect(replicaRequests.filter((r) => !r.endsWith(config.replicaBucket))).toEqual([]);
    expect(new Set(replicaRequests.map((r) => r.split(' ')[0]))).toEqual(
      new Set(['ListObjectsV2Command', 'GetObjectCommand', 'GetObjectRetentionCommand']),
    );
  });
});

describe('canaryConfigFromEnv with REPLICA_ROLE_ARN', () => {
  it('GIVEN a role ARN WHEN read THEN the canary reads the replica as that role', () => {
    expect(
      canaryConfigFromEnv({ PRIMARY_BUCKET: 'p', REPLICA_BUCKET: 'r', REPLICA_ROLE_ARN: ROLE }),
    ).toMatchObject({
      replicaRoleArn: ROLE,
    });
  });

  it('GIVEN something else than a role ARN WHEN read THEN it is rejected', () => {
    expect(() =>
      canaryConfigFromEnv({ PRIMARY_BUCKET: 'p', REPLICA_BUCKET: 'r', REPLICA_ROLE_ARN: '222222222222' }),
    ).toThrow(
      new Error("Invalid canary configuration: REPLICA_ROLE_ARN must be an IAM role ARN, got '222222222222'"),
    );
  });
});

const sts = mockClient(STSClient);
afterEach(() => sts.reset());

describe('assumedRoleCredentials', () => {
  const answer = (expiration: number) => ({
    Credentials: {
      AccessKeyId: 'ASIAEXAMPLE',
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(expiration),
    },
  });

  it('GIVEN a role WHEN credentials are asked for THEN it assumes that role with a session name of its own', async () => {
    sts.on(AssumeRoleCommand).resolves(answer(T0 + 3_600_000));

    const credentials = await assumedRoleCredentials(new STSClient({}), ROLE, () => T0)();

    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: ROLE, RoleSessionName: 's3-dr-canary' },
    ]);
    expect(credentials).toMatchObject({ accessKeyId: 'ASIAEXAMPLE', sessionToken: 'token' });
  });

  it('GIVEN credentials valid for another hour WHEN asked again THEN it does not assume the role again', async () => {
    sts.on(AssumeRoleCommand).resolves(answer(T0 + 3_600_000));
    const provider = assumedRoleCredentials(new STSClient({}), ROLE, () => T0);

    await provider();
    await provider();

    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('GIVEN credentials expiring in less than five minutes WHEN asked again THEN it assumes the role again', async () => {
    sts.on(AssumeRoleCommand).resolves(answer(T0 + 4 * 60_000));
    const provider = assumedRoleCredentials(new STSClient({}), ROLE, () => T0);

    await provider();
    await provider();

    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });
});

describe('handler with REPLICA_ROLE_ARN', () => {
  const savedEnv = process.env;

  afterEach(() => {
    process.env = savedEnv;
    jest.restoreAllMocks();
  });

  it('GIVEN the role of a vault WHEN invoked THEN it assumes that role to read the replica', async () => {
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAEXAMPLE',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    process.env = {
      ...savedEnv,
      ...motoEnv(),
      PRIMARY_BUCKET: config.primaryBucket,
      REPLICA_BUCKET: config.replicaBucket,
      CANARY_WAIT_SECONDS: '0',
      REPLICA_ROLE_ARN: ROLE,
    };
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    // An earlier run's probe, replicated: this run reads the replica to measure it.
    const noop = async () => {};
    await runCanary(
      { ...config, replicaObjectLock: false },
      { s3, now: () => Date.now() - 60_000, sleep: noop, log: noop },
    );
    await replicate(s3, config.primaryBucket, config.replicaBucket, PREFIX);

    await handler();

    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([ROLE]);
  });
});
