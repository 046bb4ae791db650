import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  acknowledgeKeyWildcards,
  type KeyGrant,
  keyGrant,
  type ReplicationKeyReference,
} from './key-reference';
import { acknowledgeObjectWildcards } from './nag';

export interface ReplicationRoleProps {
  readonly roleName: string;
  /** ARN of the source bucket (`arn:<partition>:s3:::name`): the role may read only this bucket. */
  readonly sourceBucketArn: string;
  readonly destinationBucketArn: string;
  /** Key the source objects are encrypted with: the role may only decrypt with it. */
  readonly sourceKey: ReplicationKeyReference;
  /**
   * Key the replicas are encrypted with: the role may encrypt with it and, because the replica bucket
   * uses S3 Bucket Keys, decrypt with it; both only through S3 and for the replica bucket.
   */
  readonly destinationKey: ReplicationKeyReference;
  /**
   * Either bucket has Object Lock: the role may also read the retention and legal hold of the source
   * versions, which S3 replicates with them.
   * @default false
   */
  readonly objectLock?: boolean;
  /** @default 'Assumed by Amazon S3 to replicate the primary bucket to the replica bucket' */
  readonly description?: string;
}

/**
 * The role S3 assumes to replicate, with exactly the permissions AWS documents for same-account
 * replication of SSE-KMS objects, and nothing else.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
 */
export class ReplicationRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ReplicationRoleProps) {
    super(scope, id);
    const source = keyGrant(this, props.sourceKey);
    const destination = keyGrant(this, props.destinationKey);
    // A managed policy attached at creation: the permissions exist before the bucket whose
    // replication configuration names the role (an AWS::IAM::Policy would be attached after).
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Least-privilege permissions for S3 replication of SSE-KMS objects',
      document: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'ReadSourceReplicationConfiguration',
            actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
            resources: [props.sourceBucketArn],
          }),
          new iam.PolicyStatement({
            sid: 'ReadSourceObjectVersions',
            actions: [
              's3:GetObjectVersionForReplication',
              's3:GetObjectVersionAcl',
              's3:GetObjectVersionTagging',
            ],
            resources: [`${props.sourceBucketArn}/*`],
          }),
          ...(props.objectLock ? [readSourceObjectLock(props.sourceBucketArn)] : []),
          new iam.PolicyStatement({
            sid: 'WriteReplicas',
            actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
            resources: [`${props.destinationBucketArn}/*`],
          }),
          new iam.PolicyStatement({
            sid: 'DecryptSourceObjects',
            actions: ['kms:Decrypt'],
            resources: [source.resource],
            conditions: kmsConditions(source, props.sourceBucketArn),
          }),
          new iam.PolicyStatement({
            sid: 'EncryptReplicas',
            // GenerateDataKey: with S3 Bucket Keys on the replica bucket S3 creates a bucket-level data key.
            // Decrypt: with S3 Bucket Keys, S3 calls kms:Decrypt to verify that key before using it;
            // without it every SSE-KMS object fails to replicate (FAILED, never retried).
            // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html#bk-replication
            actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
            resources: [destination.resource],
            conditions: kmsConditions(destination, props.destinationBucketArn),
          }),
        ],
      }),
    });
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description:
        props.description ?? 'Assumed by Amazon S3 to replicate the primary bucket to the replica bucket',
      // The trust policy AWS documents for replication roles, without conditions: no AWS page says S3
      // sends aws:SourceArn or aws:SourceAccount when it assumes this role, and a condition S3 does not
      // satisfy would fail every object. Only a principal allowed iam:PassRole on this role can name it
      // in a replication configuration.
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
      // (The global principal name, the same in every partition lib/config.ts accepts.)
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      managedPolicies: [policy],
    });
    acknowledgeObjectWildcards(
      policy,
      [`${props.sourceBucketArn}/*`, `${props.destinationBucketArn}/*`],
      'Replication reads and writes object versions: the `bucket/*` ARN scopes it to the objects of one bucket.',
    );
    acknowledgeKeyWildcards(policy, [source, destination]);
  }
}

/**
 * "To use Object Lock with replication, you must grant two additional permissions on the source S3
 * bucket": s3:GetObjectRetention and s3:GetObjectLegalHold. Granted whenever Object Lock is on either
 * side, not only on the source: S3 reads a source version's retention to decide whether it overrides
 * the destination's default ("When Amazon S3 replicates objects that have retention information
 * applied, it applies those same retention controls to your replicas"). Without Object Lock on
 * either side there is nothing to read, so the role does not get them.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-replication
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html
 */
function readSourceObjectLock(sourceBucketArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ReadSourceObjectLock',
    actions: ['s3:GetObjectRetention', 's3:GetObjectLegalHold'],
    resources: [`${sourceBucketArn}/*`],
  });
}

/**
 * Key use only through S3 and only for this bucket. With S3 Bucket Keys the encryption context is
 * the bucket ARN; objects written before Bucket Keys were enabled carry the object ARN. Both match.
 */
function kmsConditions(grant: KeyGrant, bucketArn: string): Record<string, Record<string, unknown>> {
  return {
    StringEquals: { 'kms:ViaService': grant.viaService },
    StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/*`] },
    ...grant.aliasCondition,
  };
}
