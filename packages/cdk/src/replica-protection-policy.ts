import { CustomResourceProviderBase, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Object actions that create, overwrite, tag or delete-mark objects (writes by applications). */
export const REPLICA_OBJECT_WRITE_ACTIONS = [
  's3:PutObject',
  's3:DeleteObject',
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
  's3:DeleteObjectTagging',
  's3:DeleteObjectVersionTagging',
  's3:ReplicateObject',
  's3:ReplicateDelete',
  's3:ReplicateTags',
];

/**
 * Object actions that destroy a version or loosen its lock. `s3:DeleteObjectVersion` is the
 * permission behind DeleteObject(s) with a version id; shortening a governance-mode retention
 * needs `s3:PutObjectRetention` with `s3:BypassGovernanceRetention`.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html
 */
export const REPLICA_VERSION_DELETE_ACTIONS = [
  's3:DeleteObjectVersion',
  's3:BypassGovernanceRetention',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
];

/**
 * Bucket actions that could disable the replica silently, or loosen it. The IAM actions behind the
 * API calls: PutBucketVersioning, Put/DeleteBucketLifecycle(Configuration)
 * (s3:PutLifecycleConfiguration), Put/DeleteBucketReplication (s3:PutReplicationConfiguration),
 * PutObjectLockConfiguration (s3:PutBucketObjectLockConfiguration), PutBucketPolicy,
 * DeleteBucketPolicy, Put/DeleteBucketEncryption (s3:PutEncryptionConfiguration),
 * Put/DeleteBucketOwnershipControls (s3:PutBucketOwnershipControls: without bucket-owner-enforced,
 * new replicas in a vault would belong to the primary's account), Put/DeletePublicAccessBlock
 * (s3:PutBucketPublicAccessBlock).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketOwnershipControls.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeletePublicAccessBlock.html
 */
export const REPLICA_CONFIGURATION_ACTIONS = [
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  's3:PutReplicationConfiguration',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutEncryptionConfiguration',
  's3:PutBucketOwnershipControls',
  's3:PutBucketPublicAccessBlock',
];

export interface ReplicaProtectionPolicyProps {
  /** The replica bucket whose policy gets the denies. */
  readonly bucket: s3.Bucket;
  /**
   * Roles that write replicas into the bucket (the replication role): exempt from the object-write
   * deny. ARNs built from names, so the bucket need not live in the roles' stack.
   */
  readonly replicationRoleArns: string[];
  /**
   * The principal CloudFormation deploys with (see `cloudFormationExecutionRoleArn`): exempt from
   * the configuration deny, so `cdk deploy` can keep updating versioning, lifecycle and the policy.
   */
  readonly deploymentRoleArn: string;
  /** @default - no break-glass role: only the deployment may change the configuration */
  readonly breakGlassRoleArn?: string;
  /**
   * Other principals that must change the bucket's configuration, e.g. the function that puts a
   * reverse replication rule on the replica in a two-way deployment.
   * @default - none
   */
  readonly configurationRoleArns?: string[];
  /**
   * Whether applications may keep writing objects (two-way replication, or after a failover to the
   * replica). Version deletes and configuration changes stay denied either way.
   * @default false - only the replication roles (and the break-glass role) write objects
   */
  readonly allowObjectWrites?: boolean;
}

/**
 * Denies in the replica's bucket policy, for every principal but the few that need the action:
 *
 * - object writes and delete markers: all but the replication roles and the break-glass role
 *   (unless `allowObjectWrites`);
 * - deleting versions or loosening their lock: all but the break-glass role;
 * - changing versioning, lifecycle, replication, Object Lock, the policy, default encryption,
 *   object ownership or the public access block: all but the deployment role and the break-glass role.
 *
 * Reads are untouched. Principals are matched by `aws:PrincipalArn` (the role ARN for every session
 * of the role), a string compare: a role deleted and re-created under the same name is exempt
 * again. When the bucket empties itself on stack deletion (`autoDeleteObjects`), the clean-up
 * function's role is exempt from every deny that covers a delete (object writes, versions) and from
 * the configuration deny, or `cdk destroy` would fail with BucketNotEmpty: CDK's handler ignores the
 * per-key errors of DeleteObjects. Whoever may invoke that function can therefore empty the replica.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 *
 * A bucket policy stops stolen credentials and scripts gone wrong; it does not stop the account's
 * root user, who can always delete a bucket policy, nor a principal exempt here.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketPolicy.html
 */
export class ReplicaProtectionPolicy extends Construct {
  /** The principals exempt from each deny, for tests and documentation. */
  readonly objectWriters: string[];
  readonly versionDeleters: string[];
  readonly configurationChangers: string[];

  constructor(scope: Construct, id: string, props: ReplicaProtectionPolicyProps) {
    super(scope, id);
    const { bucket } = props;
    const breakGlass = props.breakGlassRoleArn ? [props.breakGlassRoleArn] : [];
    const cleanup = autoDeleteRoleArn(bucket);
    // The clean-up function deletes every version with DeleteObjects, which needs s3:DeleteObject
    // always and s3:DeleteObjectVersion in addition for a version: it is exempt from both denies.
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html (Permissions)
    this.objectWriters = [...props.replicationRoleArns, ...breakGlass, ...cleanup];
    this.versionDeleters = [...breakGlass, ...cleanup];
    this.configurationChangers = [
      props.deploymentRoleArn,
      ...(props.configurationRoleArns ?? []),
      ...breakGlass,
      ...cleanup,
    ];
    const objects = bucket.arnForObjects('*');
    if (!props.allowObjectWrites) {
      bucket.addToResourcePolicy(
        deny('DenyObjectWritesExceptReplication', REPLICA_OBJECT_WRITE_ACTIONS, objects, this.objectWriters),
      );
    }
    bucket.addToResourcePolicy(
      deny('DenyVersionDeletes', REPLICA_VERSION_DELETE_ACTIONS, objects, this.versionDeleters),
    );
    bucket.addToResourcePolicy(
      deny(
        'DenyConfigurationChanges',
        REPLICA_CONFIGURATION_ACTIONS,
        bucket.bucketArn,
        this.configurationChangers,
      ),
    );
  }
}

function deny(sid: string, actions: string[], resource: string, exempt: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions,
    resources: [resource],
    // With no exempt principal the statement denies everyone: an empty ArnNotLike list is invalid.
    conditions: exempt.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': exempt } } : undefined,
  });
}

/**
 * The role of CDK's `autoDeleteObjects` function, when `bucket` has one: on stack deletion it
 * writes a deny-new-objects statement into the bucket policy, then deletes every version.
 */
function autoDeleteRoleArn(bucket: s3.Bucket): string[] {
  if (!bucket.node.tryFindChild('AutoDeleteObjectsCustomResource')) return [];
  const provider = Stack.of(bucket)
    .node.children.filter((c): c is CustomResourceProviderBase => c instanceof CustomResourceProviderBase)
    .find((c) => c.node.id.endsWith('S3AutoDeleteObjectsCustomResourceProvider'));
  if (!provider) {
    throw new Error(
      `bucket ${bucket.node.path} empties itself on deletion, but CDK's clean-up function was not found in its stack: cannot exempt it from the protection policy`,
    );
  }
  return [provider.roleArn];
}
