import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopicTarget } from './alarm-topic-target';

/**
 * S3 management events that can disable or destroy a replicated bucket, as CloudTrail names them.
 * CloudTrail records PutBucketLifecycleConfiguration / DeleteBucketLifecycle as PutBucketLifecycle /
 * DeleteBucketLifecycle. https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html
 */
export const TAMPER_S3_EVENTS = [
  'DeleteBucketReplication',
  'PutBucketReplication',
  'PutBucketVersioning',
  'PutBucketLifecycle',
  'DeleteBucketLifecycle',
  'PutBucketPolicy',
  'DeleteBucketPolicy',
  'PutObjectLockConfiguration',
];

/** KMS management events that make the keys (and all they encrypt) unusable. */
export const TAMPER_KMS_EVENTS = ['ScheduleKeyDeletion', 'DisableKey', 'PutKeyPolicy'];

export interface TamperAlarmProps {
  readonly ruleName: string;
  readonly alarmName: string;
  /** Buckets (names) watched for configuration changes and version deletes. */
  readonly bucketNames: string[];
  /** Keys watched for deletion, disabling and policy changes. */
  readonly keys: kms.IKey[];
  /**
   * The alarm topic: gets one message per event, and the alarm's notifications. Its policy lets
   * EventBridge publish for this rule only (see AlarmTopicTarget).
   */
  readonly topic: sns.ITopic;
}

/**
 * An EventBridge rule on the CloudTrail events that could disable or destroy the pair (bucket
 * configuration, key deletion, and deletes of a specific version where CloudTrail data events are
 * logged), publishing to the alarm topic a message that says who did what to which resource from
 * where; and an alarm on the rule's matches, shown on the dashboard.
 *
 * EventBridge receives "AWS API Call via CloudTrail" events only while a CloudTrail trail with
 * logging enabled records them (management events in the buckets' region; a trail with S3 data
 * events for version deletes). This construct does not create a trail: without one the rule never
 * fires. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 */
export class TamperAlarm extends Construct {
  readonly rule: events.Rule;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: TamperAlarmProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Rule', {
      ruleName: props.ruleName,
      description:
        's3-dr: changes that could disable or destroy the replicated buckets or their keys (needs a CloudTrail trail logging management events in this region)',
      eventPattern: {
        source: ['aws.s3', 'aws.kms'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          // Or-matching across fields ("$or"): https://docs.aws.amazon.com/eventbridge/latest/userguide/content-filtering-with-event-patterns.html
          $or: [
            {
              eventSource: ['s3.amazonaws.com'],
              eventName: TAMPER_S3_EVENTS,
              requestParameters: { bucketName: props.bucketNames },
            },
            // A delete of one version is a data event: visible only when a trail logs S3 data events.
            {
              eventSource: ['s3.amazonaws.com'],
              eventName: ['DeleteObject'],
              requestParameters: { bucketName: props.bucketNames, versionId: [{ exists: true }] },
            },
            // ScheduleKeyDeletion, DisableKey and PutKeyPolicy take the key id or the key ARN (no
            // alias): the request names the key one of these two ways.
            // https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html
            {
              eventSource: ['kms.amazonaws.com'],
              eventName: TAMPER_KMS_EVENTS,
              requestParameters: { keyId: props.keys.flatMap((k) => [k.keyId, k.keyArn]) },
            },
            // CloudTrail also lists the key's ARN under resources.
            {
              eventSource: ['kms.amazonaws.com'],
              eventName: TAMPER_KMS_EVENTS,
              resources: { ARN: props.keys.map((k) => k.keyArn) },
            },
          ],
        },
      },
    });
    const field = (path: string) => events.EventField.fromPath(path);
    this.rule.addTarget(
      new AlarmTopicTarget(
        props.topic,
        events.RuleTargetInput.fromText(
          `s3-dr tamper alert: ${field('$.detail.userIdentity.arn')} called ${field('$.detail.eventName')} ` +
            `on bucket ${field('$.detail.requestParameters.bucketName')} key ${field('$.detail.requestParameters.keyId')} ` +
            `from ${field('$.detail.sourceIPAddress')} (${field('$.detail.userAgent')}) ` +
            `in account ${field('$.account')} region ${field('$.region')} at ${field('$.time')}. ` +
            `Error code, if it was refused: ${field('$.detail.errorCode')}. ` +
            'See README: Protecting the replica from deletion and tampering.',
        ),
      ),
    );
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmName: props.alarmName,
      alarmDescription:
        'Someone changed the replication, versioning, lifecycle, policy or Object Lock of a replicated bucket, or tried to delete, disable or re-police one of its keys. The alarm topic has a message per event saying who and from where.',
      metric: TamperAlarm.matchesMetric(props.ruleName),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // The rule publishes its metric only when it matched: no data means no tampering.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new actions.SnsAction(props.topic));
    this.alarm.addOkAction(new actions.SnsAction(props.topic));
  }

  /** The dashboard graph of the rule's matches. */
  graphWidget(): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: 'Tamper events (configuration and key changes, version deletes)',
      left: [TamperAlarm.matchesMetric(this.rule.ruleName).with({ label: 'Matches of the tamper rule' })],
      leftYAxis: { min: 0 },
      width: 24,
    });
  }

  /**
   * Times the rule matched an event (AWS/Events TriggeredRules, default event bus), per 5 minutes.
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
   */
  static matchesMetric(ruleName: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'TriggeredRules',
      dimensionsMap: { RuleName: ruleName },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
  }
}
