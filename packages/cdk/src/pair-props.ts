import type { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { JOB_FILES_DAYS } from './batch-operations';
// For the {@link} in the props' summary, which jsii resolves through the import.
import type { S3ReplicationPair } from './s3-replication-pair';

// The settings of S3ReplicationPair and the defaults and limits that go with them.

/** Where each bucket's S3 Inventory reports are: `s3://<ops bucket>/inventory/<bucket>/<configuration id>/`. */
export interface InventoryLocations {
  readonly primary: string;
  readonly replica: string;
}

/** Settings of an {@link S3ReplicationPair}. */
export interface S3ReplicationPairProps {
  /**
   * Distinguishes deployments: every resource name carries it (`primary-bucket-<suffix>-<account>`,
   * `TapStack<suffix>` outputs aside). Lowercase letters and digits only, at most 35 characters: no
   * hyphen, so that no two suffixes share a name (`back-dev` would name the reverse canary of `dev`).
   */
  readonly environmentSuffix: string;

  /**
   * `RemovalPolicy.DESTROY` deletes the buckets (emptying them first), keys and logs when the stack
   * is deleted; `RemovalPolicy.RETAIN` keeps them and empties nothing. No other policy is accepted.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Address subscribed by e-mail to the alarm topic (SNS sends a confirmation first). Without it,
   * or another subscription added after deploying, alarms notify nobody: synth warns about that.
   *
   * @default - no subscription
   */
  readonly alarmEmail?: string;

  /**
   * Region of the replica bucket. Another region than the stack's puts the replica side (replica
   * bucket, its key and access-log bucket, and the reverse direction's alarms) in a stack of its own
   * in that region, `<top-level stack name>Replica`, which the pair's stack depends on: `cdk deploy
   * --all` deploys it first. The pair's stack must then have a concrete region (`env.region`).
   *
   * @default - the stack's region
   */
  readonly replicaRegion?: string;

  /**
   * Also replicate the replica back to the primary (two-way), so that what is written on the
   * replica side during a failover flows back: its own role, rule (RTC, delete markers,
   * replica-modification sync) and alarms in the replica's region.
   *
   * @default false
   */
  readonly bidirectional?: boolean;

  /**
   * Another AWS account (12 digits) for the replica side: a vault. The replica bucket, its key, its
   * protection, its access-log and ops buckets, its alarm topic and tamper watch go to a stack of their
   * own, `<top-level stack name>Replica`, in that account (and in `replicaRegion`, or the stack's
   * region), which the pair's stack depends on. The primary's account may only replicate into the
   * vault (and its canary read its probes there), never read back, change or delete. Needs the pair's
   * stack in a concrete account (`env.account`); excludes `bidirectional` and `multiRegionAccessPoint`.
   * The vault's account must be bootstrapped before the first deploy (see the README).
   *
   * @default - the replica is in the pair's account
   */
  readonly replicaAccount?: string;

  /**
   * With `replicaAccount`: a read-only role `s3-dr-vault-recovery-<suffix>` in the vault that
   * principals of the primary's account may assume with MFA, and which may write the primary bucket,
   * so that `s3-dr restore --from replica` can copy the vault's versions back server-side.
   *
   * @default false
   */
  readonly vaultRecoveryRole?: boolean;

  /**
   * An S3 Multi-Region Access Point over both buckets, routed active/passive (primary active), for
   * `s3-dr failover` and `s3-dr failback`. Needs the buckets in different regions.
   *
   * @default - true when the replica is in another region
   */
  readonly multiRegionAccessPoint?: boolean;

  /**
   * Storage class the replica's current and noncurrent versions move to after 90 days:
   * `StorageClass.GLACIER`, `StorageClass.GLACIER_INSTANT_RETRIEVAL` (millisecond reads: what a
   * replica that serves reads after a failover wants) or `StorageClass.DEEP_ARCHIVE`.
   *
   * @default StorageClass.GLACIER
   */
  readonly replicaArchiveClass?: s3.StorageClass;

  /**
   * Object Lock on the replica with this default retention, e.g.
   * `ObjectLockRetention.compliance(Duration.days(30))`: a version it applies to is undeletable for
   * that long (COMPLIANCE: by anyone, the root user included; GOVERNANCE: except by principals
   * allowed `s3:BypassGovernanceRetention`). 1 to 3650 whole days. Needs
   * `removalPolicy: RemovalPolicy.RETAIN`: a locked bucket cannot be emptied. Whether S3 applies it to
   * the replicas of the primary's versions (which carry no retention) is not settled by the AWS
   * documentation: the canary measures it on your account (alarm
   * `s3-replication-replica-unlocked-<suffix>`, `s3-dr status` check `replica.retention`).
   *
   * @default - no Object Lock
   */
  readonly replicaObjectLock?: s3.ObjectLockRetention;

  /**
   * Deny, in the replica's bucket policy, object writes and version deletes to everyone but the
   * replication role (and `breakGlassRoleArn`), and changes to its versioning, lifecycle,
   * replication, Object Lock and policy to everyone but the deployment role (and
   * `breakGlassRoleArn`); deny deleting, disabling or re-policing both KMS keys likewise.
   *
   * @default true
   */
  readonly protectReplica?: boolean;

  /**
   * A role exempt from the protection's denies, for deliberate repairs. Needs `protectReplica`.
   *
   * @default - none
   */
  readonly breakGlassRoleArn?: string;

  /**
   * The role CloudFormation deploys the stack with, exempt from the protection's configuration and
   * key denies so that `cdk deploy` and `cdk destroy` keep working.
   *
   * @default - the CloudFormation execution role of the stack's DefaultStackSynthesizer (the CDK
   * bootstrap's `cdk-<qualifier>-cfn-exec-role-<account>-<region>`)
   */
  readonly deploymentRoleArn?: string;

  /**
   * Make the pair drillable by `s3-dr drill`: an AWS FIS experiment template
   * `s3-dr-pause-replication-<suffix>` (its `Name` tag) that pauses replication with the action
   * `aws:s3:bucket-pause-replication` for at most 30 minutes, its role `s3-dr-fis-role-<suffix>`
   * and a stop-condition alarm `s3-replication-drill-guard-<suffix>`. It pauses the forward rule,
   * and in a two-way pair within one region the reverse rule too; across regions the reverse rule
   * is not paused (a template targets buckets of its own region). Nothing runs until a drill
   * starts the experiment.
   *
   * @default false
   */
  readonly drill?: boolean;

  /**
   * A daily S3 Inventory of every version of both buckets (configuration `s3-dr-<suffix>`), delivered
   * to the ops bucket of each bucket's region under `inventory/` (across regions the replica's go to
   * `replica-ops-<suffix>-<account>` in its region), an Athena workgroup `s3-dr-<suffix>` and a Glue
   * database `s3_dr_<suffix>` with a table per bucket, for `s3-dr verify --inventory`. S3 bills
   * inventory per million objects listed, Athena per byte scanned.
   *
   * @default true
   */
  readonly inventory?: boolean;

  /**
   * Format of the inventory reports: `InventoryFormat.PARQUET` (Athena scans only the columns a
   * query reads), `InventoryFormat.ORC` or `InventoryFormat.CSV` (gzip).
   *
   * @default InventoryFormat.PARQUET
   */
  readonly inventoryFormat?: s3.InventoryFormat;

  /**
   * How long inventory reports are kept, in whole days from 1 to 90 (the ops bucket keeps nothing
   * longer than 90 days).
   *
   * @default Duration.days(14)
   */
  readonly inventoryRetention?: Duration;

  /**
   * Athena cancels a query of the workgroup once it has scanned this much (at least 10 MB, Athena's
   * minimum): a bound on what one `verify --inventory` query can cost.
   *
   * @default Size.tebibytes(1)
   */
  readonly athenaBytesScannedCutoff?: Size;
}

/** Days an inventory report may be kept: the ops bucket's own lifecycle expires everything after JOB_FILES_DAYS. */
export const MAX_INVENTORY_RETENTION_DAYS = JOB_FILES_DAYS;
export const DEFAULT_INVENTORY_RETENTION_DAYS = 14;
export const INVENTORY_FORMATS = ['Parquet', 'ORC', 'CSV'];

/** Archive classes the replica's lifecycle may move versions to. */
export const REPLICA_ARCHIVE_CLASSES = ['GLACIER', 'GLACIER_IR', 'DEEP_ARCHIVE'];

/** Current and noncurrent versions of the replica move to GLACIER after this many days. */
export const REPLICA_GLACIER_AFTER_DAYS = 90;
export const LOG_RETENTION = logs.RetentionDays.ONE_WEEK;
