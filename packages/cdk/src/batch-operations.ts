import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  acknowledgeKeyWildcards,
  type KeyGrant,
  keyGrant,
  type ReplicationKeyReference,
} from './key-reference';
import { acknowledgeObjectWildcards } from './nag';
import { opsBucket } from './ops-bucket';

/** Where the `s3-dr` CLI writes job manifests in the ops bucket, and where jobs write reports. */
export const OPS_MANIFEST_PREFIX = 'manifests/';
export const OPS_GENERATED_MANIFEST_PREFIX = 'manifests/generated/';
export const OPS_REPORT_PREFIX = 'reports/';
/**
 * Days the ops bucket keeps what is in it (its lifecycle covers the whole bucket): job manifests and
 * reports, and so S3 Inventory reports and Athena results, are gone after at most this long.
 */
export const JOB_FILES_DAYS = 90;

/** A data bucket that Batch Operations jobs read and write, and the key that encrypts it. */
export interface BatchOperationsBucket {
  /** `arn:<partition>:s3:::<name>` */
  readonly bucketArn: string;
  /**
   * The customer-managed key of the bucket's default encryption: the key itself in this stack, or
   * its alias and region for a bucket in another region (see {@link ReplicationKeyReference}).
   */
  readonly key: ReplicationKeyReference;
}

export interface BatchOperationsProps {
  readonly opsBucketName: string;
  readonly roleName: string;
  /** The replication source: Batch Replication (backfill) initiates replication of its objects. */
  readonly source: BatchOperationsBucket;
  /**
   * The replica: batch restores may copy versions within it as within the source. Leave it out for
   * a replica in another account (a vault), whose policies admit no role of this account.
   * @default - no grant on any replica: jobs act on the source only
   */
  readonly replica?: BatchOperationsBucket;
  readonly removalPolicy: RemovalPolicy;
  /** Server access logs of the ops bucket go here, under `ops/`. */
  readonly accessLogsBucket: s3.IBucket;
  /** How long manifests and completion reports (everything in the bucket) are kept. @default 90 days */
  readonly expiration?: Duration;
}

/**
 * What S3 Batch Operations jobs of the `s3-dr` CLI need: an ops bucket for manifests and
 * completion reports, and the role the jobs run as, with the permissions AWS documents for the two
 * job kinds the CLI creates and nothing else:
 * - `s3-dr backfill`: Batch Replication (`S3ReplicateObject`) of the source with an S3-generated
 *   manifest (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-policies.html);
 * - `s3-dr restore --batch`: `S3PutObjectCopy` of versions within one of the two buckets from a
 *   CSV manifest (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html).
 */
export class BatchOperations extends Construct {
  readonly bucket: s3.Bucket;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: BatchOperationsProps) {
    super(scope, id);
    this.bucket = opsBucket(this, 'Bucket', {
      bucketName: props.opsBucketName,
      removalPolicy: props.removalPolicy,
      accessLogsBucket: props.accessLogsBucket,
      lifecycleRules: [
        {
          id: 'expire-job-files',
          expiration: props.expiration ?? Duration.days(JOB_FILES_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    const source = props.source;
    const sourceKey = keyGrant(this, source.key);
    const replica = props.replica && {
      bucketArn: props.replica.bucketArn,
      key: keyGrant(this, props.replica.key),
    };
    // The buckets copies are made within: the source, and the replica when given.
    const dataBuckets = [source.bucketArn, ...(replica ? [replica.bucketArn] : [])];
    const objects = (arn: string) => `${arn}/*`;
    const manifests = this.bucket.arnForObjects(`${OPS_MANIFEST_PREFIX}*`);
    const generatedManifests = this.bucket.arnForObjects(`${OPS_GENERATED_MANIFEST_PREFIX}*`);
    const reports = this.bucket.arnForObjects(`${OPS_REPORT_PREFIX}*`);
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description:
        'S3 Batch Operations jobs of s3-dr: Batch Replication of the source, copies within either bucket',
      document: new iam.PolicyDocument({
        statements: [
          // Batch Replication with a generated manifest (s3-batch-replication-policies.html).
          new iam.PolicyStatement({
            sid: 'InitiateReplicationOfSourceObjects',
            actions: ['s3:InitiateReplication'],
            resources: [objects(source.bucketArn)],
          }),
          new iam.PolicyStatement({
            sid: 'GenerateManifestFromSourceReplicationConfiguration',
            actions: ['s3:GetReplicationConfiguration', 's3:PutInventoryConfiguration'],
            resources: [source.bucketArn],
          }),
          // Copies by version id (batch-ops-iam-role-policies.html, "PUT copy object"; the version
          // permissions because the manifest names versions). ACLs are disabled on both buckets.
          new iam.PolicyStatement({
            sid: 'ListDataBuckets',
            actions: ['s3:ListBucket'],
            resources: dataBuckets,
          }),
          new iam.PolicyStatement({
            sid: 'ReadObjectVersions',
            actions: [
              's3:GetObject',
              's3:GetObjectVersion',
              's3:GetObjectTagging',
              's3:GetObjectVersionTagging',
            ],
            resources: dataBuckets.map(objects),
          }),
          new iam.PolicyStatement({
            sid: 'WriteObjectCopies',
            actions: ['s3:PutObject', 's3:PutObjectTagging'],
            resources: dataBuckets.map(objects),
          }),
          keyStatement('UseSourceKeyThroughS3', source.bucketArn, sourceKey),
          ...(replica ? [keyStatement('UseReplicaKeyThroughS3', replica.bucketArn, replica.key)] : []),
          // Manifests: the CLI's CSV manifests and the manifests S3 generates for Batch Replication.
          new iam.PolicyStatement({
            sid: 'ReadManifests',
            actions: ['s3:GetObject', 's3:GetObjectVersion'],
            resources: [manifests],
          }),
          new iam.PolicyStatement({
            sid: 'WriteReportsAndGeneratedManifests',
            actions: ['s3:PutObject'],
            resources: [reports, generatedManifests],
          }),
        ],
      }),
    });
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: 'Assumed by S3 Batch Operations for s3-dr backfill and batch restore jobs',
      // The trust policy AWS documents for Batch Operations roles
      // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html#batch-ops-iam-role-policies-trust),
      // without conditions: no AWS page says which of aws:SourceAccount/aws:SourceArn Batch
      // Operations sets when it assumes a role, and a condition it does not satisfy would fail
      // every job. The role lives in this account and only a principal allowed iam:PassRole on it
      // can name it in a job (CreateJob is per account).
      assumedBy: new iam.ServicePrincipal('batchoperations.s3.amazonaws.com'),
      managedPolicies: [policy],
    });
    acknowledgeObjectWildcards(
      policy,
      [...dataBuckets.map(objects), manifests, generatedManifests, reports],
      'Batch Operations act on objects: the `bucket/*` or `bucket/prefix/*` ARN is the narrowest grant for objects a job lists at run time.',
    );
    acknowledgeKeyWildcards(policy, [sourceKey, ...(replica ? [replica.key] : [])]);
  }
}

/**
 * Decrypt (read a version, and verify an S3 Bucket Key) and GenerateDataKey (write a copy) with a
 * bucket's key, only through S3 in that bucket's region and only for that bucket: with S3 Bucket
 * Keys the encryption context is the bucket ARN, otherwise the object ARN.
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 */
function keyStatement(sid: string, bucketArn: string, key: KeyGrant): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: [key.resource],
    conditions: {
      StringEquals: { 'kms:ViaService': key.viaService },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/*`] },
      ...key.aliasCondition,
    },
  });
}
