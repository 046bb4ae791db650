import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { ReplicationMetrics } from './replication-metrics';

/** The RTC promise: 99.99% of objects within 15 minutes. ReplicationLatency is in seconds. */
export const LATENCY_THRESHOLD_SECONDS = 15 * 60;

export interface ReplicationAlarmsProps {
  readonly metrics: ReplicationMetrics;
  readonly topic: sns.ITopic;
  readonly latencyAlarmName: string;
  readonly failedAlarmName: string;
}

/**
 * Alarms on the S3 replication metrics, notifying the topic on ALARM and on OK (so on-call also
 * learns when it is over).
 *
 * Missing data is NOT_BREACHING on purpose: S3 publishes these metrics only while objects
 * replicate, so an idle bucket has no datapoints and must not page anyone. The flip side, that a
 * replication which stopped entirely also goes silent, cannot be caught by these metrics at all;
 * it needs an end-to-end probe (`s3-dr probe`, or a scheduled canary).
 */
export class ReplicationAlarms extends Construct {
  readonly latency: cloudwatch.Alarm;
  readonly failed: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ReplicationAlarmsProps) {
    super(scope, id);
    this.latency = new cloudwatch.Alarm(this, 'Latency', {
      alarmName: props.latencyAlarmName,
      alarmDescription: `Replication is more than ${LATENCY_THRESHOLD_SECONDS} s (15 min, the RTC threshold) behind for two consecutive 5-minute periods.`,
      metric: props.metrics.latency(),
      threshold: LATENCY_THRESHOLD_SECONDS,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failed = new cloudwatch.Alarm(this, 'Failed', {
      alarmName: props.failedAlarmName,
      alarmDescription:
        'At least one operation failed to replicate in a 5-minute period. S3 never retries a FAILED replication: re-replicate with S3 Batch Replication after fixing the cause.',
      metric: props.metrics.operationsFailed(),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.latency, this.failed]) {
      alarm.addAlarmAction(new actions.SnsAction(props.topic));
      alarm.addOkAction(new actions.SnsAction(props.topic));
    }
  }
}
