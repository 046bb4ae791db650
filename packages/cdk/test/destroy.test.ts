import { RemovalPolicy } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, pairIn } from './support/pair';
import { onlyResource } from './support/template';

// What `cdk destroy` does with the pair. CloudFormation deletes a resource before the resources it
// depends on (DependsOn), so these edges are the order of deletion: nothing may write to a bucket
// after its auto-delete resource emptied it, or the bucket's deletion fails with BucketNotEmpty.

const STATEFUL = ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup'];

const bucketId = (template: Template, prefix: string) =>
  onlyResource(template, 'AWS::S3::Bucket', { BucketName: `${prefix}-lib-${ACCOUNT}` })[0];

/** The logical id of the auto-delete resource that empties the bucket with this logical id. */
function emptierOf(template: Template, bucket: string): string {
  return onlyResource(template, 'Custom::S3AutoDeleteObjects', { BucketName: { Ref: bucket } })[0];
}

const dependsOn = (template: Template, id: string): string[] => template.toJSON().Resources[id].DependsOn;

describe('GIVEN the default removal policy (DESTROY)', () => {
  let template: Template;
  let emptyPrimary: string;
  let emptyReplica: string;
  beforeAll(() => {
    ({ template } = pairIn({}));
    emptyPrimary = emptierOf(template, bucketId(template, 'primary-bucket'));
    emptyReplica = emptierOf(template, bucketId(template, 'replica-bucket'));
  });

  test('THEN buckets, keys and the log group are deleted with the stack', () => {
    // allResources also fails when the stack has no resource of the type.
    for (const type of STATEFUL) template.allResources(type, { DeletionPolicy: 'Delete' });
  });

  test('THEN key deletion is scheduled after the shortest waiting period, 7 days', () => {
    template.allResourcesProperties('AWS::KMS::Key', { PendingWindowInDays: 7 });
  });

  test('THEN the primary bucket, and with it its replication configuration, is deleted before the replica is emptied', () => {
    expect(dependsOn(template, bucketId(template, 'primary-bucket'))).toEqual(
      expect.arrayContaining([emptyReplica]),
    );
  });

  test('THEN the canary function and its schedule are deleted before either bucket is emptied', () => {
    const [functionId] = onlyResource(template, 'AWS::Lambda::Function', {
      FunctionName: 's3-replication-canary-lib',
    });
    const [scheduleId] = onlyResource(template, 'AWS::Events::Rule', { Name: 's3-replication-canary-lib' });
    for (const id of [functionId, scheduleId]) {
      expect(dependsOn(template, id)).toEqual(expect.arrayContaining([emptyPrimary, emptyReplica]));
    }
  });
});

describe('GIVEN RemovalPolicy.RETAIN', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = pairIn({ removalPolicy: RemovalPolicy.RETAIN }));
  });

  test('THEN buckets, keys and the log group are kept, on deletion and on replacement', () => {
    for (const type of STATEFUL) {
      template.allResources(type, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  test('THEN nothing is emptied, and the primary bucket waits for nothing', () => {
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    expect(dependsOn(template, bucketId(template, 'primary-bucket'))).toBeUndefined();
  });

  test('THEN the canary function depends only on its role', () => {
    const [functionId] = onlyResource(template, 'AWS::Lambda::Function', {
      FunctionName: 's3-replication-canary-lib',
    });
    expect(dependsOn(template, functionId)).toEqual([expect.stringMatching(/CanaryHandlerRole/)]);
  });
});
