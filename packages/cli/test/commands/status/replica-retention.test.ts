import { PutMetricAlarmCommand, SetAlarmStateCommand, type StateValue } from '@aws-sdk/client-cloudwatch';
import { PutObjectLockConfigurationCommand } from '@aws-sdk/client-s3';
import type { CheckResult } from '../../../src/commands/status/audit';
import { runCli } from '../../support/cli';
import { buildPair, type DrPair, type MotoClients, motoClients } from '../../support/dr-pair';

// `s3-dr status` reporting what the canary measured: whether the replicas of the primary's versions
// carry Object Lock retention (alarm s3-replication-replica-unlocked-<suffix>), against moto.

jest.mock('../../../src/shared/aws', () => {
  const actual = jest.requireActual('../../../src/shared/aws');
  const { withFaithfulReplication } = jest.requireActual('../../support/moto-fidelity');
  return {
    ...actual,
    createClients: (options: unknown) => withFaithfulReplication(actual.createClients(options)),
  };
});

let clients: MotoClients;
beforeAll(() => {
  clients = motoClients();
});

/** A pair whose (empty) replica gets Object Lock with a default retention, as S3 allows on existing buckets. */
async function pairWithLockedReplica(): Promise<DrPair> {
  const pair = await buildPair(clients);
  await clients.s3.send(
    new PutObjectLockConfigurationCommand({
      Bucket: pair.names.replicaBucket,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
      },
    }),
  );
  return pair;
}

/**
 * The canary's alarm as the stack builds it, in `state`. CloudWatch starts a new alarm in
 * INSUFFICIENT_DATA (and, missing data ignored, keeps it there until the first datapoint); moto 5.2
 * starts it OK, so every test sets the state CloudWatch would show.
 */
async function unlockedAlarm(pair: DrPair, state: StateValue): Promise<void> {
  const AlarmName = pair.names.replicaUnlockedAlarm;
  await clients.cloudWatch.send(
    new PutMetricAlarmCommand({
      AlarmName,
      Namespace: 'S3DR/Replication',
      MetricName: 'CanaryReplicasUnlocked',
      Dimensions: [{ Name: 'SourceBucket', Value: pair.names.primaryBucket }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'ignore',
    }),
  );
  await clients.cloudWatch.send(
    new SetAlarmStateCommand({ AlarmName, StateValue: state, StateReason: 'test' }),
  );
}

async function status(pair: DrPair): Promise<{ code: number; check?: CheckResult }> {
  const result = await runCli(['status', '--env', pair.suffix, '--json']);
  const report = JSON.parse(result.stdout) as { checks: CheckResult[] };
  return { code: result.code, check: report.checks.find((c) => c.id === 'replica.retention') };
}

describe('GIVEN a replica with Object Lock', () => {
  it('WHEN the canary found a replica without retention (alarm in ALARM) THEN replica.retention FAILs with what to do, and the exit code is 1', async () => {
    const pair = await pairWithLockedReplica();
    await unlockedAlarm(pair, 'ALARM');

    const { code, check } = await status(pair);

    expect(code).toBe(1);
    expect(check).toEqual({
      id: 'replica.retention',
      status: 'FAIL',
      message: expect.stringMatching(
        new RegExp(
          `^the replicas of the canary's probes in ${pair.names.replicaBucket} carry no Object Lock retention \\(alarm ${pair.names.replicaUnlockedAlarm} in ALARM since \\S+\\): S3 does not give replicas of versions without retention the replica's default retention here, so Object Lock does not protect the replicas of the primary's versions$`,
        ),
      ),
      fix: "give the primary's versions retention (Object Lock with a default retention on the primary), or set retention on the replicas with S3 Batch Operations (Object Lock retention); the canary's log names the probe",
    });
  });

  it('WHEN the canary found retention on the replicas (alarm OK) THEN replica.retention passes, saying so', async () => {
    const pair = await pairWithLockedReplica();
    await unlockedAlarm(pair, 'OK');

    const { check } = await status(pair);

    expect(check?.status).toBe('PASS');
    expect(check?.message).toMatch(
      new RegExp(
        `^the replicas of the canary's probes in ${pair.names.replicaBucket} carry Object Lock retention \\(alarm ${pair.names.replicaUnlockedAlarm} OK since \\S+\\): S3 gives replicas of versions without retention the replica's default retention here$`,
      ),
    );
  });

  it('WHEN the canary has not measured yet (alarm INSUFFICIENT_DATA) THEN replica.retention WARNs "not measured yet", claiming neither answer', async () => {
    const pair = await pairWithLockedReplica();
    await unlockedAlarm(pair, 'INSUFFICIENT_DATA');

    const { code, check } = await status(pair);

    expect(code).toBe(0);
    expect(check).toEqual({
      id: 'replica.retention',
      status: 'WARN',
      message: `not measured yet: the canary has not yet read the retention of a replicated probe (alarm ${pair.names.replicaUnlockedAlarm} is INSUFFICIENT_DATA); it does within minutes of a deploy while replication works`,
      fix: 'run s3-dr status again in a few minutes; if it stays so, see alarm.canary',
    });
  });

  it('WHEN the alarm does not exist (deployed before the canary measured it) THEN replica.retention WARNs that nothing measures it', async () => {
    const pair = await pairWithLockedReplica();

    const { check } = await status(pair);

    expect(check).toEqual({
      id: 'replica.retention',
      status: 'WARN',
      message: `not measured: alarm ${pair.names.replicaUnlockedAlarm} does not exist in us-east-1, so nothing checks that the replicas in ${pair.names.replicaBucket} carry Object Lock retention`,
      fix: 'redeploy the stack (npx cdk deploy): the canary then measures it within minutes',
    });
  });
});

describe('GIVEN a replica without Object Lock', () => {
  it('WHEN audited THEN replica.retention does not apply', async () => {
    const pair = await buildPair(clients);

    const { check } = await status(pair);

    expect(check).toBeUndefined();
  });
});
