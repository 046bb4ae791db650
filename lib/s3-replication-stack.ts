import { Arn, Duration, NestedStack, type NestedStackProps, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { TapConfig } from './config';
import { AccessLogsBucket } from './constructs/access-logs-bucket';
import { AlarmTopic } from './constructs/alarm-topic';
import { customerManagedKey } from './constructs/customer-managed-key';
import { EncryptedBucket } from './constructs/encrypted-bucket';
import { LATENCY_THRESHOLD_SECONDS, ReplicationAlarms } from './constructs/replication-alarms';
import { ReplicationDashboard } from './constructs/replication-dashboard';
import { ReplicationLogGroup } from './constructs/replication-log-group';
import { ReplicationMetrics } from './constructs/replication-metrics';
import { ReplicationRole } from './constructs/replication-role';
import { type DeploymentNames, deploymentNames } from './naming';

export interface S3ReplicationStackProps extends NestedStackProps {
  readonly config: TapConfig;
}

/** Current and noncurrent versions of the replica move to GLACIER after this many days. */
export const REPLICA_GLACIER_AFTER_DAYS = 90;
export const LOG_RETENTION = logs.RetentionDays.ONE_WEEK;

/**
 * The replication infrastructure: primary bucket replicating to the replica bucket with S3 RTC,
 * their keys, the least-privilege replication role, alarms, dashboard and log group.
 */
export class S3ReplicationStack extends NestedStack {
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

  constructor(scope: Construct, id: string, props: S3ReplicationStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = deploymentNames(config.environmentSuffix, Stack.of(this).account);
    this.names = names;
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const accessLogs = new AccessLogsBucket(this, 'AccessLogs', {
      bucketName: names.accessLogsBucket,
      removalPolicy,
    });

    this.primaryKey = customerManagedKey(this, 'PrimaryKey', {
      alias: names.primaryKeyAlias,
      description: `s3-dr ${config.environmentSuffix}: encrypts the PRIMARY bucket ${names.primaryBucket}`,
      removalPolicy,
    });
    this.replicaKey = customerManagedKey(this, 'ReplicaKey', {
      alias: names.replicaKeyAlias,
      description: `s3-dr ${config.environmentSuffix}: encrypts the REPLICA bucket ${names.replicaBucket}`,
      removalPolicy,
    });

    this.replica = new EncryptedBucket(this, 'Replica', {
      bucketName: names.replicaBucket,
      encryptionKey: this.replicaKey,
      removalPolicy,
      accessLogsBucket: accessLogs.bucket,
      accessLogsPrefix: 'replica/',
      lifecycleRules: [
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
          replicaModifications: true,
          sseKmsEncryptedObjects: true,
          kmsKey: this.replicaKey,
        },
      ],
    });

    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', {
      topicName: names.alarmTopic,
      keyAlias: names.alarmTopicKeyAlias,
      removalPolicy,
      alarmEmail: config.alarmEmail,
    });

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
      alarms: [this.alarms.latency, this.alarms.failed],
      latencyThresholdSeconds: LATENCY_THRESHOLD_SECONDS,
    });

    this.replicationLogs = new ReplicationLogGroup(this, 'ReplicationLogs', {
      logGroupName: names.logGroup,
      keyAlias: names.logsKeyAlias,
      retention: LOG_RETENTION,
      removalPolicy,
    });
  }
}

function bucketArn(scope: Construct, bucketName: string): string {
  return Arn.format({ service: 's3', region: '', account: '', resource: bucketName }, Stack.of(scope));
}
