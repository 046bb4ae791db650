import { onlyResource, type Synthesized, synthTap } from '../support/tap';

let dev: Synthesized;
let rule: Record<string, any>;
let roleId: string;
let role: Record<string, any>;
const ids: Record<string, string> = {};

beforeAll(() => {
  dev = synthTap();
  const [, primary] = onlyResource(dev.nested, 'AWS::S3::Bucket', {
    BucketName: { 'Fn::Join': ['', ['primary-bucket-dev-', { Ref: 'AWS::AccountId' }]] },
  });
  rule = primary.Properties.ReplicationConfiguration.Rules[0];
  [roleId, role] = onlyResource(dev.nested, 'AWS::IAM::Role', { RoleName: 's3-replication-role-dev' });
  ids.replicaBucket = onlyResource(dev.nested, 'AWS::S3::Bucket', {
    BucketName: { 'Fn::Join': ['', ['replica-bucket-dev-', { Ref: 'AWS::AccountId' }]] },
  })[0];
  for (const [name, alias] of [
    ['primaryKey', 'alias/s3-dr-primary-dev'],
    ['replicaKey', 'alias/s3-dr-replica-dev'],
  ]) {
    ids[name] = onlyResource(dev.nested, 'AWS::KMS::Alias', { AliasName: alias })[1].Properties.TargetKeyId[
      'Fn::GetAtt'
    ][0];
  }
});

// S3's endpoint in the stack's region, with the partition's DNS suffix (not a literal amazonaws.com).
const viaS3 = { 'Fn::Join': ['', ['s3.us-east-1.', { Ref: 'AWS::URLSuffix' }]] };

// The region is known (us-east-1), so CDK writes the partition literally.
const primaryArn = { 'Fn::Join': ['', ['arn:aws:s3:::primary-bucket-dev-', { Ref: 'AWS::AccountId' }]] };
const primaryObjectsArn = {
  'Fn::Join': ['', ['arn:aws:s3:::primary-bucket-dev-', { Ref: 'AWS::AccountId' }, '/*']],
};

describe('the replication configuration', () => {
  test('uses the replication role', () => {
    const [, primary] = onlyResource(dev.nested, 'AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['primary-bucket-dev-', { Ref: 'AWS::AccountId' }]] },
    });
    expect(primary.Properties.ReplicationConfiguration.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(primary.Properties.ReplicationConfiguration.Rules).toHaveLength(1);
  });

  test('has one enabled rule for all objects with a priority and an id derived from the suffix', () => {
    expect(rule).toMatchObject({
      Id: 'replicate-all-dev',
      Status: 'Enabled',
      Priority: 1,
      Filter: { Prefix: '' },
    });
  });

  test('turns on Replication Time Control at 15 minutes with metrics at a 15-minute threshold', () => {
    expect(rule.Destination.ReplicationTime).toEqual({ Status: 'Enabled', Time: { Minutes: 15 } });
    expect(rule.Destination.Metrics).toEqual({ Status: 'Enabled', EventThreshold: { Minutes: 15 } });
  });

  test('replicates delete markers', () => {
    expect(rule.DeleteMarkerReplication).toEqual({ Status: 'Enabled' });
  });

  // No effect while replication is one-way (the primary holds no replicas); kept for a reverse rule.
  test('keeps replica modification sync on, ready for two-way replication', () => {
    expect(rule.SourceSelectionCriteria.ReplicaModifications).toEqual({ Status: 'Enabled' });
  });

  test('replicates SSE-KMS objects and encrypts replicas with the replica key into the replica bucket', () => {
    expect(rule.SourceSelectionCriteria.SseKmsEncryptedObjects).toEqual({ Status: 'Enabled' });
    expect(rule.Destination.Bucket).toEqual({ 'Fn::GetAtt': [ids.replicaBucket, 'Arn'] });
    expect(rule.Destination.EncryptionConfiguration).toEqual({
      ReplicaKmsKeyID: { 'Fn::GetAtt': [ids.replicaKey, 'Arn'] },
    });
  });

  test('a different suffix gives a different rule id', () => {
    const prod = synthTap({ context: { environmentSuffix: 'prod' } });
    const [, primary] = onlyResource(prod.nested, 'AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['primary-bucket-prod-', { Ref: 'AWS::AccountId' }]] },
    });
    expect(primary.Properties.ReplicationConfiguration.Rules[0].Id).toBe('replicate-all-prod');
  });
});

describe('the replication role', () => {
  // The trust policy AWS documents, without conditions S3 is not documented to satisfy when it
  // assumes the role (an unmet condition would fail every object).
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
  test('is trusted by S3 exactly as AWS documents it, without conditions', () => {
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
  });

  test('has exactly the documented statements: S3 actions on the two buckets, KMS with conditions', () => {
    const kmsConditions = (bucketArn: unknown, objectsArn: unknown) => ({
      StringEquals: { 'kms:ViaService': viaS3 },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, objectsArn] },
    });
    const replicaArn = { 'Fn::GetAtt': [ids.replicaBucket, 'Arn'] };
    const replicaObjectsArn = { 'Fn::Join': ['', [replicaArn, '/*']] };
    const [policyId, policy] = onlyResource(dev.nested, 'AWS::IAM::ManagedPolicy', {
      Description: 'Least-privilege permissions for S3 replication of SSE-KMS objects',
    });
    expect(role.Properties.ManagedPolicyArns).toEqual([{ Ref: policyId }]);
    expect(role.Properties.Policies).toBeUndefined();
    expect([policy.Properties.PolicyDocument]).toEqual([
      {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ReadSourceReplicationConfiguration',
            Effect: 'Allow',
            Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
            Resource: primaryArn,
          },
          {
            Sid: 'ReadSourceObjectVersions',
            Effect: 'Allow',
            // CDK sorts actions.
            Action: [
              's3:GetObjectVersionAcl',
              's3:GetObjectVersionForReplication',
              's3:GetObjectVersionTagging',
            ],
            Resource: primaryObjectsArn,
          },
          {
            Sid: 'WriteReplicas',
            Effect: 'Allow',
            Action: ['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags'],
            Resource: replicaObjectsArn,
          },
          {
            Sid: 'DecryptSourceObjects',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: { 'Fn::GetAtt': [ids.primaryKey, 'Arn'] },
            Condition: kmsConditions(primaryArn, primaryObjectsArn),
          },
          {
            Sid: 'EncryptReplicas',
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
            Resource: { 'Fn::GetAtt': [ids.replicaKey, 'Arn'] },
            Condition: kmsConditions(replicaArn, replicaObjectsArn),
          },
        ],
      },
    ]);
  });

  // With S3 Bucket Keys on the replica bucket, S3 decrypts its bucket key before using it: without
  // kms:Decrypt on the replica key every SSE-KMS object would fail to replicate.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html#bk-replication
  test('may decrypt with the replica key, only through S3 and for the replica bucket', () => {
    const replicaArn = { 'Fn::GetAtt': [ids.replicaBucket, 'Arn'] };
    const [, policy] = onlyResource(dev.nested, 'AWS::IAM::ManagedPolicy', {
      Description: 'Least-privilege permissions for S3 replication of SSE-KMS objects',
    });
    const onReplicaKey = policy.Properties.PolicyDocument.Statement.filter(
      (s: { Resource: unknown }) =>
        JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [ids.replicaKey, 'Arn'] }),
    );
    expect(onReplicaKey).toEqual([
      expect.objectContaining({
        Action: expect.arrayContaining(['kms:Decrypt']),
        Condition: {
          StringEquals: { 'kms:ViaService': viaS3 },
          StringLike: {
            'kms:EncryptionContext:aws:s3:arn': [replicaArn, { 'Fn::Join': ['', [replicaArn, '/*']] }],
          },
        },
      }),
    ]);
  });

  test("uses the keys only through S3 in the stack's region, named with the partition's URL suffix", () => {
    const [, policy] = onlyResource(dev.nested, 'AWS::IAM::ManagedPolicy', {
      Description: 'Least-privilege permissions for S3 replication of SSE-KMS objects',
    });
    const kms = policy.Properties.PolicyDocument.Statement.filter((s: { Sid: string }) =>
      ['DecryptSourceObjects', 'EncryptReplicas'].includes(s.Sid),
    );
    expect(kms.map((s: any) => s.Condition.StringEquals['kms:ViaService'])).toEqual([viaS3, viaS3]);
  });

  test('gets no other permissions: no inline policy and no AWS::IAM::Policy naming it', () => {
    expect(role.Properties.Policies).toBeUndefined();
    const attached = Object.values(dev.nested.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(roleId),
    );
    expect(attached).toEqual([]);
  });

  test('exists before the primary bucket that names it, with its permissions attached', () => {
    const [policyId] = onlyResource(dev.nested, 'AWS::IAM::ManagedPolicy', {
      Description: 'Least-privilege permissions for S3 replication of SSE-KMS objects',
    });
    expect(role.Properties.ManagedPolicyArns).toEqual([{ Ref: policyId }]);
    const [, primary] = onlyResource(dev.nested, 'AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['primary-bucket-dev-', { Ref: 'AWS::AccountId' }]] },
    });
    expect(primary.Properties.ReplicationConfiguration.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });
});
