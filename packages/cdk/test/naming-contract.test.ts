import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { deploymentNames } from 's3-dr-naming';
import { S3ReplicationPair } from '../src';

// Every name the pair gives its resources is a name of the naming contract (s3-dr-naming), whose
// own tests show that no two suffixes share one; and every name of the contract is used, so the
// s3-dr CLI never looks for a resource the pair does not create.

const ACCOUNT = '123456789012';

/** The property that holds the physical name of each resource type that has one. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::CompositeAlarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::Events::Rule': 'Name',
  'AWS::S3::MultiRegionAccessPoint': 'Name',
};

/**
 * Properties named like a name that name no resource of their own: the topic's display name,
 * CDK's inline policy names, and references (a Ref or GetAtt) to a resource named elsewhere.
 */
const NOT_A_NAME = new Set(['DisplayName', 'PolicyName']);

interface Named {
  readonly names: string[];
  /** `Type.Property` of name-like properties this test does not know: a new kind of named resource. */
  readonly unknown: string[];
}

function namesIn(template: Template): Named {
  const names: string[] = [];
  const unknown: string[] = [];
  for (const resource of Object.values<any>(template.toJSON().Resources)) {
    const properties: Record<string, unknown> = resource.Properties ?? {};
    for (const [key, value] of Object.entries(properties)) {
      if (typeof value !== 'string' || !key.endsWith('Name') || NOT_A_NAME.has(key)) continue;
      if (NAME_PROPERTY[resource.Type] === key) names.push(value);
      else if (key !== 'MetricName') unknown.push(`${resource.Type}.${key}`);
    }
    // Replication rule ids: the forward rule in the bucket, the reverse one in its custom resource.
    for (const rule of (properties.ReplicationConfiguration as any)?.Rules ?? []) names.push(rule.Id);
    // FIS experiment templates have ids, not names: the drill finds its template by the Name tag.
    if (resource.Type === 'AWS::FIS::ExperimentTemplate') names.push((properties.Tags as any).Name);
    if (resource.Type === 'Custom::S3ReverseReplicationRule') {
      names.push(
        ...[...JSON.stringify(properties.Create).matchAll(/\\"ID\\":\\"([^\\]+)\\"/g)].map((m) => m[1]),
      );
    }
  }
  return { names, unknown };
}

describe('GIVEN a two-way pair across regions with an access point (every resource the pair can create)', () => {
  const app = new App();
  const stack = new Stack(app, 'Consumer', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const pair = new S3ReplicationPair(stack, 'Dr', {
    environmentSuffix: 'lib',
    replicaRegion: 'us-east-1',
    bidirectional: true,
    drill: true,
  });
  const templates = [stack, pair.replicaStack as Stack].map((s) => Template.fromStack(s));
  const found = templates.map(namesIn);
  const given = found.flatMap((f) => f.names);
  const { stack: _stack, replicaStack: _replicaStack, ...contract } = deploymentNames('lib', ACCOUNT);

  test('THEN every resource with a name of its own is of a kind this test reads', () => {
    expect(found.flatMap((f) => f.unknown)).toEqual([]);
  });

  test('THEN every name it gives is a name of the naming contract', () => {
    const contractNames = new Set(Object.values(contract));
    expect(given.filter((name) => !contractNames.has(name))).toEqual([]);
  });

  test('THEN every name of the naming contract is given to a resource', () => {
    expect(Object.entries(contract).filter(([, name]) => !given.includes(name))).toEqual([]);
  });

  test('THEN the replica stack is the top-level stack name followed by Replica (as replicaStackName)', () => {
    expect(pair.replicaStack?.stackName).toBe('ConsumerReplica');
  });
});
