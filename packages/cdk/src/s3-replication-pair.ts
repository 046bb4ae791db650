import { Arn, Duration, RemovalPolicy, Size, Stack, Stage, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import {
  alarmNamePattern,
  type DeploymentNames,
  deploymentNames,
  INVENTORY_TABLES,
  inventoryLocation,
  isValidSuffix,
  RESERVED_PREFIX,
  SUFFIX_RULE,
} from 's3-dr-naming';
import { AccessLogsBucket } from './access-logs-bucket';
import { AlarmTopic } from './alarm-topic';
import { AlertPathAlarm } from './alert-path-alarm';
import { AthenaInventoryTables, MIN_BYTES_SCANNED_CUTOFF } from './athena-inventory-tables';
import { BatchOperations, JOB_FILES_DAYS } from './batch-operations';
import { REVERSE_CANARY_PREFIX } from './contract';
import { customerManagedKey } from './customer-managed-key';
import { cloudFormationExecutionRoleArn } from './deployment-role';
import { EncryptedBucket } from './encrypted-bucket';
import { InventoryReports } from './inventory-reports';
import { KeyArnLookup, keyGenerationOf } from './key-arn-lookup';
import { KeyProtection } from './key-protection';
import type { ReplicationKeyReference } from './key-reference';
import { ActivePassiveAccessPoint } from './multi-region-access-point';
import { opsBucket } from './ops-bucket';
import { protectionProblems, roleArn } from './protection-props';
import { ReplicaProtectionPolicy } from './replica-protection-policy';
import { LATENCY_THRESHOLD_SECONDS, ReplicationAlarms } from './replication-alarms';
import { ReplicationCanary } from './replication-canary';
import { ReplicationDashboard } from './replication-dashboard';
import { ReplicationEventLog } from './replication-event-log';
import { ReplicationLogGroup } from './replication-log-group';
import { ReplicationMetrics } from './replication-metrics';
import { type PausedDirection, ReplicationPauseExperiment } from './replication-pause-experiment';
import { ReplicationRole } from './replication-role';
import { noteRetainedResources } from './retained-resources';
import { ReverseReplicationRule } from './reverse-replication-rule';
import { TamperAlarm } from './tamper-alarm';
import { TelemetryMetrics } from './telemetry-metrics';

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

/** The feature flag that makes server access logging use a bucket policy (set on the pair's scope). */
const ACCESS_LOGS_BUCKET_POLICY_FLAG = '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy';

/** What an alarm e-mail address must look like (deliberately simple: SNS confirms the address anyway). */
export const EMAIL_RULE = 'an e-mail address such as oncall@example.com';
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isValidEmail(value: string): boolean {
  return EMAIL_PATTERN.test(value);
}

/** Every invalid prop at once, in one error that names each prop, its value and the rule. */
function assertValidProps(
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

function isCrossRegion(scope: Construct, props: S3ReplicationPairProps): boolean {
  return props.replicaRegion !== undefined && props.replicaRegion !== Stack.of(scope).region;
}

/** Current and noncurrent versions of the replica move to GLACIER after this many days. */
export const REPLICA_GLACIER_AFTER_DAYS = 90;
export const LOG_RETENTION = logs.RetentionDays.ONE_WEEK;

/**
 * s3-dr's own objects (canary and probe objects under `_s3-dr/`) are gone a day after they were
 * written or retired, in both buckets; lifecycle actions are not replicated, so each bucket needs
 * its own rule. One rule is enough: with an expiration in days S3 also removes the expired object
 * delete markers (those left once the noncurrent versions are gone) when they are that old. S3
 * refuses `ExpiredObjectDeleteMarker` beside `Days` in a rule's expiration; a second rule with only
 * `ExpiredObjectDeleteMarker` would remove the markers sooner, which these objects do not need.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html#lifecycle-config-conceptual-ex7
 */
const RESERVED_PREFIX_LIFECYCLE: s3.LifecycleRule[] = [
  {
    id: 's3-dr-expire-own-objects',
    prefix: RESERVED_PREFIX,
    expiration: Duration.days(1),
    noncurrentVersionExpiration: Duration.days(1),
  },
];

/**
 * An S3 disaster-recovery pair: a primary bucket replicating to a replica bucket with S3
 * Replication Time Control, each with its own customer-managed KMS key, a least-privilege
 * replication role, an encrypted alarm topic, replication alarms, an end-to-end canary, a log of
 * S3's replication events and a dashboard. Every resource is named by the s3-dr naming contract
 * (`s3-dr-naming`), so the `s3-dr` CLI finds a deployment from its suffix alone.
 *
 * Both buckets live in the region of its stack, unless `replicaRegion` puts the replica side in a
 * stack of its own in another region.
 *
 * @example
 * new S3ReplicationPair(this, 'Dr', {
 *   environmentSuffix: 'prod',
 *   alarmEmail: 'oncall@example.com',
 *   removalPolicy: RemovalPolicy.RETAIN,
 * });
 */
export class S3ReplicationPair extends Construct {
  readonly names: DeploymentNames;
  readonly primaryKey: kms.Key;
  /** The replica's key; in the replica stack when the replica is in another region. */
  readonly replicaKey: kms.Key;
  readonly primary: EncryptedBucket;
  /** The replica bucket; in the replica stack when the replica is in another region. */
  readonly replica: EncryptedBucket;
  readonly replicationRole: ReplicationRole;
  readonly alarmTopic: AlarmTopic;
  readonly alarms: ReplicationAlarms;
  readonly dashboard: ReplicationDashboard;
  readonly replicationLogs: ReplicationLogGroup;
  readonly eventLog: ReplicationEventLog;
  readonly canary: ReplicationCanary;
  /** Region of the replica bucket. */
  readonly replicaRegion: string;
  /** The stack of the replica side, when the replica is in another region. */
  readonly replicaStack?: Stack;
  /** Two-way only: the role and rule that replicate the replica back to the primary. */
  readonly reverseReplicationRole?: ReplicationRole;
  readonly reverseRule?: ReverseReplicationRule;
  /** Two-way only: the reverse rule's alarms, in the replica's region, and the topic they notify there. */
  readonly reverseAlarms?: ReplicationAlarms;
  readonly replicaAlarmTopic?: AlarmTopic;
  /** Two-way only: the canary of the reverse direction (probes written to the replica). */
  readonly reverseCanary?: ReplicationCanary;
  /** The Multi-Region Access Point over both buckets, when there is one. */
  readonly accessPoint?: ActivePassiveAccessPoint;

  /** The tamper rule and alarm of the pair's region (both buckets and keys when they share it). */
  readonly tamperAlarm: TamperAlarm;
  /** Across regions: the tamper rule and alarm of the replica's region, for its bucket and key. */
  readonly replicaTamperAlarm?: TamperAlarm;
  /** The rule and alarm on calls that could silence the alarms of the pair's region. */
  readonly alertPathAlarm: AlertPathAlarm;
  /** Across regions: the same for the replica's region. */
  readonly replicaAlertPathAlarm?: AlertPathAlarm;
  /** The replica's protection policy; undefined with `protectReplica: false`. */
  readonly replicaProtection?: ReplicaProtectionPolicy;
  /** Ops bucket and role of the CLI's S3 Batch Operations jobs (backfill, restore --batch). */
  readonly batchOperations: BatchOperations;
  /** `drill`: the FIS experiment template that pauses replication, its role and guard alarm. */
  readonly pauseExperiment?: ReplicationPauseExperiment;
  /** `inventory`: the Athena workgroup and Glue tables over the inventory reports. */
  readonly inventoryTables?: AthenaInventoryTables;
  /** `inventory`: where each bucket's inventory reports are (`s3://…/inventory/<bucket>/<configuration id>/`). */
  readonly inventoryLocations?: InventoryLocations;
  /** `inventory` across regions: the replica region's ops bucket, which receives the replica's reports. */
  readonly replicaOpsBucket?: s3.Bucket;

  constructor(scope: Construct, id: string, props: S3ReplicationPairProps) {
    super(scope, id);
    assertValidProps(this, props, props.deploymentRoleArn ?? cloudFormationExecutionRoleArn(scope));
    // Server access logs are granted by bucket policy, not ACL (the buckets enforce bucket-owner
    // ownership, so ACLs are off): the same behaviour whether or not the app sets this flag.
    this.node.setContext(ACCESS_LOGS_BUCKET_POLICY_FLAG, true);
    const suffix = props.environmentSuffix;
    const stack = Stack.of(this);
    const names = deploymentNames(suffix, stack.account);
    this.names = names;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const crossRegion = isCrossRegion(this, props);
    this.replicaRegion = crossRegion ? (props.replicaRegion as string) : stack.region;
    const bidirectional = props.bidirectional ?? false;

    const accessLogs = new AccessLogsBucket(this, 'AccessLogs', {
      bucketName: names.accessLogsBucket,
      removalPolicy,
    });

    this.primaryKey = customerManagedKey(this, 'PrimaryKey', {
      alias: names.primaryKeyAlias,
      description: `s3-dr ${suffix}: encrypts the PRIMARY bucket ${names.primaryBucket}`,
      removalPolicy,
    });

    // The replica side: here, or in a stack of its own in the replica's region (S3 server access
    // logs must go to a bucket of the same region, so that stack has its own log bucket).
    this.replicaStack = crossRegion ? this.createReplicaStack(suffix) : undefined;
    const replicaScope: Construct = this.replicaStack ?? this;
    const replicaAccessLogs = this.replicaStack
      ? new AccessLogsBucket(replicaScope, 'AccessLogs', {
          bucketName: names.replicaAccessLogsBucket,
          removalPolicy,
        })
      : accessLogs;
    this.replicaKey = customerManagedKey(replicaScope, 'ReplicaKey', {
      alias: names.replicaKeyAlias,
      description: `s3-dr ${suffix}: encrypts the REPLICA bucket ${names.replicaBucket}`,
      removalPolicy,
    });
    const archiveClass = props.replicaArchiveClass ?? s3.StorageClass.GLACIER;
    this.replica = new EncryptedBucket(replicaScope, 'Replica', {
      bucketName: names.replicaBucket,
      encryptionKey: this.replicaKey,
      removalPolicy,
      accessLogsBucket: replicaAccessLogs.bucket,
      accessLogsPrefix: 'replica/',
      objectLockDefaultRetention: props.replicaObjectLock,
      lifecycleRules: [
        ...RESERVED_PREFIX_LIFECYCLE,
        {
          // The id of the original GLACIER rule is kept, so that a deployed rule is updated in place.
          id: 'replica-to-glacier',
          transitions: [
            { storageClass: archiveClass, transitionAfter: Duration.days(REPLICA_GLACIER_AFTER_DAYS) },
          ],
          noncurrentVersionTransitions: [
            { storageClass: archiveClass, transitionAfter: Duration.days(REPLICA_GLACIER_AFTER_DAYS) },
          ],
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    // What the primary's stack knows of the replica side: in the same stack the constructs
    // themselves; across regions the bucket by name and the key by the ARN its alias names at deploy
    // time, so that no CloudFormation value has to cross regions and the rule and every grant name
    // that one key, not whatever key the alias is moved to later.
    const replicaBucketArn = bucketArn(this, names.replicaBucket);
    const replicaKeyArn = crossRegion
      ? new KeyArnLookup(this, 'ReplicaKeyArn', {
          aliasName: names.replicaKeyAlias,
          region: this.replicaRegion,
          keyGeneration: keyGenerationOf(this.replicaKey),
        }).keyArn
      : undefined;
    const replicaKeyRef: ReplicationKeyReference = replicaKeyArn
      ? { keyArn: replicaKeyArn, region: this.replicaRegion }
      : { key: this.replicaKey };
    const replicaBucketHere: s3.IBucket = crossRegion
      ? s3.Bucket.fromBucketAttributes(this, 'ReplicaBucketReference', {
          bucketName: names.replicaBucket,
          bucketArn: replicaBucketArn,
          region: this.replicaRegion,
          account: stack.account,
        })
      : this.replica.bucket;
    // AWS recommends a key ARN in the rule: an alias names whatever key it is moved to.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-encryptionconfiguration.html
    const replicaKeyHere: kms.IKey = replicaKeyArn
      ? kms.Key.fromKeyArn(this, 'ReplicaKeyReference', replicaKeyArn)
      : this.replicaKey;

    // ARNs from names, not from the bucket: the role must exist before the primary bucket that uses it.
    const primaryBucketArn = bucketArn(this, names.primaryBucket);
    this.replicationRole = new ReplicationRole(this, 'ReplicationRole', {
      roleName: names.replicationRole,
      sourceBucketArn: primaryBucketArn,
      destinationBucketArn: crossRegion ? replicaBucketArn : this.replica.bucket.bucketArn,
      sourceKey: { key: this.primaryKey },
      destinationKey: replicaKeyRef,
      objectLock: props.replicaObjectLock !== undefined,
    });

    this.primary = new EncryptedBucket(this, 'Primary', {
      bucketName: names.primaryBucket,
      encryptionKey: this.primaryKey,
      removalPolicy,
      accessLogsBucket: accessLogs.bucket,
      accessLogsPrefix: 'primary/',
      transferAcceleration: true,
      lifecycleRules: RESERVED_PREFIX_LIFECYCLE,
      replicationRole: this.replicationRole.role,
      replicationRules: [
        {
          id: names.replicationRuleId,
          destination: replicaBucketHere,
          priority: 1,
          filter: {},
          replicationTimeControl: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
          metrics: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
          deleteMarkerReplication: true,
          // Replica modification sync replicates metadata changes made to replicas *in this bucket*;
          // one-way, the primary holds no replicas, so it does nothing; two-way it syncs back what
          // was changed on replicated objects here.
          // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-for-metadata-changes.html
          replicaModifications: true,
          sseKmsEncryptedObjects: true,
          kmsKey: replicaKeyHere,
        },
      ],
    });

    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', {
      topicName: names.alarmTopic,
      keyAlias: names.alarmTopicKeyAlias,
      alarmNamePattern: alarmNamePattern(suffix),
      removalPolicy,
      alarmEmail: props.alarmEmail,
    });

    this.replicationLogs = new ReplicationLogGroup(this, 'ReplicationLogs', {
      logGroupName: names.logGroup,
      keyAlias: names.logsKeyAlias,
      retention: LOG_RETENTION,
      removalPolicy,
    });

    const telemetry = new TelemetryMetrics(names.primaryBucket);
    this.eventLog = new ReplicationEventLog(this, 'EventLog', {
      functionName: names.eventsFunction,
      alarmName: names.eventsAlarm,
      sourceBucket: this.primary.bucket,
      logGroup: this.replicationLogs.logGroup,
      metrics: telemetry,
      topic: this.alarmTopic.topic,
    });
    this.canary = new ReplicationCanary(this, 'Canary', {
      functionName: names.canaryFunction,
      scheduleName: names.canarySchedule,
      alarmNames: {
        canary: names.canaryAlarm,
        latency: names.canaryLatencyAlarm,
        silent: names.canarySilentAlarm,
        overdue: names.canaryOverdueAlarm,
        errors: names.canaryErrorsAlarm,
      },
      primaryBucket: this.primary.bucket,
      primaryKey: { key: this.primaryKey },
      replicaBucket: replicaBucketHere,
      replicaKey: replicaKeyRef,
      logGroup: this.replicationLogs.logGroup,
      metrics: telemetry,
      topic: this.alarmTopic.topic,
      replicaUnlockedAlarmName: props.replicaObjectLock ? names.replicaUnlockedAlarm : undefined,
    });

    // Across regions the replica's region has its own alarm topic: an alarm or EventBridge rule can
    // only notify a topic of its own region (the reverse alarms, the replica's tamper alarm).
    if (this.replicaStack) {
      this.replicaAlarmTopic = new AlarmTopic(this.replicaStack, 'AlarmTopic', {
        topicName: names.alarmTopic,
        keyAlias: names.alarmTopicKeyAlias,
        alarmNamePattern: alarmNamePattern(suffix),
        removalPolicy,
        alarmEmail: props.alarmEmail,
      });
    }
    if (bidirectional) {
      const reverse = this.addReverseDirection(replicaScope, this.replicaAlarmTopic ?? this.alarmTopic);
      this.reverseReplicationRole = reverse.role;
      this.reverseRule = reverse.rule;
      this.reverseAlarms = reverse.alarms;
      this.reverseCanary = new ReplicationCanary(this, 'ReverseCanary', {
        functionName: names.reverseCanaryFunction,
        scheduleName: names.reverseCanarySchedule,
        description: 'Writes a probe to the replica bucket and measures its replication back to the primary',
        alarmNames: {
          canary: names.reverseCanaryAlarm,
          latency: names.reverseCanaryLatencyAlarm,
          silent: names.reverseCanarySilentAlarm,
          overdue: names.reverseCanaryOverdueAlarm,
          errors: names.reverseCanaryErrorsAlarm,
        },
        primaryBucket: replicaBucketHere,
        primaryKey: replicaKeyRef,
        replicaBucket: this.primary.bucket,
        replicaKey: { key: this.primaryKey },
        prefix: REVERSE_CANARY_PREFIX,
        logGroup: this.replicationLogs.logGroup,
        metrics: new TelemetryMetrics(names.replicaBucket),
        topic: this.alarmTopic.topic,
      });
    }
    if (props.multiRegionAccessPoint ?? crossRegion) {
      this.accessPoint = new ActivePassiveAccessPoint(this, 'AccessPoint', {
        name: names.multiRegionAccessPoint,
        active: { bucketName: names.primaryBucket, region: stack.region },
        passive: { bucketName: names.replicaBucket, region: this.replicaRegion },
      });
      // The access point needs both buckets; the replica's stack is deployed first (a stack dependency).
      this.accessPoint.node.addDependency(this.primary.bucket);
    }
    // In the primary's stack and region; the replica's bucket and key by name and alias across regions.
    this.batchOperations = new BatchOperations(this, 'BatchOperations', {
      opsBucketName: names.opsBucket,
      roleName: names.batchRole,
      source: { bucketArn: primaryBucketArn, key: { key: this.primaryKey } },
      replica: { bucketArn: replicaBucketArn, key: replicaKeyRef },
      removalPolicy,
      accessLogsBucket: accessLogs.bucket,
    });

    if (props.inventory ?? true) {
      const inventory = this.addInventory(props, replicaAccessLogs.bucket, removalPolicy);
      this.inventoryTables = inventory.tables;
      this.inventoryLocations = inventory.locations;
      this.replicaOpsBucket = inventory.replicaOpsBucket;
    }

    this.orderDeletion();
    if (removalPolicy === RemovalPolicy.RETAIN) this.noteRetained(suffix, crossRegion);

    // Protection against deletion and tampering: bucket policy and key policy denies on the replica
    // side (applied in the replica bucket's and key's own stack), and a tamper rule and alarm in
    // each region: CloudTrail delivers a call's event to EventBridge in the region of the call.
    if (props.protectReplica ?? true) {
      const exempt = { breakGlassRoleArn: props.breakGlassRoleArn };
      const deploymentRole = (scope: Construct) =>
        props.deploymentRoleArn ?? (cloudFormationExecutionRoleArn(scope) as string);
      this.replicaProtection = new ReplicaProtectionPolicy(this.replica, 'Protection', {
        bucket: this.replica.bucket,
        replicationRoleArns: [roleArn(this.replica, names.replicationRole)],
        deploymentRoleArn: deploymentRole(this.replica),
        // Two-way, applications write to the replica after a failover, and the reverse canary
        // writes its probes there; with an access point, a failover sends writes there too.
        allowObjectWrites: bidirectional || this.accessPoint !== undefined,
        // The custom resource that puts the reverse rule on the replica.
        configurationRoleArns: [
          ...(this.reverseRule ? [roleArn(this.replica, names.reverseRuleRole)] : []),
          // A drill pauses the reverse rule through FIS (same region only), which puts the replica's
          // replication configuration; the role may do so only as a pause request.
          ...(props.drill && bidirectional && !crossRegion ? [roleArn(this.replica, names.drillRole)] : []),
        ],
        ...exempt,
      });
      // The alarm topics' keys too: a disabled topic key silences every alarm of its region.
      const topicKeys = [this.alarmTopic, ...(this.replicaAlarmTopic ? [this.replicaAlarmTopic] : [])].map(
        (t) => t.key,
      );
      for (const key of [this.primaryKey, this.replicaKey, ...topicKeys]) {
        new KeyProtection(key, 'Protection', { key, deploymentRoleArn: deploymentRole(key), ...exempt });
      }
    }
    const canarySchedules = [
      names.canarySchedule,
      ...(this.reverseCanary ? [names.reverseCanarySchedule] : []),
    ];
    const here = this.watchTampering(this, {
      suffix,
      topic: this.alarmTopic,
      buckets: crossRegion ? [names.primaryBucket] : [names.primaryBucket, names.replicaBucket],
      replicaBuckets: crossRegion ? [] : [names.replicaBucket],
      keys: crossRegion ? [this.primaryKey] : [this.primaryKey, this.replicaKey],
      keyAliases: crossRegion ? [names.primaryKeyAlias] : [names.primaryKeyAlias, names.replicaKeyAlias],
      otherRules: canarySchedules,
    });
    this.tamperAlarm = here.tamper;
    this.alertPathAlarm = here.alertPath;
    if (this.replicaStack && this.replicaAlarmTopic) {
      const there = this.watchTampering(this.replicaStack, {
        suffix,
        topic: this.replicaAlarmTopic,
        buckets: [names.replicaBucket],
        replicaBuckets: [names.replicaBucket],
        keys: [this.replicaKey],
        keyAliases: [names.replicaKeyAlias],
        otherRules: [],
      });
      this.replicaTamperAlarm = there.tamper;
      this.replicaAlertPathAlarm = there.alertPath;
    }

    const metrics = new ReplicationMetrics({
      sourceBucket: names.primaryBucket,
      destinationBucket: names.replicaBucket,
      ruleId: names.replicationRuleId,
    });
    this.alarms = new ReplicationAlarms(this, 'Alarms', {
      metrics,
      topic: this.alarmTopic.topic,
      latencyAlarmName: names.latencyAlarm,
      failedAlarmName: names.failedAlarm,
    });
    this.dashboard = new ReplicationDashboard(this, 'Dashboard', {
      dashboardName: names.dashboard,
      metrics,
      telemetry,
      alarms: [
        this.alarms.latency,
        this.alarms.failed,
        this.eventLog.alarm,
        this.canary.alarm,
        this.canary.latencyAlarm,
        this.canary.silentAlarm,
        this.canary.overdueAlarm,
        this.canary.errorsAlarm,
        ...(this.canary.replicaUnlockedAlarm ? [this.canary.replicaUnlockedAlarm] : []),
        ...(this.reverseCanary ? [this.reverseCanary.alarm] : []),
        this.tamperAlarm.alarm,
        this.alertPathAlarm.alarm,
      ],
      latencyThresholdSeconds: LATENCY_THRESHOLD_SECONDS,
      reverse: this.reverseAlarms
        ? {
            metrics: this.reverseMetrics(),
            // Alarms of another region cannot be shown in an alarm-status widget: same region only.
            alarms: crossRegion ? [] : [this.reverseAlarms.latency, this.reverseAlarms.failed],
          }
        : undefined,
    });
    this.dashboard.dashboard.addWidgets(this.tamperAlarm.graphWidget(), this.alertPathAlarm.graphWidget());

    if (props.drill) {
      const directions: PausedDirection[] = [
        {
          id: 'PauseForward',
          sourceBucket: this.primary.bucket,
          sourceBucketName: names.primaryBucket,
          destinationBucketName: names.replicaBucket,
          destinationRegion: this.replicaRegion,
        },
      ];
      // FIS finds targets by tag in the experiment's region: the replica is a target only here.
      if (bidirectional && !crossRegion) {
        directions.push({
          id: 'PauseBack',
          sourceBucket: this.replica.bucket,
          sourceBucketName: names.replicaBucket,
          destinationBucketName: names.primaryBucket,
          destinationRegion: stack.region,
        });
      }
      this.pauseExperiment = new ReplicationPauseExperiment(this, 'Drill', {
        templateName: names.drillExperimentTemplate,
        roleName: names.drillRole,
        guardAlarmName: names.drillGuardAlarm,
        directions,
        metrics,
        topic: this.alarmTopic.topic,
      });
    }
  }

  /** What `cdk destroy` keeps (named resources only), by name; `<account>` when the account is a token. */
  private noteRetained(suffix: string, crossRegion: boolean): void {
    const account = Stack.of(this).account;
    const shown = deploymentNames(suffix, Token.isUnresolved(account) ? '<account>' : account);
    noteRetainedResources(this, {
      suffix,
      bucketNames: [
        shown.primaryBucket,
        shown.replicaBucket,
        shown.accessLogsBucket,
        ...(crossRegion ? [shown.replicaAccessLogsBucket] : []),
        shown.opsBucket,
        ...(this.replicaOpsBucket ? [shown.replicaOpsBucket] : []),
      ],
      logGroupName: shown.logGroup,
    });
  }

  /**
   * S3 Inventory of both buckets into the ops bucket of each one's region (an inventory's destination
   * must be in its source's region), and the Athena workgroup and Glue tables that query them, in the
   * pair's region.
   */
  private addInventory(
    props: S3ReplicationPairProps,
    replicaAccessLogs: s3.IBucket,
    removalPolicy: RemovalPolicy,
  ): {
    tables: AthenaInventoryTables;
    locations: { primary: string; replica: string };
    replicaOpsBucket?: s3.Bucket;
  } {
    const names = this.names;
    const format = props.inventoryFormat ?? s3.InventoryFormat.PARQUET;
    const retention = props.inventoryRetention ?? Duration.days(DEFAULT_INVENTORY_RETENTION_DAYS);
    const configurationId = names.inventoryConfigurationId;
    const primary = { bucket: this.primary.bucket, bucketName: names.primaryBucket };
    const replica = { bucket: this.replica.bucket, bucketName: names.replicaBucket };
    const opsHere = this.batchOperations.bucket;
    let replicaOpsBucket: s3.Bucket | undefined;
    if (this.replicaStack) {
      replicaOpsBucket = opsBucket(this.replicaStack, 'OpsBucket', {
        bucketName: names.replicaOpsBucket,
        removalPolicy,
        accessLogsBucket: replicaAccessLogs,
        lifecycleRules: [
          {
            id: 'expire-old-versions',
            noncurrentVersionExpiration: Duration.days(1),
            abortIncompleteMultipartUploadAfter: Duration.days(7),
          },
        ],
      });
      new InventoryReports(this, 'Inventory', {
        configurationId,
        format,
        sources: [primary],
        destination: opsHere,
        retention,
      });
      new InventoryReports(this.replicaStack, 'Inventory', {
        configurationId,
        format,
        sources: [replica],
        destination: replicaOpsBucket,
        retention,
      });
    } else {
      new InventoryReports(this, 'Inventory', {
        configurationId,
        format,
        sources: [primary, replica],
        destination: opsHere,
        retention,
      });
    }
    const locations = {
      primary: inventoryLocation(names.opsBucket, names.primaryBucket, configurationId),
      replica: inventoryLocation(
        replicaOpsBucket ? names.replicaOpsBucket : names.opsBucket,
        names.replicaBucket,
        configurationId,
      ),
    };
    const tables = new AthenaInventoryTables(this, 'InventoryTables', {
      workgroupName: names.athenaWorkgroup,
      databaseName: names.glueDatabase,
      resultsBucket: opsHere,
      bytesScannedCutoff: (props.athenaBytesScannedCutoff ?? Size.tebibytes(1)).toBytes(),
      format,
      tables: [
        { name: INVENTORY_TABLES.primary, location: locations.primary },
        { name: INVENTORY_TABLES.replica, location: locations.replica },
      ],
    });
    return { tables, locations, replicaOpsBucket };
  }

  /**
   * In one region: the tamper rule and alarm for the buckets and keys there, and the alert-path rule
   * and alarm for that region's alarm topic, its key and the deployment's rules and alarms there.
   * Each rule watches the other: neither can be relied on to report its own disabling.
   */
  private watchTampering(
    scope: Construct,
    watch: {
      suffix: string;
      topic: AlarmTopic;
      buckets: string[];
      replicaBuckets: string[];
      keys: kms.IKey[];
      keyAliases: string[];
      otherRules: string[];
    },
  ): { tamper: TamperAlarm; alertPath: AlertPathAlarm } {
    const names = this.names;
    const tamper = new TamperAlarm(scope, 'Tamper', {
      ruleName: names.tamperRule,
      alarmName: names.tamperAlarm,
      bucketNames: watch.buckets,
      replicaBucketNames: watch.replicaBuckets,
      keys: watch.keys,
      keyAliases: watch.keyAliases,
      watchedRuleNames: [names.alertPathRule],
      topic: watch.topic.topic,
    });
    const alertPath = new AlertPathAlarm(scope, 'AlertPath', {
      ruleName: names.alertPathRule,
      alarmName: names.alertPathAlarm,
      topic: watch.topic.topic,
      topicKey: watch.topic.key,
      topicKeyAlias: names.alarmTopicKeyAlias,
      ruleNames: [names.tamperRule, names.alertPathRule, ...watch.otherRules],
      alarmNamePattern: alarmNamePattern(watch.suffix),
      deliveryWatchedRuleNames: [names.tamperRule],
    });
    return { tamper, alertPath };
  }

  /** The replica side's own stack, in the replica's region, deployed before the pair's stack. */
  private createReplicaStack(suffix: string): Stack {
    const top = topLevelStack(Stack.of(this));
    const stage = Stage.of(this);
    if (!stage)
      throw new Error('S3ReplicationPair: a replica in another region needs the pair inside an App or Stage');
    // `TapStack<suffix>Replica` in the s3-dr app (the naming contract's replicaStackName).
    const name = `${top.stackName}Replica`;
    const replicaStack = new Stack(stage, name, {
      stackName: name,
      env: {
        account: Token.isUnresolved(top.account) ? undefined : top.account,
        region: this.replicaRegion,
      },
      description: `s3-dr ${suffix}: the replica side of ${top.stackName} (replica bucket, its key and access logs)`,
    });
    top.addStackDependency(replicaStack, 'the replication rule needs the replica bucket to exist');
    // As on the pair itself: access logs granted by bucket policy in this stack too.
    replicaStack.node.setContext(ACCESS_LOGS_BUCKET_POLICY_FLAG, true);
    return replicaStack;
  }

  /**
   * Two-way: a role and a rule replicating the replica back to the primary, and that rule's alarms
   * where its metrics are published (the replica's region) with a topic of that region.
   */
  private addReverseDirection(
    replicaScope: Construct,
    topic: AlarmTopic,
  ): { role: ReplicationRole; rule: ReverseReplicationRule; alarms: ReplicationAlarms } {
    const names = this.names;
    const crossRegion = this.replicaStack !== undefined;
    const primaryBucketArn = bucketArn(replicaScope, names.primaryBucket);
    const reverseRole = new ReplicationRole(replicaScope, 'ReverseReplicationRole', {
      roleName: names.reverseReplicationRole,
      description:
        'Assumed by Amazon S3 to replicate the replica bucket back to the primary bucket (two-way)',
      sourceBucketArn: bucketArn(replicaScope, names.replicaBucket),
      destinationBucketArn: primaryBucketArn,
      sourceKey: { key: this.replicaKey },
      destinationKey: crossRegion
        ? { aliasName: names.primaryKeyAlias, region: Stack.of(this).region }
        : { key: this.primaryKey },
    });
    const reverseRoleArn = Arn.format(
      { service: 'iam', region: '', resource: 'role', resourceName: names.reverseReplicationRole },
      Stack.of(this),
    );
    const rule = new ReverseReplicationRule(this, 'ReverseRule', {
      sourceBucketName: names.replicaBucket,
      sourceRegion: this.replicaRegion,
      roleArn: crossRegion ? reverseRoleArn : reverseRole.role.roleArn,
      ruleId: names.reverseReplicationRuleId,
      destinationBucketArn: this.primary.bucket.bucketArn,
      destinationKeyArn: this.primaryKey.keyArn,
      providerRoleName: names.reverseRuleRole,
    });
    // After the primary bucket exists (S3 checks the destination: the rule names its ARN, a
    // reference) and, in one stack, after the replica bucket (named by name only) and the role.
    if (!crossRegion) rule.node.addDependency(reverseRole, this.replica.bucket);

    const alarms = new ReplicationAlarms(replicaScope, 'ReverseAlarms', {
      metrics: new ReplicationMetrics({
        sourceBucket: names.replicaBucket,
        destinationBucket: names.primaryBucket,
        ruleId: names.reverseReplicationRuleId,
      }),
      topic: topic.topic,
      latencyAlarmName: names.reverseLatencyAlarm,
      failedAlarmName: names.reverseFailedAlarm,
    });
    return { role: reverseRole, rule, alarms };
  }

  /** The reverse rule's metrics as the dashboard (in the primary's region) shows them. */
  private reverseMetrics(): ReplicationMetrics {
    return new ReplicationMetrics({
      sourceBucket: this.names.replicaBucket,
      destinationBucket: this.names.primaryBucket,
      ruleId: this.names.reverseReplicationRuleId,
      region: this.replicaRegion,
    });
  }

  /**
   * On `cdk destroy` nothing may write to a bucket after it was emptied, or its deletion fails with
   * BucketNotEmpty. CloudFormation deletes a resource before the resources it depends on, so: the
   * canary's schedule and function go before either bucket is emptied (a probe written late would
   * land in the primary and replicate), the reverse rule (two-way) goes before the primary is emptied,
   * and the primary bucket, with its replication configuration, goes before the replica is emptied
   * (replication still running would refill it). Across regions the replica's stack is deleted after
   * the primary's (`cdk destroy --all` follows the stack dependency). With `retain` nothing is
   * emptied and there is nothing to order.
   */
  private orderDeletion(): void {
    const emptying = (bucket: s3.Bucket) => bucket.node.tryFindChild('AutoDeleteObjectsCustomResource');
    const emptyPrimary = emptying(this.primary.bucket);
    const emptyReplica = this.replicaStack ? undefined : emptying(this.replica.bucket);
    const canaries = [this.canary, ...(this.reverseCanary ? [this.reverseCanary] : [])];
    for (const empty of [emptyPrimary, emptyReplica]) {
      if (!empty) continue;
      for (const canary of canaries) {
        canary.schedule.node.addDependency(empty);
        canary.function.fn.node.defaultChild?.node.addDependency(empty);
      }
      this.reverseRule?.node.addDependency(empty);
    }
    if (emptyReplica) this.primary.bucket.node.defaultChild?.node.addDependency(emptyReplica);
  }
}

/** The top-level stack a (possibly nested) stack belongs to. */
function topLevelStack(stack: Stack): Stack {
  let top = stack;
  while (top.nestedStackParent) top = top.nestedStackParent;
  return top;
}

function bucketArn(scope: Construct, bucketName: string): string {
  return Arn.format({ service: 's3', region: '', account: '', resource: bucketName }, Stack.of(scope));
}
