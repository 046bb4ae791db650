import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { KeyArnLookup, keyGenerationOf, keyGrant } from '../src';
import { onlyResource } from './support/template';

// The key ARN lookup on its own, as a library user naming a key of another region would add it.

const ACCOUNT = '111122223333';

function lookupIn(): { template: Template; lookup: KeyArnLookup; stack: Stack } {
  const stack = new Stack(new App(), 'Consumer', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const lookup = new KeyArnLookup(stack, 'ReplicaKeyArn', {
    aliasName: 'alias/s3-dr-replica-lib',
    region: 'us-west-2',
    keyGeneration: 'ConsumerReplica/ReplicaKey1234',
  });
  return { template: Template.fromStack(stack), lookup, stack };
}

test('GIVEN a lookup WHEN synthesized THEN its function may describe only the key carrying the alias, in that region', () => {
  const { template } = lookupIn();
  const [, role] = onlyResource(template, 'AWS::IAM::Role');
  expect(role.Properties.Policies[0].PolicyDocument.Statement).toEqual([
    {
      Effect: 'Allow',
      Action: 'kms:DescribeKey',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:kms:us-west-2:${ACCOUNT}:key/*`]] },
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/s3-dr-replica-lib' } },
    },
  ]);
});

test('GIVEN a lookup WHEN synthesized THEN its resource names the alias, the region and the key generation, and its ARN is the resource attribute', () => {
  const { template, lookup, stack } = lookupIn();
  const [id, resource] = onlyResource(template, 'Custom::S3DrKeyArn');
  expect(resource.Properties).toMatchObject({
    Alias: 'alias/s3-dr-replica-lib',
    Region: 'us-west-2',
    KeyGeneration: 'ConsumerReplica/ReplicaKey1234',
  });
  expect(stack.resolve(lookup.keyArn)).toEqual({ 'Fn::GetAtt': [id, 'KeyArn'] });
});

test('GIVEN a key of another stack WHEN its generation is read THEN it is that stack and the key logical id', () => {
  const app = new App();
  const other = new Stack(app, 'ReplicaSide', { env: { region: 'us-west-2' } });
  const key = new kms.Key(other, 'ReplicaKey');

  expect(keyGenerationOf(key)).toBe(`ReplicaSide/${other.getLogicalId(key.node.defaultChild as kms.CfnKey)}`);
});

test('GIVEN a key reference by ARN WHEN granted THEN the grant names that key and no alias condition', () => {
  const stack = new Stack(new App(), 'Consumer', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const arn = `arn:aws:kms:us-west-2:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

  const grant = keyGrant(stack, { keyArn: arn, region: 'us-west-2' });

  expect(grant.resource).toBe(arn);
  expect(grant.aliasCondition).toEqual({});
});

test('GIVEN a key reference naming both an ARN and an alias WHEN granted THEN it is refused', () => {
  const stack = new Stack(new App(), 'Consumer');
  expect(() => keyGrant(stack, { keyArn: 'arn:aws:kms:us-west-2:1:key/x', aliasName: 'alias/x' })).toThrow(
    'ReplicationKeyReference: give exactly one of key, keyArn and aliasName',
  );
});
