import { Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { DeploymentNames } from 's3-dr-naming';
import { cloudFormationExecutionRoleArn } from './deployment-role';
import type { EncryptedBucket } from './encrypted-bucket';
import { KeyProtection } from './key-protection';
import type { S3ReplicationPairProps } from './pair-props';
import { roleArn } from './protection-props';
import { ReplicaProtectionPolicy } from './replica-protection-policy';

export interface PairProtectionInputs {
  readonly names: DeploymentNames;
  readonly replica: EncryptedBucket;
  /** Every key of the pair: the buckets' and the alarm topics' (a disabled topic key silences every alarm of its region). */
  readonly keys: kms.Key[];
  /** Someone but S3 replication writes objects to the replica: two-way, or a failover through an access point. */
  readonly allowObjectWrites: boolean;
  /** Two-way: the custom resource that puts the reverse rule on the replica. */
  readonly reverseRule: boolean;
  /** A drill pauses the reverse rule through FIS (same region only). */
  readonly drillPausesReverseRule: boolean;
  /** The account of the replication role: the primary's, which differs from the replica's in a vault. */
  readonly replicationRoleAccount?: string;
}

/**
 * Protection against deletion and tampering: the replica's bucket policy denies and every key's
 * policy denies, each applied in its own resource's stack, exempting the deployment role (and
 * `breakGlassRoleArn`).
 */
export function protectPair(
  props: S3ReplicationPairProps,
  inputs: PairProtectionInputs,
): ReplicaProtectionPolicy {
  const { names, replica } = inputs;
  const exempt = { breakGlassRoleArn: props.breakGlassRoleArn };
  const deploymentRole = (scope: Construct) =>
    props.deploymentRoleArn ?? (cloudFormationExecutionRoleArn(scope) as string);
  const protection = new ReplicaProtectionPolicy(replica, 'Protection', {
    bucket: replica.bucket,
    replicationRoleArns: [
      inputs.replicationRoleAccount
        ? Stack.of(replica).formatArn({
            service: 'iam',
            region: '',
            account: inputs.replicationRoleAccount,
            resource: 'role',
            resourceName: names.replicationRole,
          })
        : roleArn(replica, names.replicationRole),
    ],
    deploymentRoleArn: deploymentRole(replica),
    allowObjectWrites: inputs.allowObjectWrites,
    configurationRoleArns: [
      ...(inputs.reverseRule ? [roleArn(replica, names.reverseRuleRole)] : []),
      // FIS puts the replica's replication configuration to pause it; the role may do so only as
      // a pause request.
      ...(inputs.drillPausesReverseRule ? [roleArn(replica, names.drillRole)] : []),
    ],
    ...exempt,
  });
  for (const key of inputs.keys) {
    new KeyProtection(key, 'Protection', { key, deploymentRoleArn: deploymentRole(key), ...exempt });
  }
  return protection;
}
