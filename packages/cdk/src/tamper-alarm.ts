import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopicTarget } from './alarm-topic-target';
import { anyEventAlarm, eventRuleMetric } from './any-event-alarm';
import { aliasCalls, KEY_EVENTS, keyCalls, ruleCalls } from './cloudtrail-patterns';

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
export const TAMPER_KMS_EVENTS = KEY_EVENTS;

export interface TamperAlarmProps {
  readonly ruleName: string;
  readonly alarmName: string;
  /** Buckets (names) watched for configuration changes and version deletes. */
  readonly bucketNames: string[];
  /** Keys watched for deletion, disabling and policy changes. */
  readonly keys: kms.IKey[];
  /**
   * Replica buckets (names) where every multi-object delete (DeleteObjects) is reported: CloudTrail
   * does not record which keys or versions a DeleteObjects call named, so a bulk version delete
   * cannot be told from a bulk delete-marker write. Not the primary, where applications delete.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/logging-with-S3.html
   * @default - none
   */
  readonly replicaBucketNames?: string[];
  /**
   * Aliases (`alias/…`) of the keys, watched for UpdateAlias and DeleteAlias: a replication rule
   * that names its key by alias follows whatever key the alias is moved to.
   * @default - none
   */
  readonly keyAliases?: string[];
  /**
   * Other EventBridge rules whose disabling, deletion or re-targeting is reported, e.g. the
   * alert-path rule, which cannot be relied on to report its own disabling.
   * @default - none
   */
  readonly watchedRuleNames?: string[];
  /**
   * The alarm topic: gets one message per event, and the alarm's notifications. Its policy lets
   * EventBridge publish for this rule only (see AlarmTopicTarget).
   */
  readonly topic: sns.ITopic;
}

/**
 * An EventBridge rule on the CloudTrail events that could disable or destroy the pair (bucket
 * configuration, key deletion or alias moves, deletes of a specific version and bulk deletes on the
 * replica where CloudTrail data events are logged, and changes to the rule watching the alert path),
 * publishing to the alarm topic a message that says who did what to which resource from where; and
 * an alarm on the rule's matches, shown on the dashboard.
 *
 * "To record events with a detail-type value of AWS API Call via CloudTrail, a CloudTrail trail with
 * logging enabled is required" (management events in the buckets' region; S3 data events for the
 * object deletes). This construct does not create a trail: without one the rule never fires.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html
 */
export class TamperAlarm extends Construct {
  readonly rule: events.Rule;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: TamperAlarmProps) {
    super(scope, id);
    const replicaBuckets = props.replicaBucketNames ?? [];
    const aliases = props.keyAliases ?? [];
    const watchedRules = props.watchedRuleNames ?? [];
    this.rule = new events.Rule(this, 'Rule', {
      ruleName: props.ruleName,
      description:
        's3-dr: changes that could disable or destroy the replicated buckets or their keys (needs a CloudTrail trail logging management events in this region)',
      eventPattern: {
        // No `source`: each alternative names the service CloudTrail recorded (eventSource).
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
            ...(replicaBuckets.length > 0
              ? [
                  {
                    eventSource: ['s3.amazonaws.com'],
                    eventName: ['DeleteObjects'],
                    requestParameters: { bucketName: replicaBuckets },
                  },
                ]
              : []),
            ...keyCalls(TAMPER_KMS_EVENTS, props.keys),
            ...(aliases.length > 0 ? aliasCalls(aliases) : []),
            ...(watchedRules.length > 0 ? ruleCalls(watchedRules) : []),
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
            `alias ${field('$.detail.requestParameters.aliasName')} rule ${field('$.detail.requestParameters.name')} ` +
            `from ${field('$.detail.sourceIPAddress')} (${field('$.detail.userAgent')}) ` +
            `in account ${field('$.account')} region ${field('$.region')} at ${field('$.time')}. ` +
            `Error code, if it was refused: ${field('$.detail.errorCode')}. CloudTrail event id: ${field('$.detail.eventID')}. ` +
            'See docs/protection.md, the tamper alarm and the alert path.',
        ),
      ),
    );
    this.alarm = anyEventAlarm(this, 'Alarm', {
      alarmName: props.alarmName,
      alarmDescription:
        'Someone changed the replication, versioning, lifecycle, policy or Object Lock of a replicated bucket, deleted object versions (or bulk-deleted on the replica), tried to delete, disable, re-police or re-alias one of its keys, or disabled, deleted or re-targeted the rule that watches the alert path. The alarm topic has a message per event saying who and from where.',
      metric: TamperAlarm.matchesMetric(props.ruleName),
      topic: props.topic,
    });
  }

  /** The dashboard graph of the rule's matches. */
  graphWidget(): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: 'Tamper events (configuration and key changes, version deletes)',
      left: [TamperAlarm.matchesMetric(this.rule.ruleName).with({ label: 'Matches of the tamper rule' })],
      leftYAxis: { min: 0 },
      width: 12,
    });
  }

  /**
   * Times the rule matched an event (AWS/Events TriggeredRules, default event bus), per 5 minutes.
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
   */
  static matchesMetric(ruleName: string): cloudwatch.Metric {
    return eventRuleMetric('TriggeredRules', ruleName);
  }
}
