import { DeleteRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { motoEndpoint, useMotoEnv } from '../../../../../test/support/moto';
import { runAudit } from '../../../src/commands/status/audit';
import { drillCheck } from '../../../src/commands/status/checks/drill';
import { createClients } from '../../../src/shared/aws';
import type { Target } from '../../../src/shared/target';
import { buildPair, type DrPair, motoClients } from '../../support/dr-pair';

// The status check that says whether `s3-dr drill` can run its fault stage, against moto's IAM.

useMotoEnv();

const cli = () => createClients({ endpointUrl: motoEndpoint(), region: 'us-east-1' });
function targetOf(pair: DrPair, extra: Partial<Target> = {}): Target {
  return {
    source: pair.names.primaryBucket,
    replica: pair.names.replicaBucket,
    origin: 'stack',
    suffix: pair.suffix,
    ...extra,
  };
}

// buildPair deploys the drill's role as the stack does with drill=true.
async function trustDrillRole(pair: DrPair, service: string): Promise<void> {
  await motoClients().iam.send(
    new UpdateAssumeRolePolicyCommand({
      RoleName: pair.names.drillRole,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
}

async function drillOutcome(target: Target) {
  const [outcome] = (await runAudit(cli(), target, { checks: [drillCheck()] })).checks;
  return outcome;
}

test('GIVEN a deployment without drill=true THEN WARN that only the fault stage cannot run, and how to add it', async () => {
  const pair = await buildPair(motoClients());
  await motoClients().iam.send(new DeleteRoleCommand({ RoleName: pair.names.drillRole }));
  expect(await drillOutcome(targetOf(pair))).toMatchObject({
    id: 'drill.fault',
    status: 'WARN',
    message: expect.stringContaining('s3-dr drill can run every stage but fault (--skip fault)'),
    fix: expect.stringContaining('-c drill=true'),
  });
});

test('GIVEN the template output and a role trusted by FIS THEN PASS naming the template and role', async () => {
  const pair = await buildPair(motoClients());
  expect(await drillOutcome(targetOf(pair, { drillExperimentTemplateId: 'EXT1a2b3c' }))).toEqual({
    id: 'drill.fault',
    status: 'PASS',
    message: `drillable: experiment template EXT1a2b3c (${pair.names.drillExperimentTemplate}) pauses replication as role ${pair.names.drillRole}, trusted by fis.amazonaws.com`,
  });
});

test('GIVEN a drill role that does not trust FIS THEN FAIL', async () => {
  const pair = await buildPair(motoClients());
  await trustDrillRole(pair, 's3.amazonaws.com');
  expect(await drillOutcome(targetOf(pair, { drillExperimentTemplateId: 'EXT1a2b3c' }))).toMatchObject({
    status: 'FAIL',
    message: expect.stringContaining('does not trust fis.amazonaws.com'),
  });
});

test('GIVEN the role but no readable outputs THEN PASS naming the template by the Name tag the drill looks it up by', async () => {
  const pair = await buildPair(motoClients());
  expect(await drillOutcome(targetOf(pair, { origin: 'naming' }))).toMatchObject({
    status: 'PASS',
    message: expect.stringContaining(
      `the experiment template tagged Name=${pair.names.drillExperimentTemplate}`,
    ),
  });
});
