import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { StorageClass } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { S3ReplicationPair, type S3ReplicationPairProps } from '../src';

// The construct as a library user meets it: a plain Stack in an App with no cdk.json context.

function pairIn(props: S3ReplicationPairProps): { app: App; stack: Stack; template: Template } {
  const app = new App();
  const stack = new Stack(app, 'Consumer', { env: { region: 'eu-west-1' } });
  new S3ReplicationPair(stack, 'Dr', props);
  return { app, stack, template: Template.fromStack(stack) };
}

function errorOf(props: S3ReplicationPairProps): string {
  try {
    pairIn(props);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the props to be refused');
}

test('GIVEN only a suffix WHEN the pair is added to a plain stack THEN both buckets carry the naming contract', () => {
  const { template } = pairIn({ environmentSuffix: 'lib' });
  for (const name of ['primary-bucket-lib-', 'replica-bucket-lib-']) {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', [name, { Ref: 'AWS::AccountId' }]] },
    });
  }
});

test('GIVEN an app without the feature flags of cdk.json WHEN synthesized THEN access logs are granted by bucket policy, not ACL', () => {
  const { template } = pairIn({ environmentSuffix: 'lib' });
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Action: 's3:PutObject',
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
        }),
      ]),
    },
  });
});

test('GIVEN the default removal policy WHEN synthesized THEN buckets are emptied and deleted with the stack', () => {
  const { template } = pairIn({ environmentSuffix: 'lib' });
  // primary, replica, access logs, ops bucket
  template.resourceCountIs('Custom::S3AutoDeleteObjects', 4);
  template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
});

test('GIVEN RemovalPolicy.RETAIN WHEN synthesized THEN buckets are kept and nothing empties them', () => {
  const { template } = pairIn({ environmentSuffix: 'lib', removalPolicy: RemovalPolicy.RETAIN });
  template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
});

test('GIVEN an alarm e-mail WHEN synthesized THEN the alarm topic has that e-mail subscription', () => {
  const { template } = pairIn({ environmentSuffix: 'lib', alarmEmail: 'oncall@example.com' });
  template.hasResourceProperties('AWS::SNS::Subscription', {
    Protocol: 'email',
    Endpoint: 'oncall@example.com',
  });
});

test('GIVEN a plain stack WHEN cdk-nag AwsSolutionsChecks run THEN there is no unacknowledged finding', () => {
  const { app, stack } = pairIn({ environmentSuffix: 'lib', alarmEmail: 'oncall@example.com' });
  const report = new AwsSolutionsChecks(app).validateScope(stack);
  expect(report.violations.map((v) => v.ruleName)).toEqual([]);
});

test('GIVEN several invalid props WHEN the pair is built THEN one error names each prop, its value and the rule', () => {
  const message = errorOf({
    environmentSuffix: 'Prod_1',
    removalPolicy: RemovalPolicy.SNAPSHOT,
    alarmEmail: 'oncall',
  });
  expect(message).toBe(
    [
      'Invalid S3ReplicationPair props:',
      "  - environmentSuffix: 'Prod_1' is invalid; expected lowercase letters and digits only, at most 35 characters (no hyphen, so that no two suffixes share a resource name: 'back-dev' would name the reverse canary of 'dev'; bucket names must stay within 63)",
      "  - removalPolicy: 'snapshot' is invalid; expected RemovalPolicy.DESTROY or RemovalPolicy.RETAIN",
      "  - alarmEmail: 'oncall' is invalid; expected an e-mail address such as oncall@example.com",
    ].join('\n'),
  );
});

test('GIVEN a replica region WHEN the pair is added to a plain stack THEN the replica side is <stack name>Replica in that region', () => {
  const app = new App();
  const stack = new Stack(app, 'Consumer', { env: { region: 'eu-west-1' } });
  const pair = new S3ReplicationPair(stack, 'Dr', {
    environmentSuffix: 'lib',
    replicaRegion: 'eu-central-1',
  });
  expect(pair.replicaStack?.stackName).toBe('ConsumerReplica');
  expect(pair.replicaStack?.region).toBe('eu-central-1');
  expect(stack.dependencies).toEqual([pair.replicaStack]);
  Template.fromStack(pair.replicaStack as Stack).hasResourceProperties('AWS::S3::Bucket', {
    BucketName: { 'Fn::Join': ['', ['replica-bucket-lib-', { Ref: 'AWS::AccountId' }]] },
  });
});

test('GIVEN two-way across regions WHEN cdk-nag AwsSolutionsChecks run on both stacks THEN there is no unacknowledged finding', () => {
  const app = new App();
  const stack = new Stack(app, 'Consumer', { env: { region: 'eu-west-1' } });
  const pair = new S3ReplicationPair(stack, 'Dr', {
    environmentSuffix: 'lib',
    alarmEmail: 'oncall@example.com',
    replicaRegion: 'eu-central-1',
    bidirectional: true,
  });
  const checks = new AwsSolutionsChecks(app);
  for (const scope of [stack, pair.replicaStack as Stack]) {
    expect(checks.validateScope(scope).violations.map((v) => v.ruleName)).toEqual([]);
  }
});

test('GIVEN invalid multi-region props WHEN the pair is built THEN one error names each prop, its value and the rule', () => {
  expect(
    errorOf({
      environmentSuffix: 'lib',
      replicaRegion: 'eu-nowhere-1',
      replicaArchiveClass: StorageClass.INFREQUENT_ACCESS,
    }),
  ).toBe(
    [
      'Invalid S3ReplicationPair props:',
      "  - replicaRegion: 'eu-nowhere-1' is invalid; expected an AWS region name such as us-east-1, in the aws or aws-us-gov partition (China and ISO regions are not supported)",
      "  - replicaArchiveClass: 'STANDARD_IA' is invalid; expected GLACIER, GLACIER_IR, DEEP_ARCHIVE (StorageClass.GLACIER, GLACIER_INSTANT_RETRIEVAL or DEEP_ARCHIVE)",
    ].join('\n'),
  );
});

test('GIVEN an access point with both buckets in one region WHEN the pair is built THEN it is refused', () => {
  expect(errorOf({ environmentSuffix: 'lib', multiRegionAccessPoint: true })).toContain(
    "multiRegionAccessPoint: 'true' is invalid; a Multi-Region Access Point needs the replica in another region than the primary (replicaRegion)",
  );
});

test('GIVEN a replica region of another partition WHEN the pair is built THEN it is refused: replication cannot cross partitions', () => {
  expect(errorOf({ environmentSuffix: 'lib', replicaRegion: 'us-gov-west-1' })).toContain(
    "replicaRegion: 'us-gov-west-1' is invalid; expected a region of the same partition as the stack's region 'eu-west-1' (replication cannot cross partitions)",
  );
});

test('GIVEN a stack without a region WHEN a replica region is given THEN it is refused with what to set', () => {
  const app = new App();
  const stack = new Stack(app, 'Agnostic');
  expect(
    () => new S3ReplicationPair(stack, 'Dr', { environmentSuffix: 'lib', replicaRegion: 'eu-west-1' }),
  ).toThrow("replicaRegion: 'eu-west-1' needs the stack's region to be known; give the stack env.region");
});

test('GIVEN the pair WHEN synthesized THEN each replication alarm says what breached and what to do, in the message on-call receives', () => {
  const { template } = pairIn({ environmentSuffix: 'lib' });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'ReplicationLatency',
    AlarmDescription:
      'Replication is more than 900 s (15 min, the RTC threshold) behind for two consecutive 5-minute periods.',
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'OperationsFailedReplication',
    AlarmDescription:
      'At least one operation failed to replicate in a 5-minute period. S3 never retries a FAILED replication: re-replicate with S3 Batch Replication after fixing the cause.',
  });
});

test('GIVEN the pair WHEN synthesized THEN the replication role says who assumes it and for what', () => {
  const { template } = pairIn({ environmentSuffix: 'lib' });
  template.hasResourceProperties('AWS::IAM::Role', {
    RoleName: 's3-replication-role-lib',
    Description: 'Assumed by Amazon S3 to replicate the primary bucket to the replica bucket',
  });
});
