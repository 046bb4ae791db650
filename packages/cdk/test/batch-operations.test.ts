import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BatchOperations } from '../src';

// BatchOperations on its own, as a library user composing a pair would add it.

/** S3's endpoint in a region, with the partition's URL suffix. */
const viaS3 = (region: string) => ({ 'Fn::Join': ['', [`s3.${region}.`, { Ref: 'AWS::URLSuffix' }]] });

function batchIn(): Record<string, any>[] {
  const stack = new Stack(new App(), 'Consumer', { env: { account: '123456789012', region: 'eu-west-1' } });
  new BatchOperations(stack, 'Batch', {
    opsBucketName: 'ops',
    roleName: 'batch-role',
    source: {
      bucketArn: 'arn:aws:s3:::primary',
      key: { key: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/abc') },
    },
    replica: {
      bucketArn: 'arn:aws:s3:::replica',
      key: { aliasName: 'alias/s3-dr-replica-x', region: 'us-west-2' },
    },
    removalPolicy: RemovalPolicy.RETAIN,
    accessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'logs'),
  });
  const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy');
  return Object.values(policies)[0]?.Properties.PolicyDocument.Statement;
}

test('GIVEN a replica key in another region known by its alias THEN the grant is narrowed to that alias and uses S3 of that region', () => {
  const replica = batchIn().find((s) => s.Sid === 'UseReplicaKeyThroughS3');
  expect(replica).toEqual({
    Sid: 'UseReplicaKeyThroughS3',
    Effect: 'Allow',
    Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    // The keys of that region and account; the partition as the stack renders it.
    Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:us-west-2:123456789012:key/*']] },
    Condition: {
      StringEquals: { 'kms:ViaService': viaS3('us-west-2') },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::replica', 'arn:aws:s3:::replica/*'] },
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/s3-dr-replica-x' },
    },
  });
});

test('GIVEN a key named by its ARN THEN no alias condition is added', () => {
  const source = batchIn().find((s) => s.Sid === 'UseSourceKeyThroughS3');
  expect(source?.Condition).toEqual({
    StringEquals: { 'kms:ViaService': viaS3('eu-west-1') },
    StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::primary', 'arn:aws:s3:::primary/*'] },
  });
  expect(source?.Resource).toBe('arn:aws:kms:eu-west-1:123456789012:key/abc');
});
