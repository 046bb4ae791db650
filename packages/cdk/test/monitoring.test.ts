import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, type PairInStack, pairIn } from './support/pair';
import { keyIdOfAlias, onlyResource } from './support/template';

// The pair's alarm topic, replication alarms, dashboard and log group. (Who may publish to the
// topic: alarm-topic.test.ts.)

const PRIMARY = `primary-bucket-lib-${ACCOUNT}`;
const REPLICA = `replica-bucket-lib-${ACCOUNT}`;

let pair: PairInStack;
let template: Template;
let topicId: string;
beforeAll(() => {
  pair = pairIn({});
  template = pair.template;
  [topicId] = onlyResource(template, 'AWS::SNS::Topic');
});

/** The three dimensions S3 publishes replication metrics with, for the forward rule. */
const dimensions = [
  { Name: 'DestinationBucket', Value: REPLICA },
  { Name: 'RuleId', Value: 'replicate-all-lib' },
  { Name: 'SourceBucket', Value: PRIMARY },
];

function alarm(name: string): Record<string, any> {
  return onlyResource(template, 'AWS::CloudWatch::Alarm', { AlarmName: name })[1].Properties;
}

describe('the alarm topic', () => {
  test('is named by the suffix and encrypted with its own customer-managed key, not alias/aws/sns', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 's3-replication-alarms-lib',
      KmsMasterKeyId: { 'Fn::GetAtt': [keyIdOfAlias(template, 'alias/s3-dr-alarms-lib'), 'Arn'] },
    });
  });

  test('denies publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('without an alarm e-mail it has no subscription, and synth warns that the alarms notify nobody and says how to fix it', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    Annotations.fromStack(pair.stack).hasWarning(
      '/Consumer/Dr/AlarmTopic',
      Match.stringLikeRegexp(
        'No alarmEmail is set, so the alarm topic s3-replication-alarms-lib has no subscriber.*-c alarmEmail=oncall@example.com.*subscribe any other endpoint',
      ),
    );
  });

  test('with an alarm e-mail, synth does not warn about the topic', () => {
    const withEmail = pairIn({ alarmEmail: 'oncall@example.com' });
    Annotations.fromStack(withEmail.stack).hasNoWarning('*', Match.stringLikeRegexp('alarmEmail'));
  });
});

describe('the latency alarm', () => {
  test('watches the maximum ReplicationLatency of the forward rule over 5 minutes', () => {
    expect(alarm('s3-replication-latency-lib')).toMatchObject({
      Namespace: 'AWS/S3',
      MetricName: 'ReplicationLatency',
      Dimensions: dimensions,
      Statistic: 'Maximum',
      Period: 300,
    });
  });

  // ReplicationLatency is in seconds: 15 minutes is 900.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html
  test('fires above 900 seconds for 2 periods', () => {
    expect(alarm('s3-replication-latency-lib')).toMatchObject({
      Threshold: 900,
      EvaluationPeriods: 2,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  test('treats missing data as not breaching, because an idle bucket publishes no datapoints', () => {
    expect(alarm('s3-replication-latency-lib').TreatMissingData).toBe('notBreaching');
  });
});

describe('the failed-operations alarm', () => {
  test('fires on any failed operation: Sum of OperationsFailedReplication > 0 in 5 minutes', () => {
    expect(alarm('s3-replication-failed-lib')).toMatchObject({
      Namespace: 'AWS/S3',
      MetricName: 'OperationsFailedReplication',
      Dimensions: dimensions,
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });
});

describe.each(['s3-replication-latency-lib', 's3-replication-failed-lib'])('alarm %s', (name) => {
  test('notifies the alarm topic on ALARM and on OK', () => {
    expect(alarm(name).AlarmActions).toEqual([{ Ref: topicId }]);
    expect(alarm(name).OKActions).toEqual([{ Ref: topicId }]);
  });
});

describe('the dashboard', () => {
  let parts: unknown[];
  let body: string;
  beforeAll(() => {
    const [, dashboard] = onlyResource(template, 'AWS::CloudWatch::Dashboard', {
      DashboardName: 's3-replication-dashboard-lib',
    });
    // The body is a Fn::Join of JSON fragments and tokens; its literal parts are enough to inspect.
    parts = dashboard.Properties.DashboardBody['Fn::Join'][1];
    body = parts.map((part) => (typeof part === 'string' ? part : '<token>')).join('');
  });

  test.each([
    ['ReplicationLatency', 'Maximum'],
    ['OperationsPendingReplication', 'Maximum'],
    ['BytesPendingReplication', 'Maximum'],
    ['OperationsFailedReplication', 'Sum'],
  ])('graphs %s with the %s statistic', (metric, stat) => {
    expect(body).toMatch(new RegExp(`"AWS/S3","${metric}",[^\\]]*"stat":"${stat}"`));
  });

  test('shows the state of every alarm of the stack, each exactly once', () => {
    const alarms = {
      ...template.findResources('AWS::CloudWatch::Alarm'),
      ...template.findResources('AWS::CloudWatch::CompositeAlarm'),
    };
    // Every alarm ARN the body references, duplicates kept: a list naming one alarm twice and
    // leaving another out must fail here.
    const shown = parts
      .flatMap((part) => {
        const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt'];
        return getAtt?.[1] === 'Arn' ? [getAtt[0]] : [];
      })
      .filter((id) => id in alarms)
      .sort();
    expect(body).toContain('"type":"alarm"');
    expect(shown).toEqual(Object.keys(alarms).sort());
  });

  test('graphs the canary latency and every replication event type', () => {
    for (const metric of [
      'CanaryReplicationLatency',
      'OperationFailedReplication',
      'OperationMissedThreshold',
      'OperationReplicatedAfterThreshold',
      'OperationNotTracked',
    ]) {
      expect(body).toMatch(new RegExp(`"S3DR/Replication","${metric}"`));
    }
  });
});

describe('the replication log group', () => {
  test('is /aws/s3/replication/<suffix>, kept 7 days, encrypted with the logs key', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/s3/replication/lib',
      RetentionInDays: 7,
      KmsKeyId: { 'Fn::GetAtt': [keyIdOfAlias(template, 'alias/s3-dr-logs-lib'), 'Arn'] },
    });
  });
});
