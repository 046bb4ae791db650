import { CreateRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { PutBucketVersioningCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { motoEndpoint, useMotoEnv } from '../../../../../test/support/moto';
import { runAudit } from '../../../src/commands/status/audit';
import { batchRoleCheck, opsBucketCheck } from '../../../src/commands/status/checks/batch';
import { createClients } from '../../../src/shared/aws';
import type { Target } from '../../../src/shared/target';
import { buildPair, type DrPair, motoClients } from '../../support/dr-pair';

// The status checks of the Batch Operations role and the ops bucket, against moto.

useMotoEnv();

const checks = [batchRoleCheck(), opsBucketCheck()];
const cli = () => createClients({ endpointUrl: motoEndpoint(), region: 'us-east-1' });
function targetOf(pair: DrPair, extra: Partial<Target> = {}): Target {
  return {
    source: pair.names.primaryBucket,
    replica: pair.names.replicaBucket,
    origin: 'naming',
    suffix: pair.suffix,
    ...extra,
  };
}

test('GIVEN the role and ops bucket the stack builds WHEN audited THEN both pass', async () => {
  const pair = await buildPair(motoClients());
  const report = await runAudit(cli(), targetOf(pair), { checks });
  expect(report.checks).toEqual([
    {
      id: 'batch.role',
      status: 'PASS',
      message: `Batch Operations role arn:aws:iam::123456789012:role/${pair.names.batchRole} exists and trusts batchoperations.s3.amazonaws.com`,
    },
    {
      id: 'batch.opsBucket',
      status: 'PASS',
      message: `ops bucket ${pair.names.opsBucket} exists, is versioned and blocks all public access`,
    },
  ]);
});

test('GIVEN a role that does not trust Batch Operations THEN FAIL with the trust policy to put', async () => {
  const pair = await buildPair(motoClients());
  await motoClients().iam.send(
    new UpdateAssumeRolePolicyCommand({
      RoleName: pair.names.batchRole,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  const [role] = (await runAudit(cli(), targetOf(pair), { checks: [batchRoleCheck()] })).checks;
  expect(role).toMatchObject({
    status: 'FAIL',
    message: expect.stringContaining('does not trust batchoperations.s3.amazonaws.com'),
  });
  expect(role?.fix).toContain(`aws iam update-assume-role-policy --role-name ${pair.names.batchRole}`);
});

test('GIVEN an ops bucket that is not versioned or not blocked THEN FAIL with the command that fixes it', async () => {
  const pair = await buildPair(motoClients());
  const { s3 } = motoClients();
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: pair.names.opsBucket,
      VersioningConfiguration: { Status: 'Suspended' },
    }),
  );
  const [unversioned] = (await runAudit(cli(), targetOf(pair), { checks: [opsBucketCheck()] })).checks;
  expect(unversioned).toMatchObject({
    status: 'FAIL',
    message: `ops bucket ${pair.names.opsBucket} is not versioned: a manifest or report could be overwritten unseen`,
  });

  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: pair.names.opsBucket,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: pair.names.opsBucket,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: true,
      },
    }),
  );
  const [open] = (await runAudit(cli(), targetOf(pair), { checks: [opsBucketCheck()] })).checks;
  expect(open).toMatchObject({
    status: 'FAIL',
    message: expect.stringContaining('does not block all public access'),
  });
  expect(open?.fix).toContain(`aws s3api put-public-access-block --bucket ${pair.names.opsBucket}`);
});

test('GIVEN a deployment from before the ops bucket and role THEN both WARN that backfill and restore --batch need them, with the fix', async () => {
  const target: Target = {
    source: 'primary-bucket-old-123456789012',
    replica: 'replica-bucket-old-123456789012',
    origin: 'naming',
    suffix: 'old',
  };
  const report = await runAudit(cli(), target, { checks });
  expect(report.checks.map((c) => [c.id, c.status, c.fix])).toEqual([
    ['batch.role', 'WARN', 'redeploy the stack (npx cdk deploy): it creates the role and the ops bucket'],
    [
      'batch.opsBucket',
      'WARN',
      'redeploy the stack (npx cdk deploy): it creates the ops bucket and the Batch Operations role',
    ],
  ]);
});

test('GIVEN a pair s3-dr did not deploy THEN neither check applies', async () => {
  const report = await runAudit(cli(), { source: 'mine', replica: 'theirs', origin: 'explicit' }, { checks });
  expect(report.checks).toEqual([]);
});

test('GIVEN outputs naming another role THEN that role is checked', async () => {
  const pair = await buildPair(motoClients());
  await motoClients().iam.send(
    new CreateRoleCommand({
      RoleName: `custom-batch-${pair.suffix}`,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'batchoperations.s3.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    }),
  );
  const target = targetOf(pair, {
    batchRoleArn: `arn:aws:iam::123456789012:role/custom-batch-${pair.suffix}`,
  });
  const [role] = (await runAudit(cli(), target, { checks: [batchRoleCheck()] })).checks;
  expect(role?.message).toContain(`custom-batch-${pair.suffix} exists`);
});
