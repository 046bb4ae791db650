import { Arn, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeploymentNames } from 's3-dr-naming';
import type { AlarmTopic } from './alarm-topic';
import { REVERSE_CANARY_PREFIX } from './contract';
import type { EncryptedBucket } from './encrypted-bucket';
import type { ReplicaPlacement } from './replica-placement';
import { bucketArn, type ReplicaReference } from './replica-reference';
import { ReplicationAlarms } from './replication-alarms';
import { ReplicationCanary } from './replication-canary';
import { ReplicationMetrics } from './replication-metrics';
import { ReplicationRole } from './replication-role';
import { ReverseReplicationRule } from './reverse-replication-rule';
import { TelemetryMetrics } from './telemetry-metrics';

/** What a two-way pair adds to replicate the replica back to the primary. */
export interface TwoWayReplicationInputs {
  readonly names: DeploymentNames;
  readonly placement: ReplicaPlacement;
  readonly primary: EncryptedBucket;
  readonly primaryKey: kms.Key;
  readonly replica: EncryptedBucket;
  readonly replicaKey: kms.Key;
  /** The replica side as the primary's stack knows it (the reverse canary writes there). */
  readonly replicaHere: ReplicaReference;
  /** The alarm topic of the pair's region: the reverse canary's alarms notify it. */
  readonly topic: AlarmTopic;
  /** The alarm topic of the replica's region: the reverse rule's alarms notify it. */
  readonly replicaTopic: AlarmTopic;
  readonly logGroup: logs.ILogGroup;
}

/** The reverse direction: its role, rule, alarms and canary. */
export interface ReverseDirection {
  readonly role: ReplicationRole;
  readonly rule: ReverseReplicationRule;
  readonly alarms: ReplicationAlarms;
  readonly canary: ReplicationCanary;
}

/**
 * Two-way: a role and a rule replicating the replica back to the primary, that rule's alarms where
 * its metrics are published (the replica's region) with a topic of that region, and a canary that
 * writes probes to the replica and measures their way back.
 */
export function addReverseDirection(pair: Construct, inputs: TwoWayReplicationInputs): ReverseDirection {
  const { names, placement, primary, primaryKey, replica, replicaKey } = inputs;
  const replicaScope = placement.scope;
  const separate = placement.separateStack !== undefined;
  const primaryBucketArn = bucketArn(replicaScope, names.primaryBucket);
  const role = new ReplicationRole(replicaScope, 'ReverseReplicationRole', {
    roleName: names.reverseReplicationRole,
    description: 'Assumed by Amazon S3 to replicate the replica bucket back to the primary bucket (two-way)',
    sourceBucketArn: bucketArn(replicaScope, names.replicaBucket),
    destinationBucketArn: primaryBucketArn,
    sourceKey: { key: replicaKey },
    destinationKey: separate
      ? { aliasName: names.primaryKeyAlias, region: Stack.of(pair).region }
      : { key: primaryKey },
  });
  const reverseRoleArn = Arn.format(
    { service: 'iam', region: '', resource: 'role', resourceName: names.reverseReplicationRole },
    Stack.of(pair),
  );
  const rule = new ReverseReplicationRule(pair, 'ReverseRule', {
    sourceBucketName: names.replicaBucket,
    sourceRegion: placement.region,
    roleArn: separate ? reverseRoleArn : role.role.roleArn,
    ruleId: names.reverseReplicationRuleId,
    destinationBucketArn: primary.bucket.bucketArn,
    destinationKeyArn: primaryKey.keyArn,
    providerRoleName: names.reverseRuleRole,
  });
  // After the primary bucket exists (S3 checks the destination: the rule names its ARN, a
  // reference) and, in one stack, after the replica bucket (named by name only) and the role.
  if (!separate) rule.node.addDependency(role, replica.bucket);

  const alarms = new ReplicationAlarms(replicaScope, 'ReverseAlarms', {
    metrics: new ReplicationMetrics({
      sourceBucket: names.replicaBucket,
      destinationBucket: names.primaryBucket,
      ruleId: names.reverseReplicationRuleId,
    }),
    topic: inputs.replicaTopic.topic,
    latencyAlarmName: names.reverseLatencyAlarm,
    failedAlarmName: names.reverseFailedAlarm,
  });

  const canary = new ReplicationCanary(pair, 'ReverseCanary', {
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
    primaryBucket: inputs.replicaHere.bucket,
    primaryKey: inputs.replicaHere.keyRef,
    replicaBucket: primary.bucket,
    replicaKey: { key: primaryKey },
    prefix: REVERSE_CANARY_PREFIX,
    logGroup: inputs.logGroup,
    metrics: new TelemetryMetrics(names.replicaBucket),
    topic: inputs.topic.topic,
  });
  return { role, rule, alarms, canary };
}

/** The reverse rule's metrics as the dashboard (in the primary's region) shows them. */
export function reverseMetrics(names: DeploymentNames, replicaRegion: string): ReplicationMetrics {
  return new ReplicationMetrics({
    sourceBucket: names.replicaBucket,
    destinationBucket: names.primaryBucket,
    ruleId: names.reverseReplicationRuleId,
    region: replicaRegion,
  });
}
