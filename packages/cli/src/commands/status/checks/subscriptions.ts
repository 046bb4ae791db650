import type { Subscription } from '@aws-sdk/client-sns';
import { count } from '../../../shared/text';
import type { Check } from './types';
import { pass, redeploy, redeployWith, warn } from './types';

/** SNS lists a subscription that was not confirmed yet with this in place of its ARN. */
export const PENDING_CONFIRMATION = 'PendingConfirmation';

/** The partition of a region, for ARNs built from names. */
export function partitionOf(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

/**
 * The alarm topic has at least one confirmed subscription: every alarm of the deployment notifies
 * this topic, and a topic nobody confirmed a subscription to pages nobody. The topic is the one
 * the stack outputs name, else the naming contract's (in the CLI's region and the buckets'
 * account); the check does not apply to a pair whose deployment is unknown.
 */
export function alarmSubscriptionCheck(): Check {
  return {
    id: 'alarm.subscription',
    async run(scope) {
      const { target, names, account, region, facts } = scope;
      const topicArn =
        target.alarmTopicArn ??
        (names && account
          ? `arn:${partitionOf(region)}:sns:${region}:${account}:${names.alarmTopic}`
          : undefined);
      if (!topicArn) return undefined;
      const topic = topicArn.slice(topicArn.lastIndexOf(':') + 1);
      const subscriptions = await facts.subscriptions(topicArn);
      if (subscriptions === undefined) {
        return warn(
          `alarm topic ${topic} does not exist: the alarms notify nobody`,
          redeploy(scope, undefined, ' -c alarmEmail=oncall@example.com'),
        );
      }
      const confirmed = subscriptions.filter(isConfirmed);
      if (confirmed.length > 0) {
        return pass(
          `alarm topic ${topic} has ${count(confirmed.length, 'confirmed subscription')}: ${describe(confirmed)}`,
        );
      }
      const subscribe = `aws sns subscribe --topic-arn ${topicArn} --protocol email --notification-endpoint oncall@example.com`;
      if (subscriptions.length === 0) {
        return warn(
          `alarm topic ${topic} has no subscription: the alarms notify nobody`,
          `${redeployWith(scope, undefined, '-c alarmEmail=oncall@example.com')} and confirm the e-mail SNS sends, or: ${subscribe}`,
        );
      }
      return warn(
        `alarm topic ${topic} has ${count(subscriptions.length, 'subscription')}, none confirmed (${describe(subscriptions)}): the alarms notify nobody`,
        `open the confirmation link SNS sent to each endpoint; to have it sent again, subscribe the endpoint again: ${subscribe}`,
      );
    },
  };
}

/** SNS gives a pending subscription the ARN `PendingConfirmation`; a confirmed one has a real ARN. */
function isConfirmed(subscription: Subscription): boolean {
  const arn = subscription.SubscriptionArn ?? '';
  return arn.startsWith('arn:');
}

function describe(subscriptions: readonly Subscription[]): string {
  return subscriptions.map((s) => `${s.Protocol ?? '?'} ${s.Endpoint ?? '?'}`).join(', ');
}
