import { Match } from 'aws-cdk-lib/assertions';
import { synthTap } from '../support/tap';

// What the app adds to the construct library's topologies (packages/cdk/test/multi-region.test.ts):
// the context keys reach the pair, the replica's stack is named by the naming contract, and the
// top-level stack's outputs describe the replica side and the access point.

const account = { Ref: 'AWS::AccountId' };
const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });

describe('cross-region (replicaRegion differs from region)', () => {
  test('the replica side is a stack of its own, TapStackdevReplica in the replica region, deployed first', () => {
    const { stack } = synthTap({ context: { replicaRegion: 'us-west-2' } });
    const replicaStack = stack.replication.pair.replicaStack;
    expect(replicaStack?.stackName).toBe('TapStackdevReplica');
    expect(replicaStack?.region).toBe('us-west-2');
    expect(stack.region).toBe('us-east-1');
    expect(stack.dependencies).toContain(replicaStack);
  });

  test('the outputs name the replica region and the replica bucket by name, and the access point', () => {
    const outputs = synthTap({ context: { replicaRegion: 'us-west-2' } }).top.toJSON().Outputs;
    expect(outputs.ReplicaRegion.Value).toBe('us-west-2');
    expect(outputs.ReplicaBucketArn.Value).toEqual(join('arn:aws:s3:::replica-bucket-dev-', account));
    expect(outputs.ReplicaBucketUrl.Value).toEqual(join('s3://replica-bucket-dev-', account));
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['MultiRegionAccessPointArn', 'MultiRegionAccessPointAlias']),
    );
  });

  test('bidirectional=true reaches the pair: the reverse rule and its role exist', () => {
    const twoWay = synthTap({ context: { replicaRegion: 'us-west-2', bidirectional: 'true' } });
    twoWay.nested.resourceCountIs('Custom::S3ReverseReplicationRule', 1);
    twoWay.replica?.hasResourceProperties('AWS::IAM::Role', { RoleName: 's3-replication-reverse-role-dev' });
  });

  test('multiRegionAccessPoint=false leaves the access point out, and its outputs', () => {
    const without = synthTap({ context: { replicaRegion: 'eu-west-1', multiRegionAccessPoint: 'false' } });
    without.nested.resourceCountIs('AWS::S3::MultiRegionAccessPoint', 0);
    expect(Object.keys(without.top.toJSON().Outputs)).not.toContain('MultiRegionAccessPointArn');
  });
});

describe('in one region (the default)', () => {
  test('there is no access point, no access point output and no replica stack', () => {
    const same = synthTap();
    same.nested.resourceCountIs('AWS::S3::MultiRegionAccessPoint', 0);
    expect(Object.keys(same.top.toJSON().Outputs)).not.toContain('MultiRegionAccessPointAlias');
    expect(same.replica).toBeUndefined();
  });

  test('replicaArchiveClass reaches the replica lifecycle', () => {
    const { nested } = synthTap({ context: { replicaArchiveClass: 'DEEP_ARCHIVE' } });
    nested.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: join('replica-bucket-dev-', account),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Transitions: [{ StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 90 }] }),
        ]),
      },
    });
  });
});
