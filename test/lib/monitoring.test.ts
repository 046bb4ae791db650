import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { onlyResource, type Synthesized, synthTap } from '../support/tap';

let dev: Synthesized;
let topicId: string;
beforeAll(() => {
  dev = synthTap();
  [topicId] = onlyResource(dev.nested, 'AWS::SNS::Topic');
});

const dimensions = [
  {
    Name: 'DestinationBucket',
    Value: { 'Fn::Join': ['', ['replica-bucket-dev-', { Ref: 'AWS::AccountId' }]] },
  },
  { Name: 'RuleId', Value: 'replicate-all-dev' },
  { Name: 'SourceBucket', Value: { 'Fn::Join': ['', ['primary-bucket-dev-', { Ref: 'AWS::AccountId' }]] } },
];

/** Metric and composite alarms of the nested stack, by logical id. */
function allAlarms(): Record<string, unknown> {
  return {
    ...dev.nested.findResources('AWS::CloudWatch::Alarm'),
    ...dev.nested.findResources('AWS::CloudWatch::CompositeAlarm'),
  };
}

function alarm(name: string): Record<string, any> {
  return onlyResource(dev.nested, 'AWS::CloudWatch::Alarm', { AlarmName: name })[1].Properties;
}

describe('the alarm topic', () => {
  test('is named by the suffix and encrypted with its own customer-managed key, not alias/aws/sns', () => {
    const keyId = onlyResource(dev.nested, 'AWS::KMS::Alias', { AliasName: 'alias/s3-dr-alarms-dev' })[1]
      .Properties.TargetKeyId['Fn::GetAtt'][0];
    dev.nested.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 's3-replication-alarms-dev',
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });

  test('denies publishing without TLS', () => {
    dev.nested.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test("lets CloudWatch publish, only for this deployment's alarms (s3-replication-*-<suffix>)", () => {
    dev.nested.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowCloudWatchAlarmsToPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: topicId },
            Condition: {
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:aws:cloudwatch:us-east-1:',
                      { Ref: 'AWS::AccountId' },
                      ':alarm:s3-replication-*-dev',
                    ],
                  ],
                },
              },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          },
        ]),
      },
    });
  });

  test('has no subscription unless an alarm e-mail is configured', () => {
    dev.nested.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('without an alarm e-mail, synth warns that the alarms notify nobody and says how to fix it', () => {
    Annotations.fromStack(dev.stack).hasWarning(
      '/TapStackdev/S3Replication/Default/AlarmTopic',
      Match.stringLikeRegexp(
        'No alarmEmail is set, so the alarm topic s3-replication-alarms-dev has no subscriber.*-c alarmEmail=oncall@example.com.*subscribe any other endpoint',
      ),
    );
  });

  test('with an alarm e-mail, synth does not warn about the topic', () => {
    const withEmail = synthTap({ context: { alarmEmail: 'oncall@example.com' } });
    Annotations.fromStack(withEmail.stack).hasNoWarning('*', Match.stringLikeRegexp('alarmEmail'));
  });

  test('subscribes the configured alarm e-mail address', () => {
    const withEmail = synthTap({ context: { alarmEmail: 'oncall@example.com' } });
    withEmail.nested.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: { Ref: onlyResource(withEmail.nested, 'AWS::SNS::Topic')[0] },
    });
  });
});

describe('the latency alarm', () => {
  test('watches the maximum ReplicationLatency of this rule over 5 minutes', () => {
    expect(alarm('s3-replication-latency-dev')).toMatchObject({
      Namespace: 'AWS/S3',
      MetricName: 'ReplicationLatency',
      Dimensions: dimensions,
      Statistic: 'Maximum',
      Period: 300,
    });
  });

  test('fires above 900 seconds (the metric is in seconds) for 2 periods', () => {
    expect(alarm('s3-replication-latency-dev')).toMatchObject({
      Threshold: 900,
      EvaluationPeriods: 2,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  test('treats missing data as not breaching, because an idle bucket publishes no datapoints', () => {
    expect(alarm('s3-replication-latency-dev').TreatMissingData).toBe('notBreaching');
  });

  test('its RuleId dimension is the id of the replication rule', () => {
    const [, primary] = onlyResource(dev.nested, 'AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['primary-bucket-dev-', { Ref: 'AWS::AccountId' }]] },
    });
    const ruleId = primary.Properties.ReplicationConfiguration.Rules[0].Id;
    const dims = alarm('s3-replication-latency-dev').Dimensions as { Name: string; Value: unknown }[];
    expect(dims.find((d) => d.Name === 'RuleId')?.Value).toBe(ruleId);
  });
});

describe('the failed-operations alarm', () => {
  test('fires on any failed operation: Sum of OperationsFailedReplication > 0 in 5 minutes', () => {
    expect(alarm('s3-replication-failed-dev')).toMatchObject({
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

describe.each(['s3-replication-latency-dev', 's3-replication-failed-dev'])('alarm %s', (name) => {
  test('notifies the alarm topic on ALARM and on OK', () => {
    expect(alarm(name).AlarmActions).toEqual([{ Ref: topicId }]);
    expect(alarm(name).OKActions).toEqual([{ Ref: topicId }]);
  });
});

describe('the dashboard', () => {
  let body: string;
  beforeAll(() => {
    const [, dashboard] = onlyResource(dev.nested, 'AWS::CloudWatch::Dashboard', {
      DashboardName: 's3-replication-dashboard-dev',
    });
    // The body is a Fn::Join of JSON fragments and tokens; its literal parts are enough to inspect.
    body = (dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[])
      .map((part) => (typeof part === 'string' ? part : '<token>'))
      .join('');
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
    const [, dashboard] = onlyResource(dev.nested, 'AWS::CloudWatch::Dashboard');
    // Every alarm ARN the body references, duplicates kept: a list naming one alarm twice and
    // leaving another out must fail here.
    const shown = (dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[])
      .flatMap((part) => {
        const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt'];
        return getAtt?.[1] === 'Arn' ? [getAtt[0]] : [];
      })
      .filter((id) => id in allAlarms())
      .sort();
    expect(body).toContain('"type":"alarm"');
    expect(shown).toEqual(Object.keys(allAlarms()).sort());
  });
});

describe('the replication log group', () => {
  test('is /aws/s3/replication/<suffix> with 7-day retention', () => {
    dev.nested.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/s3/replication/dev',
      RetentionInDays: 7,
    });
  });

  test('is encrypted with the logs key', () => {
    const keyId = onlyResource(dev.nested, 'AWS::KMS::Alias', { AliasName: 'alias/s3-dr-logs-dev' })[1]
      .Properties.TargetKeyId['Fn::GetAtt'][0];
    dev.nested.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/s3/replication/dev',
      KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });
});
