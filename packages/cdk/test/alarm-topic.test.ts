import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { S3ReplicationPair, type S3ReplicationPairProps } from '../src';
import { type Caller, evaluate } from './support/policy-evaluator';
import { type Deployment, TemplateValues } from './support/template-values';

// Who may publish to the alarm topic, decided by evaluating the synthesized topic policy: only this
// deployment's EventBridge rules (by rule ARN and account) and this deployment's alarms.

const ACCOUNT = '111122223333';
const HERE: Deployment = { account: ACCOUNT, region: 'eu-west-1' };
const EVENTBRIDGE: Caller = { service: 'events.amazonaws.com' };
const CLOUDWATCH: Caller = { service: 'cloudwatch.amazonaws.com' };

interface Topic {
  readonly values: TemplateValues;
  readonly statements: any[];
  readonly arn: string;
  /** Names of every alarm and composite alarm in the template. */
  readonly alarms: string[];
}

function topicOf(stack: Stack, deployment: Deployment): Topic {
  const template = Template.fromStack(stack);
  const values = new TemplateValues(template, deployment);
  const [topic] = values.logicalIds('AWS::SNS::Topic');
  const alarms = ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'].flatMap((type) =>
    Object.values(template.findResources(type)).map((a) => values.resolve<string>(a.Properties.AlarmName)),
  );
  return {
    values,
    statements: values.policyStatements('AWS::SNS::TopicPolicy'),
    arn: values.resolve({ Ref: topic }),
    alarms,
  };
}

function pairIn(props: Partial<S3ReplicationPairProps> = {}): S3ReplicationPair {
  const stack = new Stack(new App(), 'Consumer', { env: HERE });
  return new S3ReplicationPair(stack, 'Dr', { environmentSuffix: 'lib', ...props });
}

/** What the topic policy decides about a publish by `caller` from `source` (an ARN) in `account`. */
function publish(topic: Topic, caller: Caller, source?: string, account = ACCOUNT) {
  const context: Record<string, string> = { 'aws:SecureTransport': 'true', 'aws:SourceAccount': account };
  if (source) context['aws:SourceArn'] = source;
  return evaluate(topic.statements, { caller, action: 'sns:Publish', resource: topic.arn, context }).decision;
}

const ruleArn = (region: string, account: string, name: string) =>
  `arn:aws:events:${region}:${account}:rule/${name}`;
const alarmArn = (region: string, account: string, name: string) =>
  `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;

describe('GIVEN a pair in one region', () => {
  let topic: Topic;
  beforeAll(() => {
    topic = topicOf(Stack.of(pairIn()), HERE);
  });

  test('THEN EventBridge may publish for the tamper and alert-path rules of this pair', () => {
    for (const rule of ['s3-dr-tamper-lib', 's3-dr-alert-path-lib']) {
      expect(publish(topic, EVENTBRIDGE, ruleArn('eu-west-1', ACCOUNT, rule))).toBe('Allow');
    }
  });

  test('THEN EventBridge may not publish for any other rule, another account, or without a source', () => {
    expect({
      otherRule: publish(topic, EVENTBRIDGE, ruleArn('eu-west-1', ACCOUNT, 'someone-elses-rule')),
      otherDeployment: publish(topic, EVENTBRIDGE, ruleArn('eu-west-1', ACCOUNT, 's3-dr-tamper-prod')),
      otherAccount: publish(
        topic,
        EVENTBRIDGE,
        ruleArn('eu-west-1', '444455556666', 's3-dr-tamper-lib'),
        '444455556666',
      ),
      noSource: publish(topic, EVENTBRIDGE),
    }).toEqual({
      otherRule: 'NotApplicable',
      otherDeployment: 'NotApplicable',
      otherAccount: 'NotApplicable',
      noSource: 'NotApplicable',
    });
  });

  test('THEN CloudWatch may publish for every alarm the pair creates', () => {
    expect(topic.alarms.length).toBeGreaterThan(5);
    const refused = topic.alarms.filter(
      (a) => publish(topic, CLOUDWATCH, alarmArn('eu-west-1', ACCOUNT, a)) !== 'Allow',
    );
    expect(refused).toEqual([]);
  });

  test("THEN CloudWatch may not publish for another deployment's alarm or another account's", () => {
    expect({
      otherDeployment: publish(
        topic,
        CLOUDWATCH,
        alarmArn('eu-west-1', ACCOUNT, 's3-replication-latency-prod'),
      ),
      notOurs: publish(topic, CLOUDWATCH, alarmArn('eu-west-1', ACCOUNT, 'billing-alarm')),
      otherAccount: publish(
        topic,
        CLOUDWATCH,
        alarmArn('eu-west-1', '444455556666', 's3-replication-latency-lib'),
        '444455556666',
      ),
    }).toEqual({ otherDeployment: 'NotApplicable', notOurs: 'NotApplicable', otherAccount: 'NotApplicable' });
  });

  test('THEN the topic key lets EventBridge encrypt, without source conditions (KMS does not support them for EventBridge)', () => {
    const key = topic.values.keyPolicyStatements('DrAlarmTopicKey');
    const decide = (action: string) =>
      evaluate(key, { caller: EVENTBRIDGE, action, resource: '*', context: {} }).decision;
    expect([decide('kms:GenerateDataKey'), decide('kms:Decrypt')]).toEqual(['Allow', 'Allow']);
  });
});

describe('GIVEN the replica in another region', () => {
  test("THEN the replica region's topic lets EventBridge publish for that region's rules only", () => {
    const pair = pairIn({ replicaRegion: 'us-west-2' });
    const topic = topicOf(pair.replicaStack as Stack, { account: ACCOUNT, region: 'us-west-2' });
    expect(publish(topic, EVENTBRIDGE, ruleArn('us-west-2', ACCOUNT, 's3-dr-tamper-lib'))).toBe('Allow');
    expect(publish(topic, EVENTBRIDGE, ruleArn('us-west-2', ACCOUNT, 's3-dr-alert-path-lib'))).toBe('Allow');
    expect(publish(topic, EVENTBRIDGE, ruleArn('eu-west-1', ACCOUNT, 's3-dr-tamper-lib'))).toBe(
      'NotApplicable',
    );
    const refused = topic.alarms.filter(
      (a) => publish(topic, CLOUDWATCH, alarmArn('us-west-2', ACCOUNT, a)) !== 'Allow',
    );
    expect(refused).toEqual([]);
  });
});
