import { Match } from 'aws-cdk-lib/assertions';
import { onlyResource, type Synthesized, synthTap } from '../support/tap';

let dev: Synthesized;
beforeAll(() => {
  dev = synthTap();
});

const accountName = (prefix: string) => ({ 'Fn::Join': ['', [prefix, { Ref: 'AWS::AccountId' }]] });
const primaryName = accountName('primary-bucket-dev-');
const replicaName = accountName('replica-bucket-dev-');

function bucket(name: object): Record<string, any> {
  return onlyResource(dev.nested, 'AWS::S3::Bucket', { BucketName: name })[1].Properties;
}

function keyIdOfAlias(alias: string): string {
  return onlyResource(dev.nested, 'AWS::KMS::Alias', { AliasName: alias })[1].Properties.TargetKeyId[
    'Fn::GetAtt'
  ][0];
}

describe.each([
  ['primary', primaryName, 'alias/s3-dr-primary-dev'],
  ['replica', replicaName, 'alias/s3-dr-replica-dev'],
])('the %s bucket', (which, name, alias) => {
  test('is versioned', () => {
    expect(bucket(name).VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  test('is encrypted with its own key and S3 Bucket Keys', () => {
    expect(bucket(name).BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      {
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: {
          SSEAlgorithm: 'aws:kms',
          KMSMasterKeyID: { 'Fn::GetAtt': [keyIdOfAlias(alias), 'Arn'] },
        },
      },
    ]);
  });

  test('blocks all public access and disables ACLs', () => {
    expect(bucket(name).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket(name).OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  test('sends server access logs to the log bucket under its own prefix', () => {
    const [logBucketId] = onlyResource(dev.nested, 'AWS::S3::Bucket', {
      BucketName: accountName('access-logs-dev-'),
    });
    expect(bucket(name).LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logBucketId },
      LogFilePrefix: `${which}/`,
    });
  });

  test('has a policy that denies requests without TLS and with TLS below 1.2', () => {
    const [bucketId] = onlyResource(dev.nested, 'AWS::S3::Bucket', { BucketName: name });
    dev.nested.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          }),
        ]),
      },
    });
  });
});

describe('the primary bucket', () => {
  test('has Transfer Acceleration on', () => {
    expect(bucket(primaryName).AccelerateConfiguration).toEqual({ AccelerationStatus: 'Enabled' });
  });
});

describe('the replica bucket', () => {
  test('has no Transfer Acceleration', () => {
    expect(bucket(replicaName).AccelerateConfiguration).toBeUndefined();
  });

  test('moves current and noncurrent versions to GLACIER after exactly 90 days', () => {
    expect(bucket(replicaName).LifecycleConfiguration.Rules).toContainEqual({
      Id: 'replica-to-glacier',
      Status: 'Enabled',
      Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }],
      NoncurrentVersionTransitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }],
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
  });
});

describe('the access-log bucket', () => {
  test('uses SSE-S3, which the S3 logging service can write to', () => {
    expect(
      bucket(accountName('access-logs-dev-')).BucketEncryption.ServerSideEncryptionConfiguration,
    ).toEqual([{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }]);
  });

  test('is versioned and expires logs after 90 days, overwritten ones 30 days later', () => {
    const logs = bucket(accountName('access-logs-dev-'));
    expect(logs.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(logs.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        Id: 'expire-access-logs',
        ExpirationInDays: 90,
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        Status: 'Enabled',
      }),
    );
  });

  test('lets only the S3 logging service write, from this account', () => {
    const [logBucketId] = onlyResource(dev.nested, 'AWS::S3::Bucket', {
      BucketName: accountName('access-logs-dev-'),
    });
    dev.nested.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logBucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });
});

describe('bucket names', () => {
  test('with a known account the names carry it literally', () => {
    const withAccount = synthTap({ account: '123456789012' });
    withAccount.nested.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'primary-bucket-dev-123456789012',
    });
    withAccount.nested.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'replica-bucket-dev-123456789012',
    });
  });
});
