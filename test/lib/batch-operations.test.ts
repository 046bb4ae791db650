import { onlyResource, type Synthesized, synthTap } from '../support/tap';

let dev: Synthesized;
let opsId: string;
let ops: Record<string, any>;
let role: Record<string, any>;
let statements: Record<string, any>;
const keyIds: Record<string, string> = {};

const account = { Ref: 'AWS::AccountId' };
const arn = (name: string, tail = '') => ({
  'Fn::Join': ['', [`arn:aws:s3:::${name}-dev-`, account, ...(tail ? [tail] : [])]],
});
const opsObjects = (prefix: string) => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [opsId, 'Arn'] }, `/${prefix}`]],
});
const viaS3 = { 'Fn::Join': ['', ['s3.us-east-1.', { Ref: 'AWS::URLSuffix' }]] };

beforeAll(() => {
  dev = synthTap();
  [opsId, ops] = onlyResource(dev.nested, 'AWS::S3::Bucket', {
    BucketName: { 'Fn::Join': ['', ['s3-dr-ops-dev-', account]] },
  });
  const [roleId, found] = onlyResource(dev.nested, 'AWS::IAM::Role', { RoleName: 's3-dr-batch-role-dev' });
  role = found;
  expect(roleId).toBeDefined();
  const policyRef = role.Properties.ManagedPolicyArns[0].Ref;
  const policy = dev.nested.toJSON().Resources[policyRef];
  statements = Object.fromEntries(
    policy.Properties.PolicyDocument.Statement.map((s: Record<string, any>) => [s.Sid, s]),
  );
  for (const [name, alias] of [
    ['primary', 'alias/s3-dr-primary-dev'],
    ['replica', 'alias/s3-dr-replica-dev'],
  ]) {
    keyIds[name] = onlyResource(dev.nested, 'AWS::KMS::Alias', {
      AliasName: alias,
    })[1].Properties.TargetKeyId['Fn::GetAtt'][0];
  }
});

describe('the ops bucket', () => {
  test('is versioned', () => {
    expect(ops.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  test('is encrypted with SSE-S3 by default', () => {
    expect(ops.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
  });

  test('blocks all public access and disables ACLs', () => {
    expect(ops.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(ops.Properties.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
  });

  test('expires manifests and reports after 90 days, old versions after a day', () => {
    expect(ops.Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'expire-job-files',
        Status: 'Enabled',
        ExpirationInDays: 90,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
    ]);
  });

  test('logs access to the access-log bucket under ops/', () => {
    expect(ops.Properties.LoggingConfiguration.LogFilePrefix).toBe('ops/');
  });

  describe('its policy', () => {
    let policyStatements: Record<string, any>[];
    beforeAll(() => {
      policyStatements = onlyResource(dev.nested, 'AWS::S3::BucketPolicy', { Bucket: { Ref: opsId } })[1]
        .Properties.PolicyDocument.Statement;
    });

    test('denies requests without TLS', () => {
      expect(policyStatements).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    });

    test('denies every principal of another account', () => {
      expect(policyStatements).toContainEqual({
        Sid: 'DenyOtherAccounts',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: [{ 'Fn::GetAtt': [opsId, 'Arn'] }, opsObjects('*')],
        Condition: { StringNotEquals: { 'aws:PrincipalAccount': account } },
      });
    });

    test('grants nothing to anyone', () => {
      expect(policyStatements.filter((s) => s.Effect === 'Allow')).toEqual([
        // CDK's auto-delete provider only, and only with removalPolicy destroy.
        expect.objectContaining({
          Principal: {
            AWS: { 'Fn::GetAtt': ['CustomS3AutoDeleteObjectsCustomResourceProviderRole3B1BD092', 'Arn'] },
          },
        }),
      ]);
    });
  });
});

describe('the batch role', () => {
  test('is trusted by S3 Batch Operations only, as AWS documents it', () => {
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'batchoperations.s3.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ]);
  });

  test('has exactly the documented statements and no other policy', () => {
    expect(role.Properties.ManagedPolicyArns).toHaveLength(1);
    expect(role.Properties.Policies).toBeUndefined();
    expect(Object.keys(statements).sort()).toEqual(
      [
        'InitiateReplicationOfSourceObjects',
        'GenerateManifestFromSourceReplicationConfiguration',
        'ListDataBuckets',
        'ReadObjectVersions',
        'WriteObjectCopies',
        'UseSourceKeyThroughS3',
        'UseReplicaKeyThroughS3',
        'ReadManifests',
        'WriteReportsAndGeneratedManifests',
      ].sort(),
    );
    for (const s of Object.values(statements)) expect(s.Effect).toBe('Allow');
  });

  test('may initiate replication of the primary objects only', () => {
    expect(statements.InitiateReplicationOfSourceObjects).toMatchObject({
      Action: 's3:InitiateReplication',
      Resource: arn('primary-bucket', '/*'),
    });
  });

  test('may read the primary replication configuration and put an inventory configuration there (the manifest generator)', () => {
    expect(statements.GenerateManifestFromSourceReplicationConfiguration).toMatchObject({
      Action: ['s3:GetReplicationConfiguration', 's3:PutInventoryConfiguration'],
      Resource: arn('primary-bucket'),
    });
  });

  test('may list the two data buckets', () => {
    expect(statements.ListDataBuckets).toMatchObject({
      Action: 's3:ListBucket',
      Resource: [arn('primary-bucket'), arn('replica-bucket')],
    });
  });

  test('may read object versions and their tags in the two data buckets', () => {
    expect(statements.ReadObjectVersions).toMatchObject({
      Action: ['s3:GetObject', 's3:GetObjectTagging', 's3:GetObjectVersion', 's3:GetObjectVersionTagging'],
      Resource: [arn('primary-bucket', '/*'), arn('replica-bucket', '/*')],
    });
  });

  test('may write copies and their tags in the two data buckets, nothing that deletes', () => {
    expect(statements.WriteObjectCopies).toMatchObject({
      Action: ['s3:PutObject', 's3:PutObjectTagging'],
      Resource: [arn('primary-bucket', '/*'), arn('replica-bucket', '/*')],
    });
    const actions = Object.values(statements).flatMap((s) => [s.Action].flat());
    expect(actions.filter((a: string) => /Delete|Acl|\*$/.test(a))).toEqual([]);
  });

  test.each([
    ['UseSourceKeyThroughS3', 'primary', 'primary-bucket'],
    ['UseReplicaKeyThroughS3', 'replica', 'replica-bucket'],
  ])(
    '%s: decrypt and generate data keys with the %s key, only through S3 and for its bucket',
    (sid, key, bucket) => {
      expect(statements[sid]).toMatchObject({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [keyIds[key], 'Arn'] },
        Condition: {
          StringEquals: { 'kms:ViaService': viaS3 },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [arn(bucket), arn(bucket, '/*')] },
        },
      });
    },
  );

  test('may read manifests under manifests/ of the ops bucket only', () => {
    expect(statements.ReadManifests).toMatchObject({
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: opsObjects('manifests/*'),
    });
  });

  test('may write reports under reports/ and generated manifests under manifests/generated/ only', () => {
    expect(statements.WriteReportsAndGeneratedManifests).toMatchObject({
      Action: 's3:PutObject',
      Resource: [opsObjects('manifests/generated/*'), opsObjects('reports/*')],
    });
  });
});

describe('outputs', () => {
  test('OpsBucketName and BatchRoleArn point at the ops bucket and the batch role', () => {
    const outputs = dev.top.toJSON().Outputs;
    expect(JSON.stringify(outputs.OpsBucketName.Value)).toMatch(/Outputs\..*BatchOperationsBucket/);
    expect(JSON.stringify(outputs.BatchRoleArn.Value)).toMatch(/Outputs\..*BatchOperationsRole.*Arn/);
  });
});
