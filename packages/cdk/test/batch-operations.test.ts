import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BatchOperations, type BatchOperationsBucket } from '../src';
import { ACCOUNT, pairIn } from './support/pair';
import { keyIdOfAlias, onlyResource, roleStatements } from './support/template';
import { TemplateValues } from './support/template-values';

// BatchOperations on its own, as a library user composing a pair would add it.

/** S3's endpoint in a region, with the partition's URL suffix. */
const viaS3 = (region: string) => ({ 'Fn::Join': ['', [`s3.${region}.`, { Ref: 'AWS::URLSuffix' }]] });

const REPLICA = {
  bucketArn: 'arn:aws:s3:::replica',
  key: { aliasName: 'alias/s3-dr-replica-x', region: 'us-west-2' },
};

function batchIn(
  { replica }: { replica?: BatchOperationsBucket } = { replica: REPLICA },
): Record<string, any>[] {
  const stack = new Stack(new App(), 'Consumer', { env: { account: '123456789012', region: 'eu-west-1' } });
  new BatchOperations(stack, 'Batch', {
    opsBucketName: 'ops',
    roleName: 'batch-role',
    source: {
      bucketArn: 'arn:aws:s3:::primary',
      key: { key: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/abc') },
    },
    replica,
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

test('GIVEN no replica (a vault in another account) THEN the role reads, writes and decrypts the source only', () => {
  const statements = batchIn({});
  expect(statements.map((s) => s.Sid)).not.toContain('UseReplicaKeyThroughS3');
  expect(JSON.stringify(statements.map((s) => s.Resource))).not.toContain('replica');
});

test('GIVEN a key named by its ARN THEN no alias condition is added', () => {
  const source = batchIn().find((s) => s.Sid === 'UseSourceKeyThroughS3');
  expect(source?.Condition).toEqual({
    StringEquals: { 'kms:ViaService': viaS3('eu-west-1') },
    StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::primary', 'arn:aws:s3:::primary/*'] },
  });
  expect(source?.Resource).toBe('arn:aws:kms:eu-west-1:123456789012:key/abc');
});

describe('GIVEN the pair (its ops bucket and batch role)', () => {
  const OPS = `s3-dr-ops-lib-${ACCOUNT}`;
  const arn = (name: string, tail = '') => `arn:aws:s3:::${name}-lib-${ACCOUNT}${tail}`;
  let template: Template;
  let ops: Record<string, any>;
  let statements: Record<string, Record<string, any>>;
  let values: TemplateValues;
  beforeAll(() => {
    ({ template } = pairIn({}));
    values = new TemplateValues(template, { account: ACCOUNT, region: 'eu-west-1' });
    ops = onlyResource(template, 'AWS::S3::Bucket', { BucketName: OPS })[1].Properties;
    statements = Object.fromEntries(
      values
        .resolve<Record<string, any>[]>(roleStatements(template, 's3-dr-batch-role-lib'))
        .map((s) => [s.Sid, { ...s, Action: Array.isArray(s.Action) ? [...s.Action].sort() : s.Action }]),
    );
  });

  test('THEN the ops bucket is versioned, encrypted with SSE-S3, private, and logs to the access-log bucket under ops/', () => {
    expect(ops.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(ops.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    expect(ops.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(ops.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(ops.LoggingConfiguration.LogFilePrefix).toBe('ops/');
  });

  test('THEN the ops bucket expires manifests and reports after 90 days, old versions after a day', () => {
    expect(ops.LifecycleConfiguration.Rules).toContainEqual({
      Id: 'expire-job-files',
      Status: 'Enabled',
      ExpirationInDays: 90,
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
  });

  test("THEN the ops bucket's policy denies requests without TLS and every principal of another account, and allows only CDK's clean-up and S3's inventory delivery", () => {
    const [opsId] = onlyResource(template, 'AWS::S3::Bucket', { BucketName: OPS });
    const policy = values.resolve<Record<string, any>[]>(
      onlyResource(template, 'AWS::S3::BucketPolicy', { Bucket: { Ref: opsId } })[1].Properties.PolicyDocument
        .Statement,
    );
    expect(policy).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(policy).toContainEqual({
      Sid: 'DenyOtherAccounts',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${OPS}`, `arn:aws:s3:::${OPS}/*`],
      // Service principals (S3 delivering inventory reports) carry no aws:PrincipalAccount.
      Condition: {
        StringNotEquals: { 'aws:PrincipalAccount': ACCOUNT },
        Bool: { 'aws:PrincipalIsAWSService': 'false' },
      },
    });
    // CDK's auto-delete provider (only with removalPolicy destroy) and S3 Inventory (inventory.test.ts).
    expect(policy.filter((s) => s.Effect === 'Allow').map((s) => s.Principal)).toEqual([
      { AWS: expect.stringMatching(/:role\/CustomS3AutoDeleteObjectsCustomResourceProviderRole/) },
      { Service: 's3.amazonaws.com' },
    ]);
  });

  test('THEN the batch role is trusted by S3 Batch Operations only, as AWS documents it', () => {
    const [, role] = onlyResource(template, 'AWS::IAM::Role', { RoleName: 's3-dr-batch-role-lib' });
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'batchoperations.s3.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ]);
  });

  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-policies.html
  test('THEN the batch role has exactly the documented statements, all allows, and no other policy', () => {
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

  test('THEN it may initiate replication of the primary objects, and read the primary replication configuration and put an inventory configuration there (the manifest generator)', () => {
    expect(statements.InitiateReplicationOfSourceObjects).toMatchObject({
      Action: 's3:InitiateReplication',
      Resource: arn('primary-bucket', '/*'),
    });
    expect(statements.GenerateManifestFromSourceReplicationConfiguration).toMatchObject({
      Action: ['s3:GetReplicationConfiguration', 's3:PutInventoryConfiguration'],
      Resource: arn('primary-bucket'),
    });
  });

  test('THEN it may list, read and copy object versions (and their tags) in the two data buckets, nothing that deletes', () => {
    const both = (tail = '') => [arn('primary-bucket', tail), arn('replica-bucket', tail)];
    expect(statements.ListDataBuckets).toMatchObject({ Action: 's3:ListBucket', Resource: both() });
    expect(statements.ReadObjectVersions).toMatchObject({
      Action: ['s3:GetObject', 's3:GetObjectTagging', 's3:GetObjectVersion', 's3:GetObjectVersionTagging'],
      Resource: both('/*'),
    });
    expect(statements.WriteObjectCopies).toMatchObject({
      Action: ['s3:PutObject', 's3:PutObjectTagging'],
      Resource: both('/*'),
    });
    const actions = Object.values(statements).flatMap((s) => [s.Action].flat());
    expect(actions.filter((a: string) => /Delete|Acl|\*$/.test(a))).toEqual([]);
  });

  test.each([
    ['UseSourceKeyThroughS3', 'primary', 'primary-bucket'],
    ['UseReplicaKeyThroughS3', 'replica', 'replica-bucket'],
  ])(
    'THEN %s: decrypt and generate data keys with the %s key, only through S3 and for its bucket',
    (sid, key, bucket) => {
      expect(statements[sid]).toMatchObject({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: values.resolve({ 'Fn::GetAtt': [keyIdOfAlias(template, `alias/s3-dr-${key}-lib`), 'Arn'] }),
        Condition: {
          StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [arn(bucket), arn(bucket, '/*')] },
        },
      });
    },
  );

  test('THEN it reads manifests under manifests/ and writes reports under reports/ and generated manifests under manifests/generated/ of the ops bucket only', () => {
    expect(statements.ReadManifests).toMatchObject({
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: `arn:aws:s3:::${OPS}/manifests/*`,
    });
    expect(statements.WriteReportsAndGeneratedManifests.Action).toBe('s3:PutObject');
    expect([...statements.WriteReportsAndGeneratedManifests.Resource].sort()).toEqual([
      `arn:aws:s3:::${OPS}/manifests/generated/*`,
      `arn:aws:s3:::${OPS}/reports/*`,
    ]);
  });
});
