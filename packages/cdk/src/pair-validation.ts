import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { Construct } from 'constructs';
import { isValidSuffix, SUFFIX_RULE } from 's3-dr-naming';
import { MIN_BYTES_SCANNED_CUTOFF } from './athena-inventory-tables';
import {
  INVENTORY_FORMATS,
  MAX_INVENTORY_RETENTION_DAYS,
  REPLICA_ARCHIVE_CLASSES,
  type S3ReplicationPairProps,
} from './pair-props';
import { vaultProblems } from './pair-vault';
import { protectionProblems } from './protection-props';

// The validation of S3ReplicationPairProps: every problem at once, each naming the prop, its value
// and the rule; and the rules the CDK app's context validation shares.

/**
 * Regions of the `aws` and `aws-us-gov` partitions that aws-cdk-lib knows. The stack's service
 * principals are the global names AWS documents (`s3.amazonaws.com`, `lambda.amazonaws.com`, ...),
 * which CDK v2 renders as given in every region; the aws-cdk maintainers state these names hold in
 * every partition except China (https://github.com/aws/aws-cdk/pull/18505,
 * https://github.com/aws/aws-cdk/pull/22819). China (`cn-`, where some principals end in
 * `amazonaws.com.cn`) and the ISO partitions, whose documentation is not public, are refused rather
 * than guessed.
 */
const SUPPORTED_PARTITIONS = ['aws', 'aws-us-gov'];
export const REGION_RULE =
  'an AWS region name such as us-east-1, in the aws or aws-us-gov partition (China and ISO regions are not supported)';

export function isSupportedRegion(name: string): boolean {
  const partition = RegionInfo.regions.find((r) => r.name === name)?.partition;
  return partition !== undefined && SUPPORTED_PARTITIONS.includes(partition);
}

/** The partition of a known region (`aws`, `aws-us-gov`, ...). */
export function regionPartition(name: string): string | undefined {
  return RegionInfo.regions.find((r) => r.name === name)?.partition;
}

/** What an alarm e-mail address must look like (deliberately simple: SNS confirms the address anyway). */
export const EMAIL_RULE = 'an e-mail address such as oncall@example.com';
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isValidEmail(value: string): boolean {
  return EMAIL_PATTERN.test(value);
}

/** Every invalid prop at once, in one error that names each prop, its value and the rule. */
export function assertValidProps(
  scope: Construct,
  props: S3ReplicationPairProps,
  deploymentRoleOf: string | undefined,
): void {
  const problems: string[] = [];
  const suffix = props.environmentSuffix;
  if (!Token.isUnresolved(suffix) && !isValidSuffix(suffix)) {
    problems.push(`environmentSuffix: '${suffix}' is invalid; expected ${SUFFIX_RULE}`);
  }
  const policy = props.removalPolicy;
  if (policy !== undefined && policy !== RemovalPolicy.DESTROY && policy !== RemovalPolicy.RETAIN) {
    problems.push(
      `removalPolicy: '${policy}' is invalid; expected RemovalPolicy.DESTROY or RemovalPolicy.RETAIN`,
    );
  }
  const email = props.alarmEmail;
  if (email !== undefined && !Token.isUnresolved(email) && !isValidEmail(email)) {
    problems.push(`alarmEmail: '${email}' is invalid; expected ${EMAIL_RULE}`);
  }
  problems.push(...topologyProblems(scope, props));
  problems.push(...vaultProblems(scope, props));
  problems.push(...inventoryProblems(props));
  problems.push(...protectionProblems(props, deploymentRoleOf));
  if (problems.length > 0) {
    throw new Error(`Invalid S3ReplicationPair props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The problems of the multi-region props, each naming the prop, its value and the rule. */
function topologyProblems(scope: Construct, props: S3ReplicationPairProps): string[] {
  const problems: string[] = [];
  const stackRegion = Stack.of(scope).region;
  const { replicaRegion } = props;
  if (replicaRegion !== undefined && !Token.isUnresolved(replicaRegion)) {
    if (!isSupportedRegion(replicaRegion)) {
      problems.push(`replicaRegion: '${replicaRegion}' is invalid; expected ${REGION_RULE}`);
    } else if (Token.isUnresolved(stackRegion)) {
      problems.push(
        `replicaRegion: '${replicaRegion}' needs the stack's region to be known; give the stack env.region`,
      );
    } else if (regionPartition(replicaRegion) !== regionPartition(stackRegion)) {
      problems.push(
        `replicaRegion: '${replicaRegion}' is invalid; expected a region of the same partition as the stack's region '${stackRegion}' (replication cannot cross partitions)`,
      );
    }
  }
  const crossRegion = isCrossRegion(scope, props);
  if (props.multiRegionAccessPoint === true && !crossRegion) {
    problems.push(
      `multiRegionAccessPoint: 'true' is invalid; a Multi-Region Access Point needs the replica in another region than the primary (replicaRegion)`,
    );
  }
  if (props.bidirectional && props.replicaObjectLock) {
    problems.push(
      "bidirectional: 'true' cannot work with replicaObjectLock: the reverse rule would replicate from a bucket with Object Lock to a primary without it, which S3 refuses (DstBucketObjectLockConfigMissing); drop one of them",
    );
  }
  const archive = props.replicaArchiveClass?.value;
  if (archive !== undefined && !REPLICA_ARCHIVE_CLASSES.includes(archive)) {
    problems.push(
      `replicaArchiveClass: '${archive}' is invalid; expected ${REPLICA_ARCHIVE_CLASSES.join(', ')} (StorageClass.GLACIER, GLACIER_INSTANT_RETRIEVAL or DEEP_ARCHIVE)`,
    );
  }
  return problems;
}

/** The problems of the inventory props, each naming the prop, its value and the rule. */
function inventoryProblems(props: S3ReplicationPairProps): string[] {
  const problems: string[] = [];
  const format = props.inventoryFormat;
  if (format !== undefined && !INVENTORY_FORMATS.includes(format)) {
    problems.push(
      `inventoryFormat: '${format}' is invalid; expected InventoryFormat.PARQUET, InventoryFormat.ORC or InventoryFormat.CSV`,
    );
  }
  const retention = props.inventoryRetention;
  if (retention !== undefined && !Token.isUnresolved(retention.toSeconds())) {
    const days = retention.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1 || days > MAX_INVENTORY_RETENTION_DAYS) {
      problems.push(
        `inventoryRetention: '${retention.toHumanString()}' is invalid; expected whole days from 1 to ${MAX_INVENTORY_RETENTION_DAYS} (the ops bucket keeps nothing longer)`,
      );
    }
  }
  const cutoff = props.athenaBytesScannedCutoff;
  if (cutoff !== undefined && cutoff.toBytes() < MIN_BYTES_SCANNED_CUTOFF) {
    problems.push(
      `athenaBytesScannedCutoff: '${cutoff.toBytes()} bytes' is invalid; expected at least ${MIN_BYTES_SCANNED_CUTOFF} bytes (10 MB, Athena's minimum)`,
    );
  }
  return problems;
}

/** The replica is in another region than the stack of `scope` (the pair). */
export function isCrossRegion(scope: Construct, props: S3ReplicationPairProps): boolean {
  return props.replicaRegion !== undefined && props.replicaRegion !== Stack.of(scope).region;
}
