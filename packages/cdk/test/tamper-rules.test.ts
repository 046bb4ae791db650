import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MAX_SUFFIX_LENGTH } from 's3-dr-naming';
import { S3ReplicationPair, type S3ReplicationPairProps } from '../src';
import { matches } from './support/event-pattern';
import { type Deployment, TemplateValues } from './support/template-values';

// Which CloudTrail events the tamper rule and the alert-path rule match, decided by matching
// CloudTrail records against the synthesized event patterns. The records carry the fields the rules
// read, as CloudTrail writes them: eventSource, eventName and the request's parameters named as the
// API's with a lowercase first letter.
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html

const ACCOUNT = '111122223333';
const HERE: Deployment = { account: ACCOUNT, region: 'eu-west-1' };
const PRIMARY = `primary-bucket-lib-${ACCOUNT}`;
const REPLICA = `replica-bucket-lib-${ACCOUNT}`;

interface Watch {
  readonly values: TemplateValues;
  /** Whether the rule named `name` matches the CloudTrail record of this call. */
  readonly matches: (name: string, source: string, eventName: string, requestParameters?: object) => boolean;
  /** The id and ARN of the key whose logical id starts with `prefix`. */
  readonly key: (prefix: string) => { id: string; arn: string };
  readonly topicArn: string;
}

function watchIn(stack: Stack, deployment: Deployment): Watch {
  const template = Template.fromStack(stack);
  const values = new TemplateValues(template, deployment);
  const patterns = new Map(
    Object.values(template.findResources('AWS::Events::Rule')).map((r) => [
      values.resolve<string>(r.Properties.Name),
      values.resolve(r.Properties.EventPattern),
    ]),
  );
  const key = (prefix: string) => {
    const [id] = values.logicalIds('AWS::KMS::Key', prefix);
    return {
      id: values.resolve<string>({ Ref: id }),
      arn: values.resolve<string>({ 'Fn::GetAtt': [id, 'Arn'] }),
    };
  };
  return {
    values,
    key,
    topicArn: values.resolve({ Ref: values.logicalIds('AWS::SNS::Topic')[0] }),
    matches: (name, eventSource, eventName, requestParameters = {}) => {
      const pattern = patterns.get(name);
      if (!pattern) throw new Error(`no rule ${name} in the template`);
      return matches(pattern, {
        source: `aws.${eventSource.split('.')[0]}`,
        'detail-type': 'AWS API Call via CloudTrail',
        account: deployment.account,
        region: deployment.region,
        detail: {
          eventSource,
          eventName,
          requestParameters,
          userIdentity: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/admin/session` },
          eventID: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
        },
      });
    },
  };
}

function pairIn(props: Partial<S3ReplicationPairProps> = {}): S3ReplicationPair {
  const stack = new Stack(new App(), 'Consumer', { env: HERE });
  return new S3ReplicationPair(stack, 'Dr', { environmentSuffix: 'lib', ...props });
}

/** The rule named `ruleName` sends the alarm topic a text built from these `detail` paths. */
function expectMessage(template: Template, ruleName: string, paths: string[], text: string): void {
  template.hasResourceProperties('AWS::Events::Rule', {
    Name: ruleName,
    Targets: [
      {
        Arn: { Ref: Match.stringLikeRegexp('^DrAlarmTopic') },
        InputTransformer: {
          InputPathsMap: Match.objectLike(
            Object.fromEntries(paths.map((p) => [`detail-${p.replace('.', '-')}`, `$.detail.${p}`])),
          ),
          InputTemplate: Match.stringLikeRegexp(text),
        },
      },
    ],
  });
}

const TAMPER = 's3-dr-tamper-lib';
const ALERT_PATH = 's3-dr-alert-path-lib';

describe('GIVEN a pair in one region: the tamper rule', () => {
  let watch: Watch;
  beforeAll(() => {
    watch = watchIn(Stack.of(pairIn()), HERE);
  });

  test('THEN it matches every DeleteObjects on the replica, whose record does not say which versions it deleted', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/logging-with-S3.html
    expect(
      watch.matches(TAMPER, 's3.amazonaws.com', 'DeleteObjects', { bucketName: REPLICA, delete: '' }),
    ).toBe(true);
  });

  test('THEN it does not match DeleteObjects on the primary, where applications delete, nor on another bucket', () => {
    expect(watch.matches(TAMPER, 's3.amazonaws.com', 'DeleteObjects', { bucketName: PRIMARY })).toBe(false);
    expect(watch.matches(TAMPER, 's3.amazonaws.com', 'DeleteObjects', { bucketName: 'other-bucket' })).toBe(
      false,
    );
  });

  test('THEN it still matches a DeleteObject of one version on either bucket, not one that only adds a delete marker', () => {
    for (const bucketName of [PRIMARY, REPLICA]) {
      expect(
        watch.matches(TAMPER, 's3.amazonaws.com', 'DeleteObject', { bucketName, key: 'k', versionId: 'v1' }),
      ).toBe(true);
      expect(watch.matches(TAMPER, 's3.amazonaws.com', 'DeleteObject', { bucketName, key: 'k' })).toBe(false);
    }
  });

  test.each(['UpdateAlias', 'DeleteAlias'])(
    'THEN it matches %s of the data keys’ aliases, not of another alias',
    (call) => {
      for (const aliasName of ['alias/s3-dr-primary-lib', 'alias/s3-dr-replica-lib']) {
        expect(watch.matches(TAMPER, 'kms.amazonaws.com', call, { aliasName, targetKeyId: 'x' })).toBe(true);
      }
      expect(watch.matches(TAMPER, 'kms.amazonaws.com', call, { aliasName: 'alias/other' })).toBe(false);
    },
  );

  test('THEN it matches the disabling, deletion or re-targeting of the alert-path rule, which cannot report its own', () => {
    for (const call of ['DisableRule', 'DeleteRule', 'PutRule']) {
      expect(watch.matches(TAMPER, 'events.amazonaws.com', call, { name: ALERT_PATH })).toBe(true);
    }
    for (const call of ['RemoveTargets', 'PutTargets']) {
      expect(
        watch.matches(TAMPER, 'events.amazonaws.com', call, { rule: ALERT_PATH, ids: ['Target0'] }),
      ).toBe(true);
    }
    expect(watch.matches(TAMPER, 'events.amazonaws.com', 'DisableRule', { name: 'someone-elses-rule' })).toBe(
      false,
    );
  });
});

describe('GIVEN a pair in one region: the messages', () => {
  test('THEN the tamper rule tells who did what to which bucket, key, alias or rule, from where, with the CloudTrail event id', () => {
    expectMessage(
      Template.fromStack(Stack.of(pairIn())),
      TAMPER,
      [
        'userIdentity.arn',
        'eventName',
        'requestParameters.bucketName',
        'requestParameters.keyId',
        'requestParameters.aliasName',
        'requestParameters.name',
        'sourceIPAddress',
        'eventID',
      ],
      '<detail-userIdentity-arn> called <detail-eventName> on bucket <detail-requestParameters-bucketName> key <detail-requestParameters-keyId> alias <detail-requestParameters-aliasName> rule <detail-requestParameters-name> from <detail-sourceIPAddress>.*CloudTrail event id: <detail-eventID>',
    );
  });
});

describe('GIVEN a pair in one region: the alert-path rule', () => {
  let watch: Watch;
  beforeAll(() => {
    watch = watchIn(Stack.of(pairIn({ bidirectional: true })), HERE);
  });

  test.each(['StopLogging', 'DeleteTrail', 'PutEventSelectors', 'UpdateTrail'])(
    'THEN it matches %s of any trail: the rules see nothing without one',
    (call) => {
      expect(watch.matches(ALERT_PATH, 'cloudtrail.amazonaws.com', call, { name: 'org-trail' })).toBe(true);
    },
  );

  test('THEN it does not match a trail call that silences nothing', () => {
    expect(watch.matches(ALERT_PATH, 'cloudtrail.amazonaws.com', 'StartLogging', { name: 'org-trail' })).toBe(
      false,
    );
  });

  test("THEN it matches the disabling, deletion or re-targeting of each of the deployment's rules, canary schedules included", () => {
    const ours = [TAMPER, ALERT_PATH, 's3-replication-canary-lib', 's3-replication-canary-back-lib'];
    for (const name of ours) {
      for (const call of ['DisableRule', 'DeleteRule', 'PutRule']) {
        expect({
          name,
          call,
          matched: watch.matches(ALERT_PATH, 'events.amazonaws.com', call, { name }),
        }).toEqual({
          name,
          call,
          matched: true,
        });
      }
      expect(
        watch.matches(ALERT_PATH, 'events.amazonaws.com', 'RemoveTargets', { rule: name, ids: ['1'] }),
      ).toBe(true);
    }
    expect(
      watch.matches(ALERT_PATH, 'events.amazonaws.com', 'DeleteRule', { name: 's3-dr-tamper-prod' }),
    ).toBe(false);
  });

  test("THEN it matches deleting, disabling or rewriting any of the deployment's alarms, and no other deployment's", () => {
    const alarms = { alarmNames: ['unrelated', 's3-replication-latency-lib'] };
    expect(watch.matches(ALERT_PATH, 'monitoring.amazonaws.com', 'DeleteAlarms', alarms)).toBe(true);
    expect(watch.matches(ALERT_PATH, 'monitoring.amazonaws.com', 'DisableAlarmActions', alarms)).toBe(true);
    expect(
      watch.matches(ALERT_PATH, 'monitoring.amazonaws.com', 'PutMetricAlarm', {
        alarmName: 's3-replication-tamper-lib',
      }),
    ).toBe(true);
    expect(
      watch.matches(ALERT_PATH, 'monitoring.amazonaws.com', 'PutCompositeAlarm', {
        alarmName: 's3-replication-canary-lib',
      }),
    ).toBe(true);
    const theirs = { alarmNames: ['s3-replication-latency-prod', 's3-replication-latency-lib2'] };
    expect(watch.matches(ALERT_PATH, 'monitoring.amazonaws.com', 'DeleteAlarms', theirs)).toBe(false);
  });

  test('THEN it matches deleting or re-configuring the alarm topic and removing or filtering its subscriptions', () => {
    const topicArn = watch.topicArn;
    expect(watch.matches(ALERT_PATH, 'sns.amazonaws.com', 'DeleteTopic', { topicArn })).toBe(true);
    expect(
      watch.matches(ALERT_PATH, 'sns.amazonaws.com', 'SetTopicAttributes', {
        topicArn,
        attributeName: 'Policy',
      }),
    ).toBe(true);
    const subscriptionArn = `${topicArn}:0b1f2c3d-4e5f-6789-abcd-ef0123456789`;
    expect(watch.matches(ALERT_PATH, 'sns.amazonaws.com', 'Unsubscribe', { subscriptionArn })).toBe(true);
    expect(
      watch.matches(ALERT_PATH, 'sns.amazonaws.com', 'SetSubscriptionAttributes', { subscriptionArn }),
    ).toBe(true);
  });

  test("THEN it does not match another topic's deletion or subscriptions, even one whose name extends ours", () => {
    const other = `${watch.topicArn}2`;
    expect(watch.matches(ALERT_PATH, 'sns.amazonaws.com', 'DeleteTopic', { topicArn: other })).toBe(false);
    expect(
      watch.matches(ALERT_PATH, 'sns.amazonaws.com', 'Unsubscribe', { subscriptionArn: `${other}:1` }),
    ).toBe(false);
  });

  test("THEN it matches deleting, disabling or re-policing the topic's key (by id or ARN) and moving its alias", () => {
    const { id, arn } = watch.key('DrAlarmTopicKey');
    for (const call of ['ScheduleKeyDeletion', 'DisableKey', 'PutKeyPolicy']) {
      expect(watch.matches(ALERT_PATH, 'kms.amazonaws.com', call, { keyId: id })).toBe(true);
      expect(watch.matches(ALERT_PATH, 'kms.amazonaws.com', call, { keyId: arn })).toBe(true);
    }
    for (const call of ['UpdateAlias', 'DeleteAlias']) {
      expect(
        watch.matches(ALERT_PATH, 'kms.amazonaws.com', call, { aliasName: 'alias/s3-dr-alarms-lib' }),
      ).toBe(true);
    }
    // The data keys are the tamper rule's.
    expect(
      watch.matches(ALERT_PATH, 'kms.amazonaws.com', 'DisableKey', { keyId: watch.key('DrReplicaKey').id }),
    ).toBe(false);
  });

  test('THEN it sends the alarm topic a message saying who made which call, from where, with the CloudTrail event id', () => {
    expectMessage(
      Template.fromStack(Stack.of(pairIn())),
      ALERT_PATH,
      ['userIdentity.arn', 'eventName', 'eventSource', 'sourceIPAddress', 'eventID'],
      'alert-path alert: <detail-userIdentity-arn> called <detail-eventName> \\(<detail-eventSource>\\) from <detail-sourceIPAddress>.*CloudTrail event id: <detail-eventID>',
    );
  });

  test('THEN its alarm fires on a match, and on any failed delivery of the tamper or alert-path rule to the topic', () => {
    const template = Template.fromStack(Stack.of(pairIn()));
    const metric = (name: string, rule: string) =>
      Match.objectLike({
        MetricStat: Match.objectLike({
          Metric: {
            Namespace: 'AWS/Events',
            MetricName: name,
            Dimensions: [{ Name: 'RuleName', Value: rule }],
          },
          Stat: 'Sum',
          Period: 300,
        }),
      });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 's3-replication-alert-path-lib',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^DrAlarmTopic') }],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(matches, 0) + FILL(failed0, 0) + FILL(failed1, 0)' }),
        metric('TriggeredRules', ALERT_PATH),
        metric('FailedInvocations', ALERT_PATH),
        metric('FailedInvocations', TAMPER),
      ]),
    });
  });
});

describe('GIVEN the replica in another region', () => {
  test("THEN its region has its own alert-path rule, for that region's topic, key and rules", () => {
    const pair = pairIn({ replicaRegion: 'us-west-2' });
    const there = watchIn(pair.replicaStack as Stack, { account: ACCOUNT, region: 'us-west-2' });
    expect(there.topicArn).toBe(`arn:aws:sns:us-west-2:${ACCOUNT}:s3-replication-alarms-lib`);
    expect(there.matches(ALERT_PATH, 'sns.amazonaws.com', 'DeleteTopic', { topicArn: there.topicArn })).toBe(
      true,
    );
    expect(
      there.matches(ALERT_PATH, 'kms.amazonaws.com', 'DisableKey', { keyId: there.key('AlarmTopicKey').id }),
    ).toBe(true);
    expect(there.matches(ALERT_PATH, 'events.amazonaws.com', 'DisableRule', { name: TAMPER })).toBe(true);
    expect(there.matches(TAMPER, 's3.amazonaws.com', 'DeleteObjects', { bucketName: REPLICA })).toBe(true);
    expect(there.matches(TAMPER, 'events.amazonaws.com', 'DisableRule', { name: ALERT_PATH })).toBe(true);
    // The primary's region no longer holds the replica: no bulk delete there is reported.
    const here = watchIn(Stack.of(pair), HERE);
    expect(here.matches(TAMPER, 's3.amazonaws.com', 'DeleteObjects', { bucketName: PRIMARY })).toBe(false);
  });
});

test('GIVEN the longest suffix, two-way in one and in two GovCloud regions THEN every event pattern stays within the 4096 characters EventBridge accepts', () => {
  // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html (EventPattern)
  const suffix = 'a'.repeat(MAX_SUFFIX_LENGTH);
  const lengths: Record<string, number> = {};
  for (const replicaRegion of ['us-gov-west-1', 'us-gov-east-1']) {
    const stack = new Stack(new App(), 'Consumer', { env: { account: ACCOUNT, region: 'us-gov-west-1' } });
    const pair = new S3ReplicationPair(stack, 'Dr', {
      environmentSuffix: suffix,
      replicaRegion,
      bidirectional: true,
    });
    const stacks = [stack, ...(pair.replicaStack ? [pair.replicaStack] : [])];
    for (const s of stacks) {
      const template = Template.fromStack(s);
      const deployment = { account: ACCOUNT, region: s.region, partition: 'aws-us-gov' };
      const values = new TemplateValues(template, deployment);
      for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
        if (!rule.Properties.EventPattern) continue;
        const name = `${replicaRegion === stack.region ? 'one region' : 'two regions'}, ${s.region} ${values.resolve(rule.Properties.Name)}`;
        lengths[name] = JSON.stringify(values.resolve(rule.Properties.EventPattern)).length;
      }
    }
  }
  expect(Object.keys(lengths)).toHaveLength(6);
  // A margin for the spacing CloudFormation may add when it turns the pattern into text, and for key
  // ids (key-<logical id> here) that are up to a few characters longer in an account.
  expect(Object.entries(lengths).filter(([, length]) => length > 3500)).toEqual([]);
});
