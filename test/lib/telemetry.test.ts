import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { CDK_PACKAGE, onlyResource, type Synthesized, synthTap } from '../support/tap';

let dev: Synthesized;
const ids: Record<string, string> = {};
beforeAll(() => {
  dev = synthTap();
  const bucketId = (prefix: string) =>
    onlyResource(dev.nested, 'AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', [prefix, { Ref: 'AWS::AccountId' }]] },
    })[0];
  const keyId = (alias: string) =>
    onlyResource(dev.nested, 'AWS::KMS::Alias', { AliasName: alias })[1].Properties.TargetKeyId[
      'Fn::GetAtt'
    ][0];
  ids.primary = bucketId('primary-bucket-dev-');
  ids.replica = bucketId('replica-bucket-dev-');
  ids.primaryKey = keyId('alias/s3-dr-primary-dev');
  ids.replicaKey = keyId('alias/s3-dr-replica-dev');
  ids.logGroup = onlyResource(dev.nested, 'AWS::Logs::LogGroup', {
    LogGroupName: '/aws/s3/replication/dev',
  })[0];
  ids.topic = onlyResource(dev.nested, 'AWS::SNS::Topic')[0];
  ids.events = onlyResource(dev.nested, 'AWS::Lambda::Function', {
    FunctionName: 's3-replication-events-dev',
  })[0];
  ids.canary = onlyResource(dev.nested, 'AWS::Lambda::Function', {
    FunctionName: 's3-replication-canary-dev',
  })[0];
});

function fn(name: string): Record<string, any> {
  return onlyResource(dev.nested, 'AWS::Lambda::Function', { FunctionName: name })[1].Properties;
}

function policyOf(functionName: string): Record<string, any> {
  const roleId = fn(functionName).Role['Fn::GetAtt'][0];
  const role = dev.nested.toJSON().Resources[roleId].Properties;
  expect(role.Policies).toBeUndefined();
  expect(role.ManagedPolicyArns).toHaveLength(1);
  return dev.nested.toJSON().Resources[role.ManagedPolicyArns[0].Ref].Properties.PolicyDocument;
}

function alarm(name: string): Record<string, any> {
  return onlyResource(dev.nested, 'AWS::CloudWatch::Alarm', { AlarmName: name })[1].Properties;
}

const logStatement = () => ({
  Sid: 'WriteOwnLogs',
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: { 'Fn::GetAtt': [ids.logGroup, 'Arn'] },
});

describe.each(['s3-replication-events-dev', 's3-replication-canary-dev'])('function %s', (name) => {
  test('runs on Node.js 24 (nodejs24.x, the newest runtime Lambda offers) and logs to the replication log group', () => {
    expect(fn(name)).toMatchObject({
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: { Ref: ids.logGroup } },
    });
  });

  test('has its own role, trusted by Lambda only', () => {
    const roleId = fn(name).Role['Fn::GetAtt'][0];
    expect(dev.nested.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });
});

describe('the replication event log', () => {
  test('the function may only write its logs', () => {
    expect(policyOf('s3-replication-events-dev').Statement).toEqual([logStatement()]);
  });

  test('the primary bucket sends all four replication event types to it', () => {
    dev.nested.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: ids.primary },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          'OperationFailedReplication',
          'OperationMissedThreshold',
          'OperationReplicatedAfterThreshold',
          'OperationNotTracked',
        ].map((event) => ({
          Events: [`s3:Replication:${event}`],
          LambdaFunctionArn: { 'Fn::GetAtt': [ids.events, 'Arn'] },
        })),
      },
    });
  });

  test('only S3, for the primary bucket in this account, may invoke it', () => {
    dev.nested.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [ids.events, 'Arn'] },
      Principal: 's3.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: { 'Fn::GetAtt': [ids.primary, 'Arn'] },
    });
  });

  test('its alarm fires on any failed or missed-threshold event in 5 minutes and notifies the topic', () => {
    const props = alarm('s3-replication-events-dev');
    expect(props).toMatchObject({
      Threshold: 0,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: ids.topic }],
      OKActions: [{ Ref: ids.topic }],
    });
    const expression = props.Metrics.find((m: { Expression?: string }) => m.Expression);
    expect(expression.Expression).toBe('FILL(failed, 0) + FILL(missed, 0)');
    const metricNames = props.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).map(
      (m: { Id: string; MetricStat: { Metric: Record<string, unknown>; Stat: string; Period: number } }) => [
        m.Id,
        m.MetricStat.Metric.Namespace,
        m.MetricStat.Metric.MetricName,
        m.MetricStat.Stat,
        m.MetricStat.Period,
      ],
    );
    expect(metricNames).toEqual([
      ['failed', 'S3DR/Replication', 'OperationFailedReplication', 'Sum', 300],
      ['missed', 'S3DR/Replication', 'OperationMissedThreshold', 'Sum', 300],
    ]);
  });
});

describe('the canary', () => {
  test('runs every 5 minutes, without retries that would write a second probe', () => {
    dev.nested.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [ids.canary, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
  });

  test('is not retried by Lambda either when a run fails', () => {
    dev.nested.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.canary },
      MaximumRetryAttempts: 0,
    });
  });

  test('its schedule is deleted before the buckets are emptied on destroy', () => {
    const [scheduleId, schedule] = onlyResource(dev.nested, 'AWS::Events::Rule', {
      Name: 's3-replication-canary-dev',
    });
    expect(scheduleId).toMatch(/^CanarySchedule/);
    const autoDeletes = Object.keys(dev.nested.findResources('Custom::S3AutoDeleteObjects')).filter(
      (id) => id.startsWith('PrimaryBucket') || id.startsWith('ReplicaBucket'),
    );
    expect(autoDeletes).toHaveLength(2);
    expect(schedule.DependsOn).toEqual(expect.arrayContaining(autoDeletes));
  });

  test('knows both buckets and its prefix, and has time to wait for its own probe', () => {
    expect(fn('s3-replication-canary-dev')).toMatchObject({
      Environment: {
        Variables: {
          PRIMARY_BUCKET: { Ref: ids.primary },
          REPLICA_BUCKET: { Ref: ids.replica },
          CANARY_PREFIX: '_s3-dr/canary/',
        },
      },
      Timeout: 120,
    });
  });

  test('may only touch probe objects under _s3-dr/canary/ and use the keys through S3', () => {
    const probes = (bucketId: string) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/_s3-dr/canary/*']],
    });
    const viaS3For = (bucketId: string) => ({
      StringEquals: {
        'kms:ViaService': { 'Fn::Join': ['', ['s3.us-east-1.', { Ref: 'AWS::URLSuffix' }]] },
        'kms:EncryptionContext:aws:s3:arn': { 'Fn::GetAtt': [bucketId, 'Arn'] },
      },
    });
    expect(policyOf('s3-replication-canary-dev').Statement).toEqual([
      logStatement(),
      {
        Sid: 'ListProbesInPrimary',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: { 'Fn::GetAtt': [ids.primary, 'Arn'] },
        Condition: { StringLike: { 's3:prefix': ['_s3-dr/canary/*'] } },
      },
      {
        Sid: 'WriteReadRetireProbesInPrimary',
        Effect: 'Allow',
        Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        Resource: probes(ids.primary),
      },
      { Sid: 'ReadProbesInReplica', Effect: 'Allow', Action: 's3:GetObject', Resource: probes(ids.replica) },
      {
        Sid: 'ListProbesInReplica',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: { 'Fn::GetAtt': [ids.replica, 'Arn'] },
        Condition: { StringLike: { 's3:prefix': ['_s3-dr/canary/*'] } },
      },
      {
        Sid: 'EncryptProbes',
        Effect: 'Allow',
        Action: 'kms:GenerateDataKey',
        Resource: { 'Fn::GetAtt': [ids.primaryKey, 'Arn'] },
        Condition: viaS3For(ids.primary),
      },
      {
        Sid: 'DecryptReplicatedProbes',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [ids.replicaKey, 'Arn'] },
        Condition: viaS3For(ids.replica),
      },
    ]);
  });

  test.each([
    [
      's3-replication-canary-latency-dev',
      'CanaryReplicationLatency',
      'Maximum',
      300,
      'GreaterThanThreshold',
      900,
      'notBreaching',
    ],
    [
      's3-replication-canary-silent-dev',
      'CanaryProbesCompleted',
      'Sum',
      1200,
      'LessThanThreshold',
      1,
      'breaching',
    ],
    [
      's3-replication-canary-overdue-dev',
      'CanaryProbesOverdue',
      'Sum',
      300,
      'GreaterThanThreshold',
      0,
      'notBreaching',
    ],
    [
      's3-replication-canary-errors-dev',
      'CanaryErrors',
      'Maximum',
      600,
      'GreaterThanOrEqualToThreshold',
      1,
      'breaching',
    ],
  ])(
    '%s watches %s (%s over %i s), %s %i, missing data %s',
    (name, metric, stat, period, op, threshold, missing) => {
      expect(alarm(name)).toMatchObject({
        Namespace: 'S3DR/Replication',
        MetricName: metric,
        Dimensions: [
          {
            Name: 'SourceBucket',
            Value: { 'Fn::Join': ['', ['primary-bucket-dev-', { Ref: 'AWS::AccountId' }]] },
          },
        ],
        Statistic: stat,
        Period: period,
        ComparisonOperator: op,
        Threshold: threshold,
        EvaluationPeriods: 1,
        TreatMissingData: missing,
      });
    },
  );

  test('one composite alarm, s3-replication-canary-<suffix>, pages when any of the four is in ALARM', () => {
    const [, composite] = onlyResource(dev.nested, 'AWS::CloudWatch::CompositeAlarm', {
      AlarmName: 's3-replication-canary-dev',
    });
    expect(composite.Properties.AlarmActions).toEqual([{ Ref: ids.topic }]);
    expect(composite.Properties.OKActions).toEqual([{ Ref: ids.topic }]);
    const rule = JSON.stringify(composite.Properties.AlarmRule);
    for (const child of [
      'CanaryLatencyAlarm',
      'CanarySilentAlarm',
      'CanaryOverdueAlarm',
      'CanaryErrorsAlarm',
    ]) {
      expect(rule).toMatch(
        new RegExp(`ALARM\\(\\\\"","?\\{"Fn::GetAtt":\\["${child}[0-9A-F]{8}","Arn"\\]\\}`),
      );
    }
    expect(rule.split(' OR ')).toHaveLength(4);
  });

  test('the four feeding alarms do not notify on their own (no double pages)', () => {
    for (const name of ['latency', 'silent', 'overdue', 'errors']) {
      expect(alarm(`s3-replication-canary-${name}-dev`).AlarmActions).toBeUndefined();
    }
  });
});

describe.each([
  ['primary', 'primary-bucket-dev-'],
  ['replica', 'replica-bucket-dev-'],
])('the %s bucket', (_, prefix) => {
  // One rule: an expiration in days also removes the expired object delete markers once they are as
  // old; a second ExpiredObjectDeleteMarker rule would only remove them sooner.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html#lifecycle-config-conceptual-ex7
  test('expires s3-dr objects under _s3-dr/ and their noncurrent versions after a day, in one rule', () => {
    const [, b] = onlyResource(dev.nested, 'AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', [prefix, { Ref: 'AWS::AccountId' }]] },
    });
    const ownRules = b.Properties.LifecycleConfiguration.Rules.filter(
      (r: { Prefix?: string }) => r.Prefix === '_s3-dr/',
    );
    expect(ownRules).toEqual([
      {
        Id: 's3-dr-expire-own-objects',
        Prefix: '_s3-dr/',
        Status: 'Enabled',
        ExpirationInDays: 1,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      },
    ]);
  });
});

describe('the dashboard', () => {
  test('graphs the canary latency and every replication event type', () => {
    const [, dashboard] = onlyResource(dev.nested, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of [
      'CanaryReplicationLatency',
      'OperationFailedReplication',
      'OperationMissedThreshold',
      'OperationReplicatedAfterThreshold',
      'OperationNotTracked',
    ]) {
      expect(body).toMatch(new RegExp(`S3DR/Replication\\\\",\\\\"${metric}\\\\"`));
    }
    expect(body).toContain('S3DR/Replication');
  });
});

describe('function code', () => {
  test('is the pre-bundled asset shipped in s3-dr-cdk: synth bundles nothing', () => {
    const { app, nested } = synthTap();
    const outdir = app.synth().directory;
    for (const [name, asset] of [
      ['s3-replication-events-dev', 'replication-events'],
      ['s3-replication-canary-dev', 'canary'],
    ]) {
      const [, f] = onlyResource(nested, 'AWS::Lambda::Function', { FunctionName: name });
      const assetHash = (f.Properties.Code.S3Key as string).replace(/\.zip$/, '');
      const staged = readFileSync(join(outdir, `asset.${assetHash}`, 'index.js'), 'utf8');
      expect(staged).toBe(readFileSync(join(CDK_PACKAGE, 'assets', asset, 'index.js'), 'utf8'));
    }
  });
});
