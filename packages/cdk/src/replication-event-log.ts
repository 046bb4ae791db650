import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { anyEventAlarm } from './any-event-alarm';
import { REPLICATION_EVENT_METRICS } from './contract';
import { TelemetryFunction } from './telemetry-function';
import type { TelemetryMetrics } from './telemetry-metrics';

/** The S3 replication events the source bucket reports (SNS, SQS or Lambda only; not EventBridge). */
export const REPLICATION_EVENT_TYPES = [
  s3.EventType.REPLICATION_OPERATION_FAILED_REPLICATION,
  s3.EventType.REPLICATION_OPERATION_MISSED_THRESHOLD,
  s3.EventType.REPLICATION_OPERATION_REPLICATED_AFTER_THRESHOLD,
  s3.EventType.REPLICATION_OPERATION_NOT_TRACKED,
];

export interface ReplicationEventLogProps {
  readonly functionName: string;
  readonly alarmName: string;
  readonly sourceBucket: s3.Bucket;
  /** The replication log group: the function writes one JSON line per event there. */
  readonly logGroup: logs.ILogGroup;
  readonly metrics: TelemetryMetrics;
  readonly topic: sns.ITopic;
}

/**
 * Records every replication event of the source bucket: S3 notifies a function whose log group is
 * the replication log group; each event becomes a JSON line and an EMF count. An alarm pages on
 * failed replications and on missed RTC thresholds.
 */
export class ReplicationEventLog extends Construct {
  readonly function: TelemetryFunction;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ReplicationEventLogProps) {
    super(scope, id);
    this.function = new TelemetryFunction(this, 'Handler', {
      functionName: props.functionName,
      description: 'Logs S3 replication events as JSON lines and EMF metrics',
      asset: 'replication-events',
      logGroup: props.logGroup,
      timeout: Duration.seconds(30),
    });
    const destination = new s3n.LambdaDestination(this.function.fn);
    for (const eventType of REPLICATION_EVENT_TYPES) {
      props.sourceBucket.addEventNotification(eventType, destination);
    }
    // CDK's singleton function that writes the bucket's notification configuration at deploy time.
    for (const handler of Stack.of(this).node.children.filter((c) =>
      c.node.id.startsWith('BucketNotificationsHandler'),
    )) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'CDK-internal deploy-time handler that sets the bucket notification configuration; only writes its own logs.',
      });
    }

    const failed = props.metrics.event(REPLICATION_EVENT_METRICS.failed);
    const missed = props.metrics.event(REPLICATION_EVENT_METRICS.missedThreshold);
    this.alarm = anyEventAlarm(this, 'Alarm', {
      alarmName: props.alarmName,
      alarmDescription:
        'S3 reported replication events that need action: OperationFailedReplication (never retried by S3) or OperationMissedThreshold (an object took longer than the 15-minute RTC threshold). Details per object in the replication log group.',
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(missed, 0)',
        usingMetrics: { failed, missed },
        period: Duration.minutes(5),
        label: 'Failed or missed-threshold replication events',
      }),
      topic: props.topic,
    });
  }
}
