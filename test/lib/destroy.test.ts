import { onlyResource, type Synthesized, synthTap } from '../support/tap';

// CloudFormation deletes a resource before the resources it depends on (DependsOn), so these edges
// are the order of `cdk destroy`. Nothing may write to a bucket after its auto-delete resource
// emptied it, or the bucket's deletion fails with BucketNotEmpty.

function bucketId(synthesized: Synthesized, prefix: string): string {
  return onlyResource(synthesized.nested, 'AWS::S3::Bucket', {
    BucketName: { 'Fn::Join': ['', [prefix, { Ref: 'AWS::AccountId' }]] },
  })[0];
}

function resource(synthesized: Synthesized, id: string): Record<string, any> {
  return synthesized.nested.toJSON().Resources[id];
}

/** The logical id of the auto-delete resource that empties the bucket `bucket`. */
function emptierOf(synthesized: Synthesized, bucket: string): string {
  const found = Object.entries(synthesized.nested.findResources('Custom::S3AutoDeleteObjects')).filter(
    ([, r]) => r.Properties.BucketName.Ref === bucket,
  );
  expect(found).toHaveLength(1);
  return found[0][0];
}

function canaryFunction(synthesized: Synthesized): Record<string, any> {
  return onlyResource(synthesized.nested, 'AWS::Lambda::Function', {
    FunctionName: 's3-replication-canary-dev',
  })[1];
}

describe('with removalPolicy destroy (the default)', () => {
  let dev: Synthesized;
  let emptyPrimary: string;
  let emptyReplica: string;
  // (The canary schedule's edges are tested with the canary, in telemetry.test.ts.)
  beforeAll(() => {
    dev = synthTap();
    emptyPrimary = emptierOf(dev, bucketId(dev, 'primary-bucket-dev-'));
    emptyReplica = emptierOf(dev, bucketId(dev, 'replica-bucket-dev-'));
  });

  test('the primary bucket, and with it its replication configuration, is deleted before the replica is emptied', () => {
    const primary = resource(dev, bucketId(dev, 'primary-bucket-dev-'));
    expect(primary.DependsOn).toEqual(expect.arrayContaining([emptyReplica]));
  });

  test('the canary function is deleted before either bucket is emptied', () => {
    expect(canaryFunction(dev).DependsOn).toEqual(expect.arrayContaining([emptyPrimary, emptyReplica]));
  });
});

describe('with removalPolicy retain', () => {
  let retain: Synthesized;
  beforeAll(() => {
    retain = synthTap({ context: { removalPolicy: 'retain' } });
  });

  test('nothing is emptied, and the primary bucket waits for nothing', () => {
    retain.nested.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    expect(resource(retain, bucketId(retain, 'primary-bucket-dev-')).DependsOn).toBeUndefined();
  });

  test('the canary function depends only on its role', () => {
    expect(canaryFunction(retain).DependsOn).toEqual([expect.stringMatching(/^CanaryHandlerRole/)]);
  });
});
