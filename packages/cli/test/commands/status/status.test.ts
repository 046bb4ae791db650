import {
  DeleteAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { DeleteRoleCommand } from '@aws-sdk/client-iam';
import { DisableKeyRotationCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketReplicationCommand,
  DeletePublicAccessBlockCommand,
  PutBucketAccelerateConfigurationCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type ReplicationRule,
} from '@aws-sdk/client-s3';
import { noCredentialsEnv } from '../../../../../test/support/moto';
import type { CheckResult } from '../../../src/commands/status/audit';
import { createAlarmTopic } from '../../support/alarm-topic';
import { errorLines, runCli } from '../../support/cli';
import {
  buildPair,
  type DrPair,
  MOTO_ACCOUNT,
  type MotoClients,
  motoClients,
  putRule,
  replicationDimensions,
  sslOnlyPolicy,
} from '../../support/dr-pair';

// The CLI's S3 client gets the same moto-fidelity shim as the set-up client, so GetBucketReplication
// answers with the rule as it was PUT (as S3 does; moto 5.2 rewrites three of its fields).
jest.mock('../../../src/shared/aws', () => {
  const actual = jest.requireActual('../../../src/shared/aws');
  const { withFaithfulReplication } = jest.requireActual('../../support/moto-fidelity');
  return {
    ...actual,
    createClients: (options: unknown) => withFaithfulReplication(actual.createClients(options)),
  };
});

interface StatusJson {
  readonly healthy: boolean;
  readonly summary: Record<'PASS' | 'WARN' | 'FAIL', number>;
  readonly checks: readonly CheckResult[];
}

let clients: MotoClients;
beforeAll(() => {
  clients = motoClients();
});

async function status(pair: DrPair): Promise<{ code: number; report: StatusJson }> {
  const result = await runCli(['status', '--env', pair.suffix, '--json']);
  return { code: result.code, report: JSON.parse(result.stdout) as StatusJson };
}

function ids(report: StatusJson, status: CheckResult['status']): string[] {
  return report.checks.filter((c) => c.status === status).map((c) => c.id);
}

function check(report: StatusJson, id: string): CheckResult | undefined {
  return report.checks.find((c) => c.id === id);
}

async function ruleWith(pair: DrPair, change: (rule: ReplicationRule) => ReplicationRule): Promise<void> {
  await putRule(clients.s3, pair.names.primaryBucket, pair.roleArn, change(structuredClone(pair.rule)));
}

async function putMetric(pair: DrPair, metric: string, value: number): Promise<void> {
  await clients.cloudWatch.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/S3',
      MetricData: [
        {
          MetricName: metric,
          Dimensions: replicationDimensions(pair.names),
          Value: value,
          Timestamp: new Date(Date.now() - 5 * 60_000),
        },
      ],
    }),
  );
}

describe('GIVEN a correctly configured pair', () => {
  let pair: DrPair;
  let code: number;
  let report: StatusJson;
  beforeAll(async () => {
    pair = await buildPair(clients);
    await createAlarmTopic(pair.names, ['oncall@example.com']);
    ({ code, report } = await status(pair));
  });

  it('WHEN audited THEN it exits 0', () => {
    expect(code).toBe(0);
  });

  it('WHEN audited THEN every check passes', () => {
    expect(ids(report, 'WARN')).toEqual([]);
    expect(ids(report, 'FAIL')).toEqual([]);
    expect(report.healthy).toBe(true);
  });

  it('WHEN audited THEN the checklist covers every item of the issue', () => {
    expect(report.checks.map((c) => c.id)).toEqual([
      'primary.versioning',
      'replica.versioning',
      'replication.rule',
      'replication.scope',
      'replication.rtc',
      'replication.metrics',
      'replication.deleteMarkers',
      'replication.replicaModifications',
      'replication.sseKms',
      'replication.replicaKey',
      'replication.role',
      'primary.encryption',
      'replica.encryption',
      'primary.keyRotation',
      'replica.keyRotation',
      'primary.sslOnly',
      'replica.sslOnly',
      'primary.publicAccess',
      'replica.publicAccess',
      'primary.acceleration',
      'replica.lifecycle',
      'replica.objectLock',
      'replica.protection',
      'replica.removalPolicy',
      'primary.keyProtection',
      'replica.keyProtection',
      'alarm.latency',
      'alarm.failed',
      'alarm.tamper',
      'tamper.rule',
      'alarm.subscription',
      'metrics.latency',
      'metrics.pendingOperations',
      'metrics.pendingBytes',
      'metrics.failedOperations',
      'batch.role',
      'batch.opsBucket',
      'drill.fault',
    ]);
  });

  it('WHEN no replication metric has datapoints THEN each is reported as no data, not as zero', () => {
    const metrics = report.checks.filter((c) => c.id.startsWith('metrics.'));
    expect(metrics.map((c) => c.message)).toEqual(
      metrics.map(() => expect.stringContaining('no data in the last hour')),
    );
  });

  it('WHEN audited without --json THEN it prints one PASS line per check and a healthy summary', async () => {
    const result = await runCli(['status', '--env', pair.suffix]);
    expect(result.stdout).toMatch(/^PASS {2}primary\.versioning +versioning is Enabled on primary-bucket-/m);
    expect(result.stdout).toContain(
      `${report.checks.length} checks: ${report.checks.length} PASS, 0 WARN, 0 FAIL - healthy`,
    );
  });
});

/** Break one thing of a correct pair; exactly the named check must FAIL. */
const BREAKS: readonly {
  readonly id: string;
  readonly broken: string;
  readonly apply: (pair: DrPair) => Promise<void>;
}[] = [
  {
    id: 'primary.versioning',
    broken: 'versioning suspended on the primary',
    apply: async (p) => {
      await clients.s3.send(
        new PutBucketVersioningCommand({
          Bucket: p.names.primaryBucket,
          VersioningConfiguration: { Status: 'Suspended' },
        }),
      );
    },
  },
  {
    id: 'replica.versioning',
    broken: 'versioning suspended on the replica',
    apply: async (p) => {
      await clients.s3.send(
        new PutBucketVersioningCommand({
          Bucket: p.names.replicaBucket,
          VersioningConfiguration: { Status: 'Suspended' },
        }),
      );
    },
  },
  {
    id: 'replication.rule',
    broken: 'the replication rule disabled',
    apply: (p) => ruleWith(p, (r) => ({ ...r, Status: 'Disabled' })),
  },
  {
    id: 'replication.scope',
    broken: 'a rule replicating only the prefix logs/',
    apply: (p) => ruleWith(p, (r) => ({ ...r, Filter: { Prefix: 'logs/' } })),
  },
  {
    id: 'replication.rtc',
    broken: 'Replication Time Control off',
    apply: (p) =>
      ruleWith(p, (r) => ({
        ...r,
        Destination: { ...r.Destination, Bucket: r.Destination?.Bucket, ReplicationTime: undefined },
      })),
  },
  {
    id: 'replication.metrics',
    broken: 'replication metrics disabled',
    apply: (p) =>
      ruleWith(p, (r) => ({
        ...r,
        Destination: { ...r.Destination, Bucket: r.Destination?.Bucket, Metrics: { Status: 'Disabled' } },
      })),
  },
  {
    id: 'replication.deleteMarkers',
    broken: 'delete marker replication disabled',
    apply: (p) => ruleWith(p, (r) => ({ ...r, DeleteMarkerReplication: { Status: 'Disabled' } })),
  },
  {
    id: 'replication.replicaModifications',
    broken: 'replica modification sync disabled',
    apply: (p) =>
      ruleWith(p, (r) => ({
        ...r,
        SourceSelectionCriteria: {
          ...r.SourceSelectionCriteria,
          ReplicaModifications: { Status: 'Disabled' },
        },
      })),
  },
  {
    id: 'replication.sseKms',
    broken: 'SSE-KMS objects not selected',
    apply: (p) =>
      ruleWith(p, (r) => ({
        ...r,
        SourceSelectionCriteria: {
          ...r.SourceSelectionCriteria,
          SseKmsEncryptedObjects: { Status: 'Disabled' },
        },
      })),
  },
  {
    id: 'replication.replicaKey',
    broken: 'replicas encrypted with the primary key',
    apply: (p) =>
      ruleWith(p, (r) => ({
        ...r,
        Destination: {
          ...r.Destination,
          Bucket: r.Destination?.Bucket,
          EncryptionConfiguration: { ReplicaKmsKeyID: p.primaryKeyArn },
        },
      })),
  },
  {
    id: 'replication.replicaKey',
    broken: 'a replica key that does not exist',
    apply: (p) =>
      ruleWith(p, (r) => ({
        ...r,
        Destination: {
          ...r.Destination,
          Bucket: r.Destination?.Bucket,
          EncryptionConfiguration: {
            ReplicaKmsKeyID: 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000',
          },
        },
      })),
  },
  {
    id: 'replication.role',
    broken: 'the replication role deleted',
    apply: async (p) => {
      await clients.iam.send(new DeleteRoleCommand({ RoleName: p.names.replicationRole }));
    },
  },
  {
    id: 'primary.encryption',
    broken: 'SSE-S3 as the primary default encryption',
    apply: async (p) => {
      await clients.s3.send(
        new PutBucketEncryptionCommand({
          Bucket: p.names.primaryBucket,
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
        }),
      );
    },
  },
  {
    id: 'replica.encryption',
    broken: 'the AWS-managed key as the replica default encryption',
    apply: async (p) => {
      await clients.s3.send(
        new PutBucketEncryptionCommand({
          Bucket: p.names.replicaBucket,
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
          },
        }),
      );
    },
  },
  {
    id: 'primary.keyRotation',
    broken: 'rotation off on the primary key',
    apply: async (p) => {
      await clients.kms.send(new DisableKeyRotationCommand({ KeyId: p.primaryKeyArn }));
    },
  },
  {
    id: 'replica.keyRotation',
    broken: 'rotation off on the replica key',
    apply: async (p) => {
      await clients.kms.send(new DisableKeyRotationCommand({ KeyId: p.replicaKeyArn }));
    },
  },
  {
    id: 'primary.sslOnly',
    broken: 'no bucket policy on the primary',
    apply: async (p) => {
      await clients.s3.send(new DeleteBucketPolicyCommand({ Bucket: p.names.primaryBucket }));
    },
  },
  {
    id: 'replica.sslOnly',
    broken: 'a replica policy without the SecureTransport deny',
    apply: async (p) => {
      const policy = sslOnlyPolicy(p.names.replicaBucket) as { Statement: unknown[] };
      await clients.s3.send(
        new PutBucketPolicyCommand({
          Bucket: p.names.replicaBucket,
          Policy: JSON.stringify({ ...policy, Statement: policy.Statement.slice(1) }),
        }),
      );
    },
  },
  {
    id: 'primary.publicAccess',
    broken: 'BlockPublicPolicy off on the primary',
    apply: async (p) => {
      await clients.s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: p.names.primaryBucket,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: false,
            RestrictPublicBuckets: true,
          },
        }),
      );
    },
  },
  {
    id: 'replica.publicAccess',
    broken: 'no public access block on the replica',
    apply: async (p) => {
      await clients.s3.send(new DeletePublicAccessBlockCommand({ Bucket: p.names.replicaBucket }));
    },
  },
  {
    id: 'primary.acceleration',
    broken: 'Transfer Acceleration suspended',
    apply: async (p) => {
      await clients.s3.send(
        new PutBucketAccelerateConfigurationCommand({
          Bucket: p.names.primaryBucket,
          AccelerateConfiguration: { Status: 'Suspended' },
        }),
      );
    },
  },
  {
    id: 'replica.lifecycle',
    broken: 'a lifecycle that moves only current versions to GLACIER',
    apply: async (p) => {
      await clients.s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: p.names.replicaBucket,
          LifecycleConfiguration: {
            Rules: [
              {
                ID: 'current-only',
                Status: 'Enabled',
                Filter: {},
                Transitions: [{ Days: 90, StorageClass: 'GLACIER' }],
              },
            ],
          },
        }),
      );
    },
  },
  {
    id: 'alarm.latency',
    broken: 'the latency alarm deleted',
    apply: async (p) => {
      await clients.cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: [p.names.latencyAlarm] }));
    },
  },
  {
    id: 'alarm.failed',
    broken: 'the failure alarm in ALARM',
    apply: async (p) => {
      await clients.cloudWatch.send(
        new SetAlarmStateCommand({
          AlarmName: p.names.failedAlarm,
          StateValue: 'ALARM',
          StateReason: 'test: 3 failed',
        }),
      );
    },
  },
  {
    id: 'metrics.latency',
    broken: 'a ReplicationLatency of 1200 s in the last hour',
    apply: (p) => putMetric(p, 'ReplicationLatency', 1200),
  },
  {
    id: 'metrics.failedOperations',
    broken: '3 failed replication operations in the last hour',
    apply: (p) => putMetric(p, 'OperationsFailedReplication', 3),
  },
];

describe.each(BREAKS)('GIVEN a pair with $broken', ({ id, apply }) => {
  it(`WHEN audited THEN exactly ${id} fails, with a fix that is not blank, and the exit code is 1`, async () => {
    const pair = await buildPair(clients);
    await apply(pair);

    const { code, report } = await status(pair);

    expect(ids(report, 'FAIL')).toEqual([id]);
    expect(check(report, id)?.fix).toMatch(/\S/);
    expect(code).toBe(1);
  });
});

describe('GIVEN a pair whose alarm topic has no subscription', () => {
  // The honest unconfirmed case on moto: moto 5.2 confirms every subscription at once, so a topic
  // with none stands for "nobody confirmed"; PendingConfirmation is tested in status-audit.test.ts.
  let pair: DrPair;
  let code: number;
  let report: StatusJson;
  beforeAll(async () => {
    pair = await buildPair(clients);
    await createAlarmTopic(pair.names);
    ({ code, report } = await status(pair));
  });

  it('WHEN audited THEN the subscription check WARNs that the alarms notify nobody', () => {
    expect(check(report, 'alarm.subscription')).toEqual(
      expect.objectContaining({
        status: 'WARN',
        message: `alarm topic ${pair.names.alarmTopic} has no subscription: the alarms notify nobody`,
      }),
    );
  });

  it('WHEN audited THEN the fix says how to subscribe, naming the topic the naming contract gives', () => {
    expect(check(report, 'alarm.subscription')?.fix).toBe(
      `redeploy with -c alarmEmail=oncall@example.com and confirm the e-mail SNS sends, or: aws sns subscribe --topic-arn arn:aws:sns:us-east-1:${MOTO_ACCOUNT}:${pair.names.alarmTopic} --protocol email --notification-endpoint oncall@example.com`,
    );
  });

  it('WHEN audited THEN it is the only finding and the exit code stays 0 (a WARN, not a FAIL)', () => {
    expect(ids(report, 'WARN')).toEqual(['alarm.subscription']);
    expect(ids(report, 'FAIL')).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('GIVEN a pair whose replication has datapoints', () => {
  it('WHEN audited THEN the latency check reports their maximum in seconds', async () => {
    const pair = await buildPair(clients);
    await putMetric(pair, 'ReplicationLatency', 42);

    const { report } = await status(pair);

    expect(check(report, 'metrics.latency')).toEqual(
      expect.objectContaining({ status: 'PASS', message: expect.stringContaining('max 42 s') }),
    );
  });
});

describe('GIVEN a pair that also has the optional events and canary alarms', () => {
  it('WHEN audited THEN both alarms and their states are reported', async () => {
    const pair = await buildPair(clients);
    // The canary alarm is a composite alarm in the stack; moto 5.2 has no PutCompositeAlarm, and the
    // check reads name and state only, so a metric alarm of that name stands in for it.
    for (const alarm of [pair.names.eventsAlarm, pair.names.canaryAlarm]) {
      await clients.cloudWatch.send(
        new PutMetricAlarmCommand({
          AlarmName: alarm,
          Namespace: 's3-dr',
          MetricName: 'Test',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      );
    }

    const { report } = await status(pair);

    expect(report.checks.filter((c) => c.id === 'alarm.events' || c.id === 'alarm.canary')).toEqual([
      expect.objectContaining({
        id: 'alarm.events',
        status: 'PASS',
        message: expect.stringContaining(`alarm ${pair.names.eventsAlarm} exists, state`),
      }),
      expect.objectContaining({
        id: 'alarm.canary',
        status: 'PASS',
        message: expect.stringContaining(`alarm ${pair.names.canaryAlarm} exists, state`),
      }),
    ]);
  });
});

describe('GIVEN a two-way pair with the reverse canary alarm', () => {
  it('WHEN audited THEN the reverse canary alarm and its state are reported; without it nothing is said', async () => {
    const pair = await buildPair(clients);
    const before = await status(pair);
    expect(before.report.checks.map((c) => c.id)).not.toContain('alarm.canaryBack');

    // A metric alarm of the composite's name stands in for it (moto 5.2 has no PutCompositeAlarm).
    await clients.cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: pair.names.reverseCanaryAlarm,
        Namespace: 's3-dr',
        MetricName: 'Test',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    const { report } = await status(pair);

    expect(report.checks.filter((c) => c.id === 'alarm.canaryBack')).toEqual([
      expect.objectContaining({
        status: 'PASS',
        message: expect.stringContaining(`alarm s3-replication-canary-back-${pair.suffix} exists, state`),
      }),
    ]);
  });
});

describe('GIVEN a pair whose alert-path alarm fired (someone touched a trail, rule, alarm, the topic or its key)', () => {
  it('WHEN audited THEN alarm.alertPath FAILs, saying where the message of who did what is; without the alarm nothing is said', async () => {
    const pair = await buildPair(clients);
    const before = await status(pair);
    expect(before.report.checks.map((c) => c.id)).not.toContain('alarm.alertPath');
    await clients.cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: pair.names.alertPathAlarm,
        Namespace: 'AWS/Events',
        MetricName: 'TriggeredRules',
        Dimensions: [{ Name: 'RuleName', Value: pair.names.alertPathRule }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await clients.cloudWatch.send(
      new SetAlarmStateCommand({
        AlarmName: pair.names.alertPathAlarm,
        StateValue: 'ALARM',
        StateReason: 'test: DisableRule',
      }),
    );

    const { report } = await status(pair);

    expect(report.checks.filter((c) => c.id === 'alarm.alertPath')).toEqual([
      {
        id: 'alarm.alertPath',
        status: 'FAIL',
        message: expect.stringMatching(
          `^alarm s3-replication-alert-path-${pair.suffix} is in ALARM since .*: test: DisableRule$`,
        ),
        fix: expect.stringContaining('read the message the alarm topic got for each call'),
      },
    ]);
  });
});

describe('GIVEN a deployment that does not exist', () => {
  it('WHEN audited with --env THEN it exits 2 with one line naming the missing bucket', async () => {
    const result = await runCli(['status', '--env', 'nosuchdeployment']);

    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(
        /^s3-dr: source bucket primary-bucket-nosuchdeployment-123456789012 .*does not exist/,
      ),
    ]);
    expect(result.stdout).toBe('');
  });
});

describe('GIVEN no AWS credentials', () => {
  it('WHEN audited THEN it exits 2 with one line saying so', async () => {
    const result = await runCli(['status', '--source', 'a-bucket', '--replica', 'b-bucket'], {
      env: noCredentialsEnv(),
    });

    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([expect.stringMatching(/^s3-dr: no AWS credentials found/)]);
  });
});

describe('GIVEN a deployment whose primary has no replication configuration', () => {
  it('WHEN audited with --env THEN the metric checks WARN could not check (see replication.rule), as with --source/--replica', async () => {
    const pair = await buildPair(clients);
    await clients.s3.send(new DeleteBucketReplicationCommand({ Bucket: pair.names.primaryBucket }));

    const { report } = await status(pair);

    expect(check(report, 'replication.rule')?.status).toBe('FAIL');
    const metrics = report.checks.filter((c) => c.id.startsWith('metrics.') && c.id !== 'metrics.enabled');
    expect(metrics.map((c) => c.id)).toEqual([
      'metrics.latency',
      'metrics.pendingOperations',
      'metrics.pendingBytes',
      'metrics.failedOperations',
    ]);
    for (const c of metrics) {
      expect(c).toMatchObject({
        status: 'WARN',
        message: expect.stringMatching(/^could not check .*\(see replication\.rule\)$/),
      });
    }
  });
});

describe('GIVEN two buckets of no deployment (named by --source/--replica), the replica unversioned', () => {
  it('WHEN audited THEN the fix is the command alone: there is no stack whose deploy would put it right', async () => {
    const source = `bare-source-${Date.now()}`;
    const replica = `bare-replica-${Date.now()}`;
    for (const bucket of [source, replica])
      await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await clients.s3.send(
      new PutBucketVersioningCommand({ Bucket: source, VersioningConfiguration: { Status: 'Enabled' } }),
    );

    const result = await runCli(['status', '--source', source, '--replica', replica, '--json']);
    const report = JSON.parse(result.stdout) as StatusJson;

    expect(check(report, 'replica.versioning')).toMatchObject({
      status: 'FAIL',
      fix: expect.stringMatching(/^aws s3api put-bucket-versioning --bucket bare-replica-/),
    });
    expect(check(report, 'replica.protection')?.fix).toMatch(/^add deny statements for these actions/);
    // Only a fix that says what to do outside s3-dr too may mention a redeploy.
    expect(
      report.checks.filter((c) => c.fix?.startsWith('redeploy') && !c.fix.includes('outside s3-dr')),
    ).toEqual([]);
  });
});
