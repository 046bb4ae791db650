import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { ACCOUNT, grantedActions, pairIn, statementBySid } from './support/pair';

// Object Lock on the replica, as replication and the canary must handle it.

const LOCKED = {
  replicaObjectLock: ObjectLockRetention.compliance(Duration.days(30)),
  removalPolicy: RemovalPolicy.RETAIN,
};
const ALARM = 's3-replication-replica-unlocked-lib';

describe('GIVEN a replica with Object Lock', () => {
  const { template } = pairIn(LOCKED);

  test('WHEN synthesized THEN the replication role may read the retention and legal hold of the primary versions', () => {
    expect(statementBySid(template, 'ReadSourceObjectLock')).toEqual({
      Sid: 'ReadSourceObjectLock',
      Effect: 'Allow',
      Action: ['s3:GetObjectRetention', 's3:GetObjectLegalHold'],
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::primary-bucket-lib-${ACCOUNT}/*`]],
      },
    });
  });

  test("WHEN synthesized THEN the canary may read the retention of the replica's probes, and of nothing else", () => {
    expect(statementBySid(template, 'ReadRetentionOfReplicatedProbes')).toEqual({
      Sid: 'ReadRetentionOfReplicatedProbes',
      Effect: 'Allow',
      Action: 's3:GetObjectRetention',
      Resource: {
        'Fn::Join': [
          '',
          [{ 'Fn::GetAtt': [expect.stringMatching(/^DrReplicaBucket/), 'Arn'] }, '/_s3-dr/canary/*'],
        ],
      },
    });
  });

  test('WHEN synthesized THEN the canary function is told the replica has Object Lock', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 's3-replication-canary-lib',
      Environment: { Variables: { REPLICA_OBJECT_LOCK: 'true' } },
    });
  });

  test('WHEN synthesized THEN an alarm fires when the canary finds a replica without retention, and tells the alarm topic', () => {
    const [alarm] = Object.values(
      template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: ALARM } }),
    );
    const topic = { Ref: expect.stringMatching(/^DrAlarmTopic/) };
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'S3DR/Replication',
      MetricName: 'CanaryReplicasUnlocked',
      Dimensions: [{ Name: 'SourceBucket', Value: `primary-bucket-lib-${ACCOUNT}` }],
      Statistic: 'Maximum',
      Period: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      AlarmActions: [topic],
      OKActions: [topic],
    });
  });

  test('WHEN no probe was measured in a period THEN the alarm keeps its answer (a new one stays INSUFFICIENT_DATA until the first)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: ALARM,
      TreatMissingData: 'ignore',
    });
  });
});

describe('GIVEN a replica without Object Lock', () => {
  const { template } = pairIn({});

  test('WHEN synthesized THEN no role may read retention or legal holds, and there is no unlocked-replica alarm', () => {
    expect(grantedActions(template)).not.toContain('s3:GetObjectRetention');
    expect(grantedActions(template)).not.toContain('s3:GetObjectLegalHold');
    expect(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: ALARM } })).toEqual(
      {},
    );
  });

  test('WHEN synthesized THEN the canary is not asked to read retention', () => {
    const [canary] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: 's3-replication-canary-lib' },
      }),
    );
    expect(canary?.Properties.Environment.Variables.REPLICA_OBJECT_LOCK).toBeUndefined();
  });
});
