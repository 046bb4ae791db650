import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { anyEventAlarm } from './any-event-alarm';
import { CANARY_DEFAULT_PREFIX, CANARY_ENV, CANARY_OVERDUE_SECONDS } from './contract';
import {
  acknowledgeKeyWildcards,
  type KeyGrant,
  keyGrant,
  type ReplicationKeyReference,
} from './key-reference';
import { acknowledgeObjectWildcards } from './nag';
import { TelemetryFunction } from './telemetry-function';
import type { TelemetryMetrics } from './telemetry-metrics';

export const CANARY_RATE = Duration.minutes(5);
/** No probe completed for this long means replication (or the canary) has stopped. */
export const CANARY_SILENCE = Duration.minutes(20);

export interface ReplicationCanaryAlarmNames {
  /** The composite alarm that notifies. */
  readonly canary: string;
  readonly latency: string;
  readonly silent: string;
  readonly overdue: string;
  readonly errors: string;
}

export interface ReplicationCanaryProps {
  readonly functionName: string;
  readonly scheduleName: string;
  readonly alarmNames: ReplicationCanaryAlarmNames;
  /** The bucket probes are written to (the replication source). */
  readonly primaryBucket: s3.IBucket;
  /** Its key: the key itself, or its alias and region when the bucket is in another region. */
  readonly primaryKey: ReplicationKeyReference;
  /** The bucket probes are expected in (the replication destination). */
  readonly replicaBucket: s3.IBucket;
  /** The replica's key: the key itself, or its alias and region when the replica is in another region. */
  readonly replicaKey: ReplicationKeyReference;
  readonly logGroup: logs.ILogGroup;
  readonly metrics: TelemetryMetrics;
  readonly topic: sns.ITopic;
  /** Where probes are written; under `_s3-dr/`. @default CANARY_DEFAULT_PREFIX */
  readonly prefix?: string;
  /**
   * Give it when the replica bucket has Object Lock: the canary then reads the retention of the
   * replica of each probe, and this alarm (notifying the topic) fires when one carries none.
   * @default - the replica has no Object Lock: no retention is read, no such alarm
   */
  readonly replicaUnlockedAlarmName?: string;
  /** @default 'Writes a probe to the primary bucket and measures its replication to the replica' */
  readonly description?: string;
  /**
   * A role of another account the canary assumes to read the replica (a vault's
   * `s3-dr-vault-canary-<suffix>`): the function's own role then reads nothing of the replica and
   * may only assume that role. @default - the function's own role reads the replica
   */
  readonly replicaRoleArn?: string;
  /** A name for the function's role (a vault's canary role trusts it by name). @default - a generated name */
  readonly roleName?: string;
}

/**
 * Proves every 5 minutes that replication works end to end: a scheduled function writes a probe
 * under `_s3-dr/canary/` to the primary and measures when it appears in the replica. S3's own
 * metrics go silent when nothing replicates; the canary's do not, so silence itself alarms.
 */
export class ReplicationCanary extends Construct {
  readonly function: TelemetryFunction;
  readonly schedule: events.Rule;
  readonly alarm: cloudwatch.CompositeAlarm;
  readonly latencyAlarm: cloudwatch.Alarm;
  readonly silentAlarm: cloudwatch.Alarm;
  readonly overdueAlarm: cloudwatch.Alarm;
  readonly errorsAlarm: cloudwatch.Alarm;
  /** With `replicaUnlockedAlarmName`: ALARM while replicas of probes carry no Object Lock retention. */
  readonly replicaUnlockedAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ReplicationCanaryProps) {
    super(scope, id);
    this.function = new TelemetryFunction(this, 'Handler', {
      functionName: props.functionName,
      description:
        props.description ??
        'Writes a probe to the primary bucket and measures its replication to the replica',
      asset: 'canary',
      logGroup: props.logGroup,
      // A run polls up to 60 s for its own probe, then sweeps earlier ones.
      timeout: Duration.minutes(2),
      // Neither EventBridge (below) nor Lambda's async retries: a retried run writes a second probe.
      retryAttempts: 0,
      roleName: props.roleName,
      environment: {
        [CANARY_ENV.primaryBucket]: props.primaryBucket.bucketName,
        [CANARY_ENV.replicaBucket]: props.replicaBucket.bucketName,
        [CANARY_ENV.prefix]: props.prefix ?? CANARY_DEFAULT_PREFIX,
        ...(props.replicaUnlockedAlarmName ? { [CANARY_ENV.replicaObjectLock]: 'true' } : {}),
        ...(props.replicaRoleArn ? { [CANARY_ENV.replicaRoleArn]: props.replicaRoleArn } : {}),
      },
    });
    this.grantProbeAccess(props);

    this.schedule = new events.Rule(this, 'Schedule', {
      ruleName: props.scheduleName,
      description: 'Runs the replication canary',
      schedule: events.Schedule.rate(CANARY_RATE),
      // A retried run would write a second probe; the next scheduled run is soon enough.
      targets: [new targets.LambdaFunction(this.function.fn, { retryAttempts: 0 })],
    });

    const { metrics, alarmNames } = props;
    this.latencyAlarm = new cloudwatch.Alarm(this, 'LatencyAlarm', {
      alarmName: alarmNames.latency,
      alarmDescription: `A canary probe took more than ${CANARY_OVERDUE_SECONDS} s to replicate.`,
      metric: metrics.canaryLatency(),
      threshold: CANARY_OVERDUE_SECONDS,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // Judged only when a probe arrived; a probe that never arrives is the silent alarm's job.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.silentAlarm = new cloudwatch.Alarm(this, 'SilentAlarm', {
      alarmName: alarmNames.silent,
      alarmDescription: `No canary probe reached the replica in ${CANARY_SILENCE.toMinutes()} minutes.`,
      metric: metrics.canaryCompleted(CANARY_SILENCE),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      // On purpose: no data means the canary did not report, which is exactly what must page.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.overdueAlarm = new cloudwatch.Alarm(this, 'OverdueAlarm', {
      alarmName: alarmNames.overdue,
      alarmDescription: `A canary probe is missing from the replica after ${CANARY_OVERDUE_SECONDS} s, or its replication FAILED.`,
      metric: metrics.canaryOverdue(),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmName: alarmNames.errors,
      alarmDescription:
        'The canary itself failed (access denied, KMS, missing bucket) or did not run: its CanaryErrors metric is 1 or absent.',
      metric: metrics.canaryErrors(Duration.minutes(10)),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // CanaryErrors is published on every run, failed ones included: absent means no run reported.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });

    // One page for any canary problem; the four alarms above say which.
    this.alarm = new cloudwatch.CompositeAlarm(this, 'Alarm', {
      compositeAlarmName: alarmNames.canary,
      alarmDescription:
        'The replication canary sees a problem: slow (latency > 900 s), silent (nothing completed in 20 min), overdue or failed probes, or the canary itself failing. See docs/runbooks.md.',
      alarmRule: cloudwatch.AlarmRule.anyOf(
        this.latencyAlarm,
        this.silentAlarm,
        this.overdueAlarm,
        this.errorsAlarm,
      ),
    });
    this.alarm.addAlarmAction(new actions.SnsAction(props.topic));
    this.alarm.addOkAction(new actions.SnsAction(props.topic));

    if (props.replicaUnlockedAlarmName) {
      this.replicaUnlockedAlarm = this.replicaUnlocked(props.replicaUnlockedAlarmName, props);
    }
  }

  /**
   * Whether replicas of the primary's versions (which carry no retention) get the replica bucket's
   * default retention is not settled by the S3 documentation (see lambda/canary.ts): this alarm says
   * what the user's own account does, from the first measured probe on.
   */
  private replicaUnlocked(alarmName: string, props: ReplicationCanaryProps): cloudwatch.Alarm {
    return anyEventAlarm(this, 'ReplicaUnlockedAlarm', {
      alarmName,
      alarmDescription:
        "The replica of a canary probe carries no Object Lock retention: S3 did not give replicas of the primary's versions the replica bucket's default retention, so Object Lock does not protect the replicas. Give the primary's versions retention (Object Lock on the primary) or set retention on the replicas (S3 Batch Operations, Object Lock retention). See docs/protection.md.",
      metric: props.metrics.canaryReplicasUnlocked(),
      topic: props.topic,
      // On purpose: no data means no probe's replica was read in the period (a slow or stopped
      // replication is the other canary alarms' business); the last answer stands. A new alarm stays
      // INSUFFICIENT_DATA until the first measurement, which `s3-dr status` reports as not measured yet.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
  }

  /** Exactly what lambda/canary.ts does, on its prefix only. */
  private grantProbeAccess(props: ReplicationCanaryProps): void {
    const prefix = props.prefix ?? CANARY_DEFAULT_PREFIX;
    const probes = (bucket: s3.IBucket) => bucket.arnForObjects(`${prefix}*`);
    const primaryKey = keyGrant(this, props.primaryKey);
    const replicaKey = keyGrant(this, props.replicaKey);
    // Only through S3 of the key's region, and only for that bucket: with S3 Bucket Keys the
    // encryption context is the bucket ARN.
    const kmsViaS3For = (bucket: s3.IBucket, key: KeyGrant) => ({
      StringEquals: {
        'kms:ViaService': key.viaService,
        'kms:EncryptionContext:aws:s3:arn': bucket.bucketArn,
      },
      ...key.aliasCondition,
    });
    const statements = [
      new iam.PolicyStatement({
        sid: 'ListProbesInPrimary',
        actions: ['s3:ListBucket'],
        resources: [props.primaryBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }),
      new iam.PolicyStatement({
        sid: 'WriteReadRetireProbesInPrimary',
        // DeleteObject without a version id only adds a delete marker; no version is ever destroyed.
        actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
        resources: [probes(props.primaryBucket)],
      }),
      ...(props.replicaRoleArn
        ? [
            // The replica's account role reads the replica; this one may only assume it.
            new iam.PolicyStatement({
              sid: 'AssumeReplicaReaderRole',
              actions: ['sts:AssumeRole'],
              resources: [props.replicaRoleArn],
            }),
          ]
        : replicaReads(props, probes)),
      new iam.PolicyStatement({
        sid: 'EncryptProbes',
        actions: ['kms:GenerateDataKey'],
        resources: [primaryKey.resource],
        conditions: kmsViaS3For(props.primaryBucket, primaryKey),
      }),
      ...(props.replicaRoleArn
        ? []
        : [
            new iam.PolicyStatement({
              sid: 'DecryptReplicatedProbes',
              actions: ['kms:Decrypt'],
              resources: [replicaKey.resource],
              conditions: kmsViaS3For(props.replicaBucket, replicaKey),
            }),
          ]),
    ];
    this.function.policy.addStatements(...statements);
    acknowledgeObjectWildcards(
      this.function.policy,
      [probes(props.primaryBucket), ...(props.replicaRoleArn ? [] : [probes(props.replicaBucket)])],
      `The canary reads and writes only its own probe objects: the ARN is scoped to the ${prefix} prefix.`,
    );
    acknowledgeKeyWildcards(this.function.policy, [
      primaryKey,
      ...(props.replicaRoleArn ? [] : [replicaKey]),
    ]);
  }
}

/** The replica's probes, listed and read (and their retention, with Object Lock) by the function's own role. */
function replicaReads(
  props: ReplicationCanaryProps,
  probes: (bucket: s3.IBucket) => string,
): iam.PolicyStatement[] {
  const prefix = props.prefix ?? CANARY_DEFAULT_PREFIX;
  return [
    new iam.PolicyStatement({
      sid: 'ReadProbesInReplica',
      actions: ['s3:GetObject'],
      resources: [probes(props.replicaBucket)],
    }),
    new iam.PolicyStatement({
      // The canary lists before it reads, to tell "not arrived yet" from "not allowed".
      sid: 'ListProbesInReplica',
      actions: ['s3:ListBucket'],
      resources: [props.replicaBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
    }),
    ...(props.replicaUnlockedAlarmName
      ? [
          new iam.PolicyStatement({
            sid: 'ReadRetentionOfReplicatedProbes',
            actions: ['s3:GetObjectRetention'],
            resources: [probes(props.replicaBucket)],
          }),
        ]
      : []),
  ];
}
