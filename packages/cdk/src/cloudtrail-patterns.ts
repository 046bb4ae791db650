import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';

/**
 * Pieces of EventBridge patterns on "AWS API Call via CloudTrail" events, one per kind of call the
 * tamper and alert-path rules watch: each is an alternative of the pattern's `detail.$or`.
 * CloudTrail records the request of a call under `requestParameters`, its fields named as the
 * API's request parameters with a lowercase first letter (PutRule: `name`), and the service called
 * under `eventSource`. https://docs.aws.amazon.com/eventbridge/latest/userguide/logging-cw-api-calls-eventbridge.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
export type CallPattern = Record<string, unknown>;

/** KMS calls that make a key (and all it encrypts) unusable, or that could lift its protection. */
export const KEY_EVENTS = ['ScheduleKeyDeletion', 'DisableKey', 'PutKeyPolicy'];

/** KMS calls that point an alias at another key, or remove it. */
const ALIAS_EVENTS = ['UpdateAlias', 'DeleteAlias'];

/** EventBridge calls that stop a rule from matching (name) or from reaching its target (rule). */
const RULE_EVENTS_BY_NAME = ['DisableRule', 'DeleteRule', 'PutRule'];
const RULE_EVENTS_BY_RULE = ['RemoveTargets', 'PutTargets'];

/** Calls on `keys`, which name the key by id or ARN (not alias); CloudTrail also lists its ARN under resources. */
export function keyCalls(eventNames: string[], keys: kms.IKey[]): CallPattern[] {
  // https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html (KeyId)
  return [
    {
      eventSource: ['kms.amazonaws.com'],
      eventName: eventNames,
      requestParameters: { keyId: keys.flatMap((k) => [k.keyId, k.keyArn]) },
    },
    {
      eventSource: ['kms.amazonaws.com'],
      eventName: eventNames,
      resources: { ARN: keys.map((k) => k.keyArn) },
    },
  ];
}

/** UpdateAlias and DeleteAlias of `aliasNames` (`alias/…`). https://docs.aws.amazon.com/kms/latest/APIReference/API_UpdateAlias.html */
export function aliasCalls(aliasNames: string[]): CallPattern[] {
  return [
    {
      eventSource: ['kms.amazonaws.com'],
      eventName: ALIAS_EVENTS,
      requestParameters: { aliasName: aliasNames },
    },
  ];
}

/**
 * Calls that disable, delete, re-pattern or re-target the rules `ruleNames` (PutRule can set a
 * rule's state to DISABLED or change its pattern, PutTargets can replace its target).
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RemoveTargets.html (Rule)
 */
export function ruleCalls(ruleNames: string[]): CallPattern[] {
  return [
    {
      eventSource: ['events.amazonaws.com'],
      eventName: RULE_EVENTS_BY_NAME,
      requestParameters: { name: ruleNames },
    },
    {
      eventSource: ['events.amazonaws.com'],
      eventName: RULE_EVENTS_BY_RULE,
      requestParameters: { rule: ruleNames },
    },
  ];
}

/**
 * Calls that stop a trail, delete it, change what it records (event selectors) or where and in which
 * regions it records (UpdateTrail), on any trail of the account: the rules see CloudTrail's events
 * only while a trail logs them. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html
 */
export function trailCalls(): CallPattern[] {
  return [
    {
      eventSource: ['cloudtrail.amazonaws.com'],
      eventName: ['StopLogging', 'DeleteTrail', 'PutEventSelectors', 'UpdateTrail'],
    },
  ];
}

/**
 * Calls that delete alarms, turn their actions off, or rewrite them (actions, threshold), for the
 * alarms whose names match `alarmNamePattern` (an EventBridge wildcard). DeleteAlarms names its alarms
 * in an array, `alarmNames`: a pattern matches an array when it matches one of its values.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html (wildcard)
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DisableAlarmActions.html (AlarmNames)
 */
export function alarmCalls(alarmNamePattern: string): CallPattern[] {
  const names = events.Match.wildcard(alarmNamePattern);
  return [
    {
      eventSource: ['monitoring.amazonaws.com'],
      eventName: ['DeleteAlarms', 'DisableAlarmActions'],
      requestParameters: { alarmNames: names },
    },
    {
      eventSource: ['monitoring.amazonaws.com'],
      eventName: ['PutMetricAlarm', 'PutCompositeAlarm'],
      requestParameters: { alarmName: names },
    },
  ];
}

/**
 * Calls that delete the topic or change its attributes (policy, key, delivery), and that remove or
 * change (filter policy) a subscription of it: a subscription ARN is the topic ARN, a colon and an id.
 * https://docs.aws.amazon.com/sns/latest/api/API_Unsubscribe.html (SubscriptionArn)
 */
export function topicCalls(topicArn: string): CallPattern[] {
  return [
    {
      eventSource: ['sns.amazonaws.com'],
      eventName: ['DeleteTopic', 'SetTopicAttributes'],
      requestParameters: { topicArn: [topicArn] },
    },
    {
      eventSource: ['sns.amazonaws.com'],
      eventName: ['Unsubscribe', 'SetSubscriptionAttributes'],
      requestParameters: { subscriptionArn: events.Match.prefix(`${topicArn}:`) },
    },
  ];
}
