import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopicTarget } from './alarm-topic-target';
import { anyEventAlarm, eventRuleMetric } from './any-event-alarm';
import {
  alarmCalls,
  aliasCalls,
  KEY_EVENTS,
  keyCalls,
  ruleCalls,
  topicCalls,
  trailCalls,
} from './cloudtrail-patterns';

export interface AlertPathAlarmProps {
  readonly ruleName: string;
  readonly alarmName: string;
  /**
   * The alarm topic of this region: watched (deletion, attributes, subscriptions), sent one message
   * per event, and notified by the alarm.
   */
  readonly topic: sns.ITopic;
  /** The topic's key, and its alias: watched for deletion, disabling, policy and alias changes. */
  readonly topicKey: kms.IKey;
  readonly topicKeyAlias: string;
  /** The deployment's EventBridge rules in this region, this one included: watched for disabling, deletion, re-targeting. */
  readonly ruleNames: string[];
  /** Matches the names of the deployment's alarms (s3-dr-naming's alarmNamePattern): watched for deletion, disabling, rewriting. */
  readonly alarmNamePattern: string;
  /**
   * Rules whose failed deliveries to their targets (AWS/Events FailedInvocations) also set off the
   * alarm, e.g. the tamper rule: a message the topic refused is a message nobody read.
   * @default - this rule only
   */
  readonly deliveryWatchedRuleNames?: string[];
}

/**
 * The calls that could silence the alarms before anything else is touched, each reported to the
 * alarm topic with who made it: stopping, deleting or re-scoping a CloudTrail trail (any trail of the
 * account: the rules see nothing without one), disabling, deleting or re-targeting the deployment's
 * EventBridge rules, deleting, disabling or rewriting its alarms, deleting or re-configuring the
 * alarm topic or removing its subscriptions, and deleting, disabling, re-policing or re-aliasing the
 * topic's key. Its alarm also fires when a watched rule failed to deliver to the topic.
 *
 * Like the tamper rule it needs a CloudTrail trail logging management events in this region
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html), and it watches
 * the calls made in its own region: a trail's StopLogging or DeleteTrail is called in the trail's
 * home region. Whether the event of the StopLogging call itself still reaches EventBridge is not
 * documented.
 */
export class AlertPathAlarm extends Construct {
  readonly rule: events.Rule;
  readonly alarm: cloudwatch.Alarm;
  /** The rules whose failed deliveries set off the alarm, this one first. */
  readonly deliveryWatchedRuleNames: string[];

  constructor(scope: Construct, id: string, props: AlertPathAlarmProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Rule', {
      ruleName: props.ruleName,
      description:
        's3-dr: calls that could silence the replication alarms (trails, rules, alarms, alarm topic and its key; needs a CloudTrail trail logging management events in this region)',
      eventPattern: {
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          $or: [
            ...trailCalls(),
            ...ruleCalls(props.ruleNames),
            ...alarmCalls(props.alarmNamePattern),
            ...topicCalls(props.topic.topicArn),
            ...keyCalls(KEY_EVENTS, [props.topicKey]),
            ...aliasCalls([props.topicKeyAlias]),
          ],
        },
      },
    });
    const field = (path: string) => events.EventField.fromPath(path);
    this.rule.addTarget(
      new AlarmTopicTarget(
        props.topic,
        events.RuleTargetInput.fromText(
          `s3-dr alert-path alert: ${field('$.detail.userIdentity.arn')} called ${field('$.detail.eventName')} ` +
            `(${field('$.detail.eventSource')}) from ${field('$.detail.sourceIPAddress')} (${field('$.detail.userAgent')}) ` +
            `in account ${field('$.account')} region ${field('$.region')} at ${field('$.time')}. ` +
            `Error code, if it was refused: ${field('$.detail.errorCode')}. CloudTrail event id: ${field('$.detail.eventID')}. ` +
            'This call can silence the replication alarms: check the trail, the s3-dr rules and alarms, the alarm topic, its subscriptions and its key. ' +
            'See docs/protection.md, the tamper alarm and the alert path.',
        ),
      ),
    );
    this.deliveryWatchedRuleNames = [...new Set([props.ruleName, ...(props.deliveryWatchedRuleNames ?? [])])];
    const metrics: Record<string, cloudwatch.IMetric> = {
      matches: eventRuleMetric('TriggeredRules', props.ruleName),
    };
    this.deliveryWatchedRuleNames.forEach((rule, i) => {
      metrics[`failed${i}`] = AlertPathAlarm.failedDeliveriesMetric(rule);
    });
    this.alarm = anyEventAlarm(this, 'Alarm', {
      alarmName: props.alarmName,
      alarmDescription:
        'Someone stopped, deleted or re-scoped a CloudTrail trail, or disabled, deleted or rewrote an s3-dr rule, alarm, the alarm topic, a subscription of it or its key; or an s3-dr rule could not deliver its message to the alarm topic (FailedInvocations). The alarm topic has a message per call saying who and from where, if it still can.',
      // Metrics without data (no match, no failure) count as 0.
      metric: new cloudwatch.MathExpression({
        expression: Object.keys(metrics)
          .map((m) => `FILL(${m}, 0)`)
          .join(' + '),
        usingMetrics: metrics,
        label: 'Matches of the alert-path rule and failed deliveries of the s3-dr rules',
        period: Duration.minutes(5),
      }),
      topic: props.topic,
    });
  }

  /** The dashboard graph of the rule's matches and of failed deliveries. */
  graphWidget(): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: 'Alert path (trail, rule, alarm, topic and key changes; failed deliveries)',
      left: [
        eventRuleMetric('TriggeredRules', this.rule.ruleName).with({
          label: 'Matches of the alert-path rule',
        }),
        ...this.deliveryWatchedRuleNames.map((rule) =>
          AlertPathAlarm.failedDeliveriesMetric(rule).with({ label: `Failed deliveries of ${rule}` }),
        ),
      ],
      leftYAxis: { min: 0 },
      width: 12,
    });
  }

  /**
   * Times a rule failed to deliver to its target, per 5 minutes (AWS/Events FailedInvocations).
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
   */
  static failedDeliveriesMetric(ruleName: string): cloudwatch.Metric {
    return eventRuleMetric('FailedInvocations', ruleName);
  }
}
