import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
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
      "  - environmentSuffix: 'Prod_1' is invalid; expected lowercase letters, digits and hyphens, starting and ending with a letter or digit, at most 35 characters (bucket names must stay within 63)",
      "  - removalPolicy: 'snapshot' is invalid; expected RemovalPolicy.DESTROY or RemovalPolicy.RETAIN",
      "  - alarmEmail: 'oncall' is invalid; expected an e-mail address such as oncall@example.com",
    ].join('\n'),
  );
});
