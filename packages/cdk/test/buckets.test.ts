import type { Template } from 'aws-cdk-lib/assertions';
import { StorageClass } from 'aws-cdk-lib/aws-s3';
import { ACCOUNT, pairIn } from './support/pair';
import { keyIdOfAlias, onlyResource } from './support/template';

// The settings of the pair's buckets: data buckets, their access-log bucket and their own lifecycle.

const PRIMARY = `primary-bucket-lib-${ACCOUNT}`;
const REPLICA = `replica-bucket-lib-${ACCOUNT}`;
const ACCESS_LOGS = `access-logs-lib-${ACCOUNT}`;

let template: Template;
beforeAll(() => {
  ({ template } = pairIn({}));
});

function bucket(name: string): Record<string, any> {
  return onlyResource(template, 'AWS::S3::Bucket', { BucketName: name })[1].Properties;
}

function bucketPolicyOf(name: string): Record<string, any>[] {
  const [bucketId] = onlyResource(template, 'AWS::S3::Bucket', { BucketName: name });
  return onlyResource(template, 'AWS::S3::BucketPolicy', { Bucket: { Ref: bucketId } })[1].Properties
    .PolicyDocument.Statement;
}

describe.each([
  ['primary', PRIMARY, 'alias/s3-dr-primary-lib'],
  ['replica', REPLICA, 'alias/s3-dr-replica-lib'],
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
          KMSMasterKeyID: { 'Fn::GetAtt': [keyIdOfAlias(template, alias), 'Arn'] },
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
    const [logBucketId] = onlyResource(template, 'AWS::S3::Bucket', { BucketName: ACCESS_LOGS });
    expect(bucket(name).LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logBucketId },
      LogFilePrefix: `${which}/`,
    });
  });

  test('has a policy that denies requests without TLS and with TLS below 1.2', () => {
    expect(bucketPolicyOf(name)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
        }),
      ]),
    );
  });

  // One rule: an expiration in days also removes the expired object delete markers once they are as
  // old; a second ExpiredObjectDeleteMarker rule would only remove them sooner.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html#lifecycle-config-conceptual-ex7
  test('expires s3-dr objects under _s3-dr/ and their noncurrent versions after a day, in one rule', () => {
    const ownRules = bucket(name).LifecycleConfiguration.Rules.filter(
      (r: { Prefix?: string }) => r.Prefix === '_s3-dr/',
    );
    expect(ownRules).toEqual([
      {
        Id: 's3-dr-expire-own-objects',
        Prefix: '_s3-dr/',
        Status: 'Enabled',
        ExpirationInDays: 1,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      },
    ]);
  });
});

describe('the primary bucket', () => {
  test('has Transfer Acceleration on', () => {
    expect(bucket(PRIMARY).AccelerateConfiguration).toEqual({ AccelerationStatus: 'Enabled' });
  });
});

describe('the replica bucket', () => {
  test('has no Transfer Acceleration', () => {
    expect(bucket(REPLICA).AccelerateConfiguration).toBeUndefined();
  });

  test('moves current and noncurrent versions to GLACIER after exactly 90 days', () => {
    expect(bucket(REPLICA).LifecycleConfiguration.Rules).toContainEqual({
      Id: 'replica-to-glacier',
      Status: 'Enabled',
      Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }],
      NoncurrentVersionTransitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }],
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
  });

  test.each([
    [StorageClass.GLACIER_INSTANT_RETRIEVAL, 'GLACIER_IR'],
    [StorageClass.DEEP_ARCHIVE, 'DEEP_ARCHIVE'],
  ])('with replicaArchiveClass %s moves them to %s after 90 days instead', (archiveClass, storageClass) => {
    const { template: other } = pairIn({ replicaArchiveClass: archiveClass });
    const [, replica] = onlyResource(other, 'AWS::S3::Bucket', { BucketName: REPLICA });
    expect(replica.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        Id: 'replica-to-glacier',
        Transitions: [{ StorageClass: storageClass, TransitionInDays: 90 }],
        NoncurrentVersionTransitions: [{ StorageClass: storageClass, TransitionInDays: 90 }],
      }),
    );
  });
});

describe('the access-log bucket', () => {
  test('uses SSE-S3, which the S3 logging service can write to', () => {
    expect(bucket(ACCESS_LOGS).BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
  });

  test('is versioned and expires logs after 90 days, overwritten ones 30 days later', () => {
    const logs = bucket(ACCESS_LOGS);
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
    expect(bucketPolicyOf(ACCESS_LOGS)).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 's3:PutObject',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': ACCOUNT } }),
      }),
    );
  });
});
