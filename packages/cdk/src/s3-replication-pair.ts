import { Arn, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  type DeploymentNames,
  deploymentNames,
  isValidSuffix,
  RESERVED_PREFIX,
  SUFFIX_RULE,
} from 's3-dr-naming';
import { AccessLogsBucket } from './access-logs-bucket';
import { AlarmTopic } from './alarm-topic';
import { BatchOperations } from './batch-operations';
import { customerManagedKey } from './customer-managed-key';
import { EncryptedBucket } from './encrypted-bucket';
import { LATENCY_THRESHOLD_SECONDS, ReplicationAlarms } from './replication-alarms';
import { ReplicationCanary } from './replication-canary';
import { ReplicationDashboard } from './replication-dashboard';
import { ReplicationEventLog } from './replication-event-log';
import { ReplicationLogGroup } from './replication-log-group';
import { ReplicationMetrics } from './replication-metrics';
import { ReplicationRole } from './replication-role';
import { TelemetryMetrics } from './telemetry-metrics';

/** Settings of an {@link S3ReplicationPair}. */
export interface S3ReplicationPairProps {
  /**
   * Distinguishes deployments: every resource name carries it (`primary-bucket-<suffix>-<account>`,
   * `TapStack<suffix>` outputs aside). Lowercase letters, digits and hyphens, at most 35 characters.
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
function assertValidProps(props: S3ReplicationPairProps): void {
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
  if (problems.length > 0) {
    throw new Error(`Invalid S3ReplicationPair props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Current and noncurrent versions of the replica move to GLACIER after this many days. */
export const REPLICA_GLACIER_AFTER_DAYS = 90;
export const LOG_RETENTION = logs.RetentionDays.ONE_WEEK;
/** Every alarm of the deployment is named `s3-replication-…-<suffix>` (s3-dr-naming). */
const ALARM_NAME_PATTERN = 's3-replication-*';

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
 * The pair lives in the region of its stack, both buckets included.
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
  readonly replicaKey: kms.Key;
  readonly primary: EncryptedBucket;
  readonly replica: EncryptedBucket;
  readonly replicationRole: ReplicationRole;
  readonly alarmTopic: AlarmTopic;
  readonly alarms: ReplicationAlarms;
  readonly dashboard: ReplicationDashboard;
  readonly replicationLogs: ReplicationLogGroup;
  readonly eventLog: ReplicationEventLog;
  readonly canary: ReplicationCanary;
  /** Ops bucket and role of the CLI's S3 Batch Operations jobs (backfill, restore --batch). */
  readonly batchOperations: BatchOperations;

  constructor(scope: Construct, id: string, props: S3ReplicationPairProps) {
    super(scope, id);
    assertValidProps(props);
    // Server access logs are granted by bucket policy, not ACL (the buckets enforce bucket-owner
    // ownership, so ACLs are off): the same behaviour whether or not the app sets this flag.
    this.node.setContext(ACCESS_LOGS_BUCKET_POLICY_FLAG, true);
    const suffix = props.environmentSuffix;
    const names = deploymentNames(suffix, Stack.of(this).account);
    this.names = names;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    const accessLogs = new AccessLogsBucket(this, 'AccessLogs', {
      bucketName: names.accessLogsBucket,
      removalPolicy,
    });

    this.primaryKey = customerManagedKey(this, 'PrimaryKey', {
      alias: names.primaryKeyAlias,
      description: `s3-dr ${suffix}: encrypts the PRIMARY bucket ${names.primaryBucket}`,
      removalPolicy,
    });
    this.replicaKey = customerManagedKey(this, 'ReplicaKey', {
      alias: names.replicaKeyAlias,
      description: `s3-dr ${suffix}: encrypts the REPLICA bucket ${names.replicaBucket}`,
      removalPolicy,
    });

    this.replica = new EncryptedBucket(this, 'Replica', {
      bucketName: names.replicaBucket,
      encryptionKey: this.replicaKey,
      removalPolicy,
      accessLogsBucket: accessLogs.bucket,
      accessLogsPrefix: 'replica/',
      lifecycleRules: [
        ...RESERVED_PREFIX_LIFECYCLE,
        {
          id: 'replica-to-glacier',
          transitions: [
            {
              storageClass: s3.StorageClass.GLACIER,
              transitionAfter: Duration.days(REPLICA_GLACIER_AFTER_DAYS),
            },
          ],
          noncurrentVersionTransitions: [
            {
              storageClass: s3.StorageClass.GLACIER,
              transitionAfter: Duration.days(REPLICA_GLACIER_AFTER_DAYS),
            },
          ],
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    // ARNs from names, not from the bucket: the role must exist before the primary bucket that uses it.
    const primaryBucketArn = bucketArn(this, names.primaryBucket);
    this.replicationRole = new ReplicationRole(this, 'ReplicationRole', {
      roleName: names.replicationRole,
      sourceBucketArn: primaryBucketArn,
      destinationBucketArn: this.replica.bucket.bucketArn,
      sourceKey: this.primaryKey,
      destinationKey: this.replicaKey,
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
          destination: this.replica.bucket,
          priority: 1,
          filter: {},
          replicationTimeControl: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
          metrics: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
          deleteMarkerReplication: true,
          // Replica modification sync replicates metadata changes made to replicas *in this bucket*;
          // one-way, the primary holds no replicas, so it does nothing yet. Kept so a reverse rule
          // (replica -> primary) makes replication two-way without touching this one.
          // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-for-metadata-changes.html
          replicaModifications: true,
          sseKmsEncryptedObjects: true,
          kmsKey: this.replicaKey,
        },
      ],
    });

    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', {
      topicName: names.alarmTopic,
      keyAlias: names.alarmTopicKeyAlias,
      alarmNamePattern: ALARM_NAME_PATTERN,
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
      primaryKey: this.primaryKey,
      replicaBucket: this.replica.bucket,
      replicaKey: this.replicaKey,
      logGroup: this.replicationLogs.logGroup,
      metrics: telemetry,
      topic: this.alarmTopic.topic,
    });

    // In the primary's stack and region; the replica's ARN from its name, like the primary's above.
    this.batchOperations = new BatchOperations(this, 'BatchOperations', {
      opsBucketName: names.opsBucket,
      roleName: names.batchRole,
      source: { bucketArn: primaryBucketArn, keyArn: this.primaryKey.keyArn, region: Stack.of(this).region },
      replica: {
        bucketArn: bucketArn(this, names.replicaBucket),
        keyArn: this.replicaKey.keyArn,
        region: Stack.of(this).region,
      },
      removalPolicy,
      accessLogsBucket: accessLogs.bucket,
    });

    this.orderDeletion();

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
      ],
      latencyThresholdSeconds: LATENCY_THRESHOLD_SECONDS,
    });
  }

  /**
   * On `cdk destroy` nothing may write to a bucket after it was emptied, or its deletion fails with
   * BucketNotEmpty. CloudFormation deletes a resource before the resources it depends on, so: the
   * canary's schedule and function go before either bucket is emptied (a probe written late would
   * land in the primary and replicate), and the primary bucket, with its replication configuration,
   * goes before the replica is emptied (replication still running would refill it). With `retain`
   * nothing is emptied and there is nothing to order.
   */
  private orderDeletion(): void {
    const emptying = (bucket: s3.Bucket) => bucket.node.tryFindChild('AutoDeleteObjectsCustomResource');
    const emptyPrimary = emptying(this.primary.bucket);
    const emptyReplica = emptying(this.replica.bucket);
    for (const empty of [emptyPrimary, emptyReplica]) {
      if (!empty) continue;
      this.canary.schedule.node.addDependency(empty);
      this.canary.function.fn.node.defaultChild?.node.addDependency(empty);
    }
    if (emptyReplica) this.primary.bucket.node.defaultChild?.node.addDependency(emptyReplica);
  }
}

function bucketArn(scope: Construct, bucketName: string): string {
  return Arn.format({ service: 's3', region: '', account: '', resource: bucketName }, Stack.of(scope));
}
