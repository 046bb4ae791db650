import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, type PairInStack, pairIn } from './support/pair';
import { keyIdOfAlias, onlyResource, roleStatementsById } from './support/template';
import { TemplateValues } from './support/template-values';

// The pair's own functions: the log of S3's replication events and the canary that measures
// replication end to end, with their permissions, schedules and alarms.

const PRIMARY = `primary-bucket-lib-${ACCOUNT}`;
const REPLICA = `replica-bucket-lib-${ACCOUNT}`;

let pair: PairInStack;
let template: Template;
let values: TemplateValues;
const ids: Record<string, string> = {};
beforeAll(() => {
  pair = pairIn({});
  template = pair.template;
  values = new TemplateValues(template, { account: ACCOUNT, region: 'eu-west-1' });
  ids.primary = onlyResource(template, 'AWS::S3::Bucket', { BucketName: PRIMARY })[0];
  ids.replica = onlyResource(template, 'AWS::S3::Bucket', { BucketName: REPLICA })[0];
  ids.logGroup = onlyResource(template, 'AWS::Logs::LogGroup', {
    LogGroupName: '/aws/s3/replication/lib',
  })[0];
  ids.topic = onlyResource(template, 'AWS::SNS::Topic')[0];
  for (const name of ['events', 'canary']) {
    ids[name] = onlyResource(template, 'AWS::Lambda::Function', {
      FunctionName: `s3-replication-${name}-lib`,
    })[0];
  }
});

function fn(name: string): Record<string, any> {
  return onlyResource(template, 'AWS::Lambda::Function', { FunctionName: name })[1].Properties;
}

function alarm(name: string): Record<string, any> {
  return onlyResource(template, 'AWS::CloudWatch::Alarm', { AlarmName: name })[1].Properties;
}

/** The statements of the only managed policy of a function's role, which has no other policy. */
function policyOf(functionName: string): Record<string, any>[] {
  return roleStatementsById(template, fn(functionName).Role['Fn::GetAtt'][0]);
}

const logStatement = () => ({
  Sid: 'WriteOwnLogs',
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: { 'Fn::GetAtt': [ids.logGroup, 'Arn'] },
});

describe.each(['s3-replication-events-lib', 's3-replication-canary-lib'])('function %s', (name) => {
  test('runs on Node.js 24 (nodejs24.x, the newest runtime Lambda offers) and logs to the replication log group', () => {
    expect(fn(name)).toMatchObject({
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: { Ref: ids.logGroup } },
    });
  });

  test('has its own role, trusted by Lambda only', () => {
    const roleId = fn(name).Role['Fn::GetAtt'][0];
    expect(template.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });
});

describe('the replication event log', () => {
  test('the function may only write its logs', () => {
    expect(policyOf('s3-replication-events-lib')).toEqual([logStatement()]);
  });

  // S3 sends replication events to SNS, SQS or Lambda only, not to EventBridge.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-metrics-events.html
  test('the primary bucket sends all four replication event types to it', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
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
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [ids.events, 'Arn'] },
      Principal: 's3.amazonaws.com',
      SourceAccount: ACCOUNT,
      SourceArn: { 'Fn::GetAtt': [ids.primary, 'Arn'] },
    });
  });

  test('its alarm fires on any failed or missed-threshold event in 5 minutes and notifies the topic', () => {
    const props = alarm('s3-replication-events-lib');
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
    const metrics = props.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).map(
      (m: { Id: string; MetricStat: { Metric: Record<string, unknown>; Stat: string; Period: number } }) => [
        m.Id,
        m.MetricStat.Metric.Namespace,
        m.MetricStat.Metric.MetricName,
        m.MetricStat.Stat,
        m.MetricStat.Period,
      ],
    );
    expect(metrics).toEqual([
      ['failed', 'S3DR/Replication', 'OperationFailedReplication', 'Sum', 300],
      ['missed', 'S3DR/Replication', 'OperationMissedThreshold', 'Sum', 300],
    ]);
  });
});

describe('the canary', () => {
  test('runs every 5 minutes, without retries that would write a second probe', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 's3-replication-canary-lib',
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
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.canary },
      MaximumRetryAttempts: 0,
    });
  });

  test('knows both buckets and its prefix, and has time to wait for its own probe', () => {
    expect(fn('s3-replication-canary-lib')).toMatchObject({
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

  test('may only touch probe objects under _s3-dr/canary/, and use each key only through S3 for its bucket', () => {
    const viaS3For = (bucket: string) => ({
      StringEquals: {
        'kms:ViaService': 's3.eu-west-1.amazonaws.com',
        'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${bucket}`,
      },
    });
    const keyArn = (alias: string) =>
      values.resolve({ 'Fn::GetAtt': [keyIdOfAlias(template, alias), 'Arn'] });
    const [, ...probeStatements] = policyOf('s3-replication-canary-lib');
    expect(policyOf('s3-replication-canary-lib')[0]).toEqual(logStatement());
    expect(
      values
        .resolve<Record<string, any>[]>(probeStatements)
        .map((s) => ({ ...s, Action: Array.isArray(s.Action) ? [...s.Action].sort() : s.Action })),
    ).toEqual([
      {
        Sid: 'ListProbesInPrimary',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${PRIMARY}`,
        Condition: { StringLike: { 's3:prefix': ['_s3-dr/canary/*'] } },
      },
      {
        Sid: 'WriteReadRetireProbesInPrimary',
        Effect: 'Allow',
        Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        Resource: `arn:aws:s3:::${PRIMARY}/_s3-dr/canary/*`,
      },
      {
        Sid: 'ReadProbesInReplica',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${REPLICA}/_s3-dr/canary/*`,
      },
      {
        Sid: 'ListProbesInReplica',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${REPLICA}`,
        Condition: { StringLike: { 's3:prefix': ['_s3-dr/canary/*'] } },
      },
      {
        Sid: 'EncryptProbes',
        Effect: 'Allow',
        Action: 'kms:GenerateDataKey',
        Resource: keyArn('alias/s3-dr-primary-lib'),
        Condition: viaS3For(PRIMARY),
      },
      {
        Sid: 'DecryptReplicatedProbes',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: keyArn('alias/s3-dr-replica-lib'),
        Condition: viaS3For(REPLICA),
      },
    ]);
  });

  test.each([
    [
      's3-replication-canary-latency-lib',
      'CanaryReplicationLatency',
      'Maximum',
      300,
      'GreaterThanThreshold',
      900,
      'notBreaching',
    ],
    [
      's3-replication-canary-silent-lib',
      'CanaryProbesCompleted',
      'Sum',
      1200,
      'LessThanThreshold',
      1,
      'breaching',
    ],
    [
      's3-replication-canary-overdue-lib',
      'CanaryProbesOverdue',
      'Sum',
      300,
      'GreaterThanThreshold',
      0,
      'notBreaching',
    ],
    [
      's3-replication-canary-errors-lib',
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
        Dimensions: [{ Name: 'SourceBucket', Value: PRIMARY }],
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
    const [, composite] = onlyResource(template, 'AWS::CloudWatch::CompositeAlarm', {
      AlarmName: 's3-replication-canary-lib',
    });
    expect(composite.Properties.AlarmActions).toEqual([{ Ref: ids.topic }]);
    expect(composite.Properties.OKActions).toEqual([{ Ref: ids.topic }]);
    const rule = JSON.stringify(composite.Properties.AlarmRule);
    for (const child of ['LatencyAlarm', 'SilentAlarm', 'OverdueAlarm', 'ErrorsAlarm']) {
      expect(rule).toMatch(
        new RegExp(`ALARM\\(\\\\"","?\\{"Fn::GetAtt":\\["DrCanary${child}[0-9A-F]{8}","Arn"\\]\\}`),
      );
    }
    expect(rule.split(' OR ')).toHaveLength(4);
  });

  test('the four feeding alarms do not notify on their own (no double pages)', () => {
    for (const name of ['latency', 'silent', 'overdue', 'errors']) {
      expect(alarm(`s3-replication-canary-${name}-lib`).AlarmActions).toBeUndefined();
    }
  });
});

test('the function code is the pre-bundled asset shipped in the package: synth bundles nothing', () => {
  const outdir = pair.app.synth().directory;
  for (const [name, asset] of [
    ['s3-replication-events-lib', 'replication-events'],
    ['s3-replication-canary-lib', 'canary'],
  ]) {
    const assetHash = (fn(name).Code.S3Key as string).replace(/\.zip$/, '');
    const staged = readFileSync(join(outdir, `asset.${assetHash}`, 'index.js'), 'utf8');
    expect(staged).toBe(readFileSync(join(__dirname, '..', 'assets', asset, 'index.js'), 'utf8'));
  }
});
