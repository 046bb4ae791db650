import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { motoEndpoint, useMotoEnv } from '../../../../../test/support/moto';
import { type AuditReport, runAudit } from '../../../src/commands/status/audit';
import { activeSide, TOPOLOGY_CHECKS } from '../../../src/commands/status/checks/topology';
import { createClients } from '../../../src/shared/aws';
import type { Target } from '../../../src/shared/target';
import { createAlarmTopic } from '../../support/alarm-topic';
import {
  buildCrossRegion,
  type CrossRegionDeployment,
  initialRoutes,
  type MockedControlPlane,
  mockControlPlane,
  motoS3In,
  PRIMARY_REGION,
  REPLICA_REGION,
  reverseRule,
} from '../../support/cross-region';
import { MOTO_ACCOUNT, putRule } from '../../support/dr-pair';
import { withFaithfulReplication } from '../../support/moto-fidelity';

// The topology checks of `s3-dr status` on a cross-region deployment in moto (primary in
// us-east-1, replica in eu-west-1); the access point's routes come from a mocked control plane.

useMotoEnv();

let control: MockedControlPlane | undefined;
afterEach(() => control?.restore());

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

async function audit(d: CrossRegionDeployment, replicaRegion = REPLICA_REGION): Promise<AuditReport> {
  const clients = withFaithfulReplication(
    createClients({ endpointUrl: motoEndpoint(), region: PRIMARY_REGION }),
  );
  const target: Target = {
    source: d.names.primaryBucket,
    replica: d.names.replicaBucket,
    origin: 'explicit',
  };
  const regions = new Map([
    [d.names.primaryBucket, PRIMARY_REGION],
    [d.names.replicaBucket, replicaRegion],
  ]);
  return runAudit(clients, target, { checks: TOPOLOGY_CHECKS, regions });
}

const check = (report: AuditReport, id: string) => report.checks.find((c) => c.id === id);

async function reverseAlarms(d: CrossRegionDeployment, region: string): Promise<CloudWatchClient> {
  const cloudWatch = new CloudWatchClient({ region, endpoint: motoEndpoint(), credentials });
  for (const name of [d.names.reverseLatencyAlarm, d.names.reverseFailedAlarm]) {
    await cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'AWS/S3',
        MetricName: 'ReplicationLatency',
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 900,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
  }
  return cloudWatch;
}

async function reverseRole(d: CrossRegionDeployment): Promise<void> {
  const iam = new IAMClient({ region: PRIMARY_REGION, endpoint: motoEndpoint(), credentials });
  await iam.send(
    new CreateRoleCommand({
      RoleName: d.names.reverseReplicationRole,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
}

test('GIVEN a two-way cross-region deployment as the stacks build it WHEN auditing THEN every topology check passes', async () => {
  const d = await buildCrossRegion({ reverseRule: true });
  await Promise.all([
    reverseAlarms(d, REPLICA_REGION),
    reverseRole(d),
    createAlarmTopic(d.names, ['oncall@example.com'], REPLICA_REGION),
  ]);
  control = mockControlPlane(initialRoutes(d.names));

  const report = await audit(d);

  expect(report.checks.map((c) => [c.id, c.status])).toEqual([
    ['reverse.rule', 'PASS'],
    ['reverse.role', 'PASS'],
    ['alarm.reverseLatency', 'PASS'],
    ['alarm.reverseFailed', 'PASS'],
    ['alarm.reverseSubscription', 'PASS'],
    ['metrics.reverseLatency', 'PASS'],
    ['accessPoint', 'PASS'],
    ['accessPoint.routes', 'PASS'],
  ]);
  expect(check(report, 'accessPoint')?.message).toBe(
    `access point s3-dr-${d.suffix} (${d.alias}) is READY over ${d.names.primaryBucket} (us-east-1) and ${d.names.replicaBucket} (eu-west-1), public access blocked`,
  );
  expect(check(report, 'accessPoint.routes')?.message).toMatch(
    /^the primary side is active, the replica passive/,
  );
  expect(control.calls.find((c) => c.command === 'GetRoutes')).toMatchObject({
    input: { AccountId: MOTO_ACCOUNT, Mrap: d.arn },
  });
});

test('GIVEN the reverse alarms only in the primary region WHEN auditing THEN they are reported missing from the replica region, where the reverse metrics are', async () => {
  const d = await buildCrossRegion({ reverseRule: true });
  await reverseAlarms(d, PRIMARY_REGION);
  control = mockControlPlane(initialRoutes(d.names));

  const report = await audit(d);

  expect(check(report, 'alarm.reverseLatency')).toMatchObject({
    status: 'FAIL',
    message: expect.stringContaining(`alarm ${d.names.reverseLatencyAlarm} does not exist in eu-west-1`),
  });
});

test("GIVEN the alarm topic only in the primary region WHEN auditing a two-way deployment THEN the replica region's topic is reported missing", async () => {
  const d = await buildCrossRegion({ reverseRule: true });
  await createAlarmTopic(d.names, ['oncall@example.com'], PRIMARY_REGION);
  control = mockControlPlane(initialRoutes(d.names));

  const report = await audit(d);

  expect(check(report, 'alarm.reverseSubscription')).toMatchObject({
    status: 'WARN',
    message: `alarm topic ${d.names.alarmTopic} does not exist: the alarms notify nobody (eu-west-1, where the reverse alarms notify)`,
  });
});

test("GIVEN the reverse rule's latency above 15 minutes in the replica's region WHEN auditing THEN metrics.reverseLatency fails", async () => {
  const d = await buildCrossRegion({ reverseRule: true });
  const cloudWatch = new CloudWatchClient({ region: REPLICA_REGION, endpoint: motoEndpoint(), credentials });
  await cloudWatch.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/S3',
      MetricData: [
        {
          MetricName: 'ReplicationLatency',
          Dimensions: [
            { Name: 'SourceBucket', Value: d.names.replicaBucket },
            { Name: 'DestinationBucket', Value: d.names.primaryBucket },
            { Name: 'RuleId', Value: d.names.reverseReplicationRuleId },
          ],
          Value: 1200,
          Timestamp: new Date(Date.now() - 5 * 60_000),
        },
      ],
    }),
  );
  control = mockControlPlane(initialRoutes(d.names));

  const report = await audit(d);

  expect(check(report, 'metrics.reverseLatency')).toMatchObject({
    status: 'FAIL',
    message: `ReplicationLatency of ${d.names.reverseReplicationRuleId} back to the primary (eu-west-1): max 1200 s in the last hour (latest 1200 s), above the 15-minute RTC threshold`,
  });
});

test('GIVEN a reverse alarm in ALARM WHEN auditing THEN it fails naming its region', async () => {
  const d = await buildCrossRegion({ reverseRule: true });
  const cloudWatch = await reverseAlarms(d, REPLICA_REGION);
  await cloudWatch.send(
    new SetAlarmStateCommand({
      AlarmName: d.names.reverseFailedAlarm,
      StateValue: 'ALARM',
      StateReason: 'failed replication',
    }),
  );
  control = mockControlPlane(initialRoutes(d.names));

  const report = await audit(d);

  expect(check(report, 'alarm.reverseFailed')?.message).toBe(
    `alarm ${d.names.reverseFailedAlarm} (eu-west-1) is in ALARM: failed replication`,
  );
});

test('GIVEN a reverse rule without RTC and delete markers WHEN auditing THEN reverse.rule fails naming both', async () => {
  const d = await buildCrossRegion();
  const rule = reverseRule(d.names);
  await putRule(motoS3In(REPLICA_REGION), d.names.replicaBucket, `arn:aws:iam::${MOTO_ACCOUNT}:role/r`, {
    ...rule,
    DeleteMarkerReplication: { Status: 'Disabled' },
    Destination: { ...rule.Destination, Bucket: rule.Destination?.Bucket, ReplicationTime: undefined },
  });
  control = mockControlPlane(initialRoutes(d.names));

  const report = await audit(d);

  expect(check(report, 'reverse.rule')).toMatchObject({
    status: 'FAIL',
    message: expect.stringMatching(/: no RTC \(15 minutes\), delete markers not replicated$/),
  });
});

test('GIVEN a one-way deployment WHEN auditing THEN no reverse check applies', async () => {
  const d = await buildCrossRegion();
  control = mockControlPlane(initialRoutes(d.names));

  const report = await audit(d);

  expect(report.checks.map((c) => c.id)).toEqual(['accessPoint', 'accessPoint.routes']);
});

test('GIVEN routes after a failover WHEN auditing THEN it warns that the replica side is active and says how to come back', async () => {
  const d = await buildCrossRegion();
  control = mockControlPlane([
    { Bucket: d.names.primaryBucket, Region: PRIMARY_REGION, TrafficDialPercentage: 0 },
    { Bucket: d.names.replicaBucket, Region: REPLICA_REGION, TrafficDialPercentage: 100 },
  ]);

  const report = await audit(d);

  expect(check(report, 'accessPoint.routes')).toMatchObject({
    status: 'WARN',
    message: expect.stringMatching(/^failed over: the replica side is active, the primary passive/),
    fix: `once the primary is healthy and what was written meanwhile is back in it: s3-dr failback --env ${d.suffix}`,
  });
});

test('GIVEN buckets in two regions and no access point WHEN auditing THEN it warns what a failover would take', async () => {
  const d = await buildCrossRegion({ accessPoint: false });

  const report = await audit(d);

  expect(check(report, 'accessPoint')).toMatchObject({
    status: 'WARN',
    message: `no Multi-Region Access Point s3-dr-${d.suffix}: after a failover the applications must switch to ${d.names.replicaBucket} in eu-west-1 themselves`,
  });
});

test('GIVEN both buckets in one region WHEN auditing THEN no topology check applies and nothing asks S3 Control', async () => {
  const d = await buildCrossRegion({ accessPoint: false });
  control = mockControlPlane([]);

  const report = await audit(d, PRIMARY_REGION);

  expect(report.checks).toEqual([]);
  expect(control.calls).toEqual([]);
});

test.each([
  [100, 0, 'primary'],
  [0, 100, 'replica'],
  [100, 100, 'both'],
  [0, 0, 'none'],
])('GIVEN dials primary %i and replica %i THEN the active side is %s', (p, r, expected) => {
  const side = activeSide(
    [
      { Bucket: 'p', Region: 'us-east-1', TrafficDialPercentage: p },
      { Bucket: 'r', Region: 'eu-west-1', TrafficDialPercentage: r },
    ],
    'p',
    'r',
  );

  expect(side.active).toBe(expected);
});
