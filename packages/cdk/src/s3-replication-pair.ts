import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { alarmNamePattern, type DeploymentNames, deploymentNames, RESERVED_PREFIX } from 's3-dr-naming';
import { AccessLogsBucket } from './access-logs-bucket';
import { AlarmTopic } from './alarm-topic';
import type { AlertPathAlarm } from './alert-path-alarm';
import type { AthenaInventoryTables } from './athena-inventory-tables';
import { BatchOperations } from './batch-operations';
import { customerManagedKey } from './customer-managed-key';
import { cloudFormationExecutionRoleArn } from './deployment-role';
import { EncryptedBucket } from './encrypted-bucket';
import { ActivePassiveAccessPoint } from './multi-region-access-point';
import { noteRetained, orderDeletion } from './pair-deletion';
import { addInventory } from './pair-inventory';
import {
  type InventoryLocations,
  LOG_RETENTION,
  REPLICA_GLACIER_AFTER_DAYS,
  type S3ReplicationPairProps,
} from './pair-props';
import { protectPair } from './pair-protection';
import { assertValidProps } from './pair-validation';
import { acknowledgeVaultKeys, addVault, referenceVault, vaultRoleArn } from './pair-vault';
import { ACCESS_LOGS_BUCKET_POLICY_FLAG, placeReplica } from './replica-placement';
import type { ReplicaProtectionPolicy } from './replica-protection-policy';
import { bucketArn, referenceReplica } from './replica-reference';
import type { ReplicaVault } from './replica-vault';
import { LATENCY_THRESHOLD_SECONDS, ReplicationAlarms } from './replication-alarms';
import { ReplicationCanary } from './replication-canary';
import { ReplicationDashboard } from './replication-dashboard';
import { ReplicationEventLog } from './replication-event-log';
import { ReplicationLogGroup } from './replication-log-group';
import { ReplicationMetrics } from './replication-metrics';
import { type PausedDirection, ReplicationPauseExperiment } from './replication-pause-experiment';
import { ReplicationRole } from './replication-role';
import type { ReverseReplicationRule } from './reverse-replication-rule';
import type { TamperAlarm } from './tamper-alarm';
import { watchPairTampering } from './tamper-watch';
import { TelemetryMetrics } from './telemetry-metrics';
import { addReverseDirection, reverseMetrics } from './two-way-replication';

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
  /** `replicaAccount`: what the vault grants the primary's account (and its canary and recovery roles). */
  readonly vault?: ReplicaVault;

  constructor(scope: Construct, id: string, props: S3ReplicationPairProps) {
    super(scope, id);
    assertValidProps(this, props, props.deploymentRoleArn ?? cloudFormationExecutionRoleArn(scope));
    // Server access logs are granted by bucket policy, not ACL (the buckets enforce bucket-owner
    // ownership, so ACLs are off): the same behaviour whether or not the app sets this flag.
    this.node.setContext(ACCESS_LOGS_BUCKET_POLICY_FLAG, true);
    const suffix = props.environmentSuffix;
    const stack = Stack.of(this);
    const names = deploymentNames(suffix, stack.account, props.replicaAccount ?? stack.account);
    this.names = names;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
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

    // The replica side: here, or in a stack of its own (S3 server access logs must go to a bucket
    // of the same region, so that stack has its own log bucket).
    const placement = placeReplica(this, props);
    this.replicaRegion = placement.region;
    this.replicaStack = placement.separateStack;
    const replicaScope = placement.scope;
    const replicaAccessLogs = placement.separateStack
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
    const replicaHere = placement.vault
      ? referenceVault(this, placement, names)
      : referenceReplica(this, placement, names, { bucket: this.replica.bucket, key: this.replicaKey });

    // ARNs from names, not from the bucket: the role must exist before the primary bucket that uses it.
    const primaryBucketArn = bucketArn(this, names.primaryBucket);
    this.replicationRole = new ReplicationRole(this, 'ReplicationRole', {
      roleName: names.replicationRole,
      sourceBucketArn: primaryBucketArn,
      destinationBucketArn: replicaHere.bucket.bucketArn,
      sourceKey: { key: this.primaryKey },
      destinationKey: replicaHere.keyRef,
      objectLock: props.replicaObjectLock !== undefined,
    });
    if (placement.vault) acknowledgeVaultKeys(this.replicationRole, replicaHere);

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
          destination: replicaHere.bucket,
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
          kmsKey: replicaHere.key,
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
      replicaBucket: replicaHere.bucket,
      replicaKey: replicaHere.keyRef,
      logGroup: this.replicationLogs.logGroup,
      metrics: telemetry,
      topic: this.alarmTopic.topic,
      replicaUnlockedAlarmName: props.replicaObjectLock ? names.replicaUnlockedAlarm : undefined,
      // A vault lets the canary read its probes only through a role of its own, which trusts this one by name.
      ...(placement.vault
        ? {
            roleName: names.canaryFunctionRole,
            replicaRoleArn: vaultRoleArn(this, placement, names.vaultCanaryRole),
          }
        : {}),
    });

    // A replica stack of its own has its own alarm topic: an alarm or EventBridge rule can only
    // notify a topic of its own region (the reverse alarms, the replica's tamper alarm).
    if (placement.separateStack) {
      this.replicaAlarmTopic = new AlarmTopic(placement.separateStack, 'AlarmTopic', {
        topicName: names.alarmTopic,
        keyAlias: names.alarmTopicKeyAlias,
        alarmNamePattern: alarmNamePattern(suffix),
        removalPolicy,
        alarmEmail: props.alarmEmail,
      });
    }
    if (bidirectional) {
      const reverse = addReverseDirection(this, {
        names,
        placement,
        primary: this.primary,
        primaryKey: this.primaryKey,
        replica: this.replica,
        replicaKey: this.replicaKey,
        replicaHere,
        topic: this.alarmTopic,
        replicaTopic: this.replicaAlarmTopic ?? this.alarmTopic,
        logGroup: this.replicationLogs.logGroup,
      });
      this.reverseReplicationRole = reverse.role;
      this.reverseRule = reverse.rule;
      this.reverseAlarms = reverse.alarms;
      this.reverseCanary = reverse.canary;
    }
    // A vault is a recovery copy, not a serving replica: no access point unless asked (and then refused).
    if (props.multiRegionAccessPoint ?? (placement.crossRegion && !placement.vault)) {
      this.accessPoint = new ActivePassiveAccessPoint(this, 'AccessPoint', {
        name: names.multiRegionAccessPoint,
        active: { bucketName: names.primaryBucket, region: stack.region },
        passive: { bucketName: names.replicaBucket, region: this.replicaRegion },
      });
      // The access point needs both buckets; the replica's stack is deployed first (a stack dependency).
      this.accessPoint.node.addDependency(this.primary.bucket);
    }
    // In the primary's stack and region; the replica's bucket and key by name and alias across regions.
    // A vault admits no batch role of this account (Batch Replication replicates with the replication
    // role, restore --batch writes the primary): no grant on it.
    this.batchOperations = new BatchOperations(this, 'BatchOperations', {
      opsBucketName: names.opsBucket,
      roleName: names.batchRole,
      source: { bucketArn: primaryBucketArn, key: { key: this.primaryKey } },
      replica: placement.vault
        ? undefined
        : { bucketArn: replicaHere.bucketArnByName, key: replicaHere.keyRef },
      removalPolicy,
      accessLogsBucket: accessLogs.bucket,
    });

    if (props.inventory ?? true) {
      const inventory = addInventory(this, props, {
        names,
        placement,
        primary: this.primary,
        replica: this.replica,
        opsBucket: this.batchOperations.bucket,
        replicaAccessLogs: replicaAccessLogs.bucket,
        removalPolicy,
      });
      this.inventoryTables = inventory.tables;
      this.inventoryLocations = inventory.locations;
      this.replicaOpsBucket = inventory.replicaOpsBucket;
    }

    orderDeletion({
      placement,
      primary: this.primary,
      replica: this.replica,
      canaries: [this.canary, ...(this.reverseCanary ? [this.reverseCanary] : [])],
      reverseRule: this.reverseRule,
    });
    if (removalPolicy === RemovalPolicy.RETAIN) noteRetained(this, suffix, placement, this.replicaOpsBucket);

    // FIS finds a drill's targets by tag in the experiment's region: the replica is a target (the
    // reverse rule paused) only in a two-way pair within one region.
    const drillPausesReverseRule = props.drill === true && bidirectional && !placement.crossRegion;

    // Protection against deletion and tampering: bucket policy and key policy denies on the replica
    // side (applied in the replica bucket's and key's own stack), and a tamper rule and alarm in
    // each region: CloudTrail delivers a call's event to EventBridge in the region of the call.
    if (props.protectReplica ?? true) {
      const topics = [this.alarmTopic, ...(this.replicaAlarmTopic ? [this.replicaAlarmTopic] : [])];
      this.replicaProtection = protectPair(props, {
        names,
        replica: this.replica,
        keys: [this.primaryKey, this.replicaKey, ...topics.map((t) => t.key)],
        // Two-way, applications write to the replica after a failover, and the reverse canary
        // writes its probes there; with an access point, a failover sends writes there too.
        allowObjectWrites: bidirectional || this.accessPoint !== undefined,
        reverseRule: this.reverseRule !== undefined,
        drillPausesReverseRule,
        replicationRoleAccount: placement.vault ? stack.account : undefined,
      });
    }
    if (placement.vault) {
      this.vault = addVault(this, props, {
        names,
        placement,
        removalPolicy,
        replica: this.replica,
        replicaKey: this.replicaKey,
        primary: this.primary,
        primaryKey: this.primaryKey,
      });
    }
    const watch = watchPairTampering(this, {
      suffix,
      names,
      placement,
      topic: this.alarmTopic,
      replicaTopic: this.replicaAlarmTopic,
      primaryKey: this.primaryKey,
      replicaKey: this.replicaKey,
      otherRules: [names.canarySchedule, ...(this.reverseCanary ? [names.reverseCanarySchedule] : [])],
    });
    this.tamperAlarm = watch.here.tamper;
    this.alertPathAlarm = watch.here.alertPath;
    this.replicaTamperAlarm = watch.there?.tamper;
    this.replicaAlertPathAlarm = watch.there?.alertPath;

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
            metrics: reverseMetrics(names, this.replicaRegion),
            // Alarms of another region cannot be shown in an alarm-status widget: same region only.
            alarms: placement.crossRegion ? [] : [this.reverseAlarms.latency, this.reverseAlarms.failed],
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
      if (drillPausesReverseRule) {
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
}
