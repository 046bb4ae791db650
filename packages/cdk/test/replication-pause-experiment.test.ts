import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PAUSE_TARGET_TAG, S3ReplicationPair, type S3ReplicationPairProps } from '../src';

// `drill: true`: the FIS experiment template that `s3-dr drill` starts, as a library user gets it.
// What each assertion rests on: the FIS action reference for aws:s3:bucket-pause-replication
// (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html#bucket-pause-replication)
// and the FIS policy example for it (security_iam_id-based-policy-examples.html#security-iam-policy-examples-s3).

function pairIn(props: Partial<S3ReplicationPairProps>): { app: App; stack: Stack; template: Template } {
  const app = new App();
  const stack = new Stack(app, 'Consumer', { env: { region: 'eu-west-1' } });
  const pair = new S3ReplicationPair(stack, 'Dr', { environmentSuffix: 'lib', drill: true, ...props });
  return { app, stack: pair.replicaStack ? stack : stack, template: Template.fromStack(stack) };
}

const accountJoin = (prefix: string) => ({ 'Fn::Join': ['', [prefix, { Ref: 'AWS::AccountId' }]] });

function experimentTemplate(template: Template): Record<string, any> {
  const found = Object.values(template.findResources('AWS::FIS::ExperimentTemplate'));
  expect(found).toHaveLength(1);
  return found[0].Properties;
}

function rolePolicyStatements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^DrDrillRole') }] },
  });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

test('GIVEN no drill prop WHEN synthesized THEN there is no experiment template, role or guard alarm', () => {
  const { template } = pairIn({ drill: undefined });
  template.resourceCountIs('AWS::FIS::ExperimentTemplate', 0);
  expect(JSON.stringify(template.toJSON())).not.toContain('s3-dr-fis-role-lib');
});

test('GIVEN drill WHEN synthesized THEN one action pauses the forward rule towards the replica bucket and region, for at most 30 minutes', () => {
  const { template } = pairIn({});
  const props = experimentTemplate(template);
  expect(Object.keys(props.Actions)).toEqual(['PauseForward']);
  expect(props.Actions.PauseForward).toEqual({
    ActionId: 'aws:s3:bucket-pause-replication',
    Description: expect.anything(),
    Parameters: {
      duration: 'PT30M',
      region: 'eu-west-1',
      destinationBuckets: accountJoin('replica-bucket-lib-'),
    },
    Targets: { Buckets: 'PauseForwardSource' },
  });
});

test('GIVEN drill WHEN synthesized THEN the target is the primary bucket, selected by a tag the bucket carries (the action targets by tags only)', () => {
  const { template } = pairIn({});
  const props = experimentTemplate(template);
  expect(props.Targets.PauseForwardSource).toEqual({
    ResourceType: 'aws:s3:bucket',
    ResourceTags: { [PAUSE_TARGET_TAG]: accountJoin('primary-bucket-lib-') },
    SelectionMode: 'ALL',
  });
  template.hasResourceProperties('AWS::S3::Bucket', {
    BucketName: accountJoin('primary-bucket-lib-'),
    Tags: Match.arrayWith([{ Key: PAUSE_TARGET_TAG, Value: accountJoin('primary-bucket-lib-') }]),
  });
});

test('GIVEN drill WHEN synthesized THEN the replica bucket carries no pause tag in a one-way pair', () => {
  const { template } = pairIn({});
  const replica = Object.values(
    template.findResources('AWS::S3::Bucket', {
      Properties: { BucketName: accountJoin('replica-bucket-lib-') },
    }),
  )[0] as any;
  expect(JSON.stringify(replica.Properties.Tags ?? [])).not.toContain(PAUSE_TARGET_TAG);
});

test('GIVEN drill WHEN synthesized THEN the stop condition is the guard alarm on the forward rule latency beyond the pause plus RTC', () => {
  const { template } = pairIn({});
  const props = experimentTemplate(template);
  expect(props.StopConditions).toEqual([
    {
      Source: 'aws:cloudwatch:alarm',
      Value: { 'Fn::GetAtt': [expect.stringMatching(/^DrDrillGuard/), 'Arn'] },
    },
  ]);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmName: 's3-replication-drill-guard-lib',
    MetricName: 'ReplicationLatency',
    Namespace: 'AWS/S3',
    Statistic: 'Maximum',
    Threshold: 45 * 60,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    Dimensions: Match.arrayWith([{ Name: 'RuleId', Value: 'replicate-all-lib' }]),
    AlarmActions: [Match.anyValue()],
  });
});

test('GIVEN drill WHEN synthesized THEN the template is named s3-dr-pause-replication-<suffix> and runs as the FIS role', () => {
  const { template } = pairIn({});
  const props = experimentTemplate(template);
  expect(props.Tags).toMatchObject({ Name: 's3-dr-pause-replication-lib' });
  expect(props.RoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DrDrillRole/), 'Arn'] });
});

test('GIVEN drill WHEN synthesized THEN only FIS experiments of this account and region may assume the role', () => {
  const { template } = pairIn({});
  template.hasResourceProperties('AWS::IAM::Role', {
    RoleName: 's3-dr-fis-role-lib',
    AssumeRolePolicyDocument: {
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'fis.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: {
              'aws:SourceArn': {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':fis:eu-west-1:',
                    { Ref: 'AWS::AccountId' },
                    ':experiment/*',
                  ],
                ],
              },
            },
          },
        },
      ],
    },
  });
});

test('GIVEN drill WHEN synthesized THEN the role has exactly the permissions the FIS action reference lists, narrowed to pause requests on the primary', () => {
  const { template } = pairIn({});
  const statements = rolePolicyStatements(template);
  const primaryArn = [{ 'Fn::GetAtt': [expect.stringMatching(/^DrPrimaryBucket/), 'Arn'] }];
  const actions = statements.flatMap((s) => [s.Action].flat()).sort();
  expect(actions).toEqual([
    's3:GetReplicationConfiguration',
    's3:ListAllMyBuckets',
    's3:PauseReplication',
    's3:PutReplicationConfiguration',
    'tag:GetResources',
  ]);
  const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
  expect(bySid.ReplicationConfigurationForPausesOnly.Condition).toEqual({
    BoolIfExists: { 's3:isReplicationPauseRequest': 'true' },
  });
  expect(bySid.PauseReplicationPauseForward.Condition).toEqual({
    StringEquals: { 's3:destinationRegion': 'eu-west-1' },
  });
  expect([bySid.ReplicationConfigurationForPausesOnly.Resource].flat()).toEqual(primaryArn);
  expect([bySid.PauseReplicationPauseForward.Resource].flat()).toEqual(primaryArn);
  expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
});

test('GIVEN drill on a two-way pair in one region THEN the reverse rule is paused too, and the replica protection lets the FIS role put its configuration', () => {
  const { template } = pairIn({ bidirectional: true });
  const props = experimentTemplate(template);
  expect(Object.keys(props.Actions).sort()).toEqual(['PauseBack', 'PauseForward']);
  expect(props.Actions.PauseBack.Parameters.destinationBuckets).toEqual(accountJoin('primary-bucket-lib-'));
  expect(props.Targets.PauseBackSource.ResourceTags).toEqual({
    [PAUSE_TARGET_TAG]: accountJoin('replica-bucket-lib-'),
  });
  const configurationDeny = Object.values(template.findResources('AWS::S3::BucketPolicy'))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
    .find((s: any) => s.Effect === 'Deny' && [s.Action].flat().includes('s3:PutReplicationConfiguration'));
  expect(JSON.stringify(configurationDeny.Condition)).toContain('role/s3-dr-fis-role-lib');
});

test('GIVEN drill on a one-way pair THEN the FIS role is not exempt from the replica protection', () => {
  const { template } = pairIn({});
  const policies = JSON.stringify(template.findResources('AWS::S3::BucketPolicy'));
  expect(policies).not.toContain('s3-dr-fis-role-lib');
});

test('GIVEN drill across regions THEN the template pauses the forward rule towards the replica region only', () => {
  const { template } = pairIn({ replicaRegion: 'eu-central-1', bidirectional: true });
  const props = experimentTemplate(template);
  expect(Object.keys(props.Actions)).toEqual(['PauseForward']);
  expect(props.Actions.PauseForward.Parameters.region).toBe('eu-central-1');
});

test('GIVEN drill WHEN checked by cdk-nag THEN there is no unacknowledged finding', () => {
  const { app, stack } = pairIn({ alarmEmail: 'oncall@example.com', bidirectional: true });
  const report = new AwsSolutionsChecks(app).validateScope(stack);
  expect(
    report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`),
  ).toEqual([]);
});
