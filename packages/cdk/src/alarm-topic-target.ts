import { Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { aws_events as eventsRefs } from 'aws-cdk-lib/interfaces';

/**
 * An EventBridge rule target that publishes to the alarm topic, allowed for that rule only.
 *
 * aws-cdk-lib's `SnsTopic` target lets `events.amazonaws.com` publish without condition, so any
 * rule EventBridge runs could publish; here the topic policy names the rule's ARN
 * (`aws:SourceArn`) and account (`aws:SourceAccount`): "for EventBridge event bus rule targets, the
 * value of aws:SourceArn must be the rule ARN".
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html
 *
 * The topic key's statement for EventBridge stays without these conditions: "adding the
 * aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not supported for
 * EventBridge-to-encrypted topics". The key lets EventBridge encrypt, the topic policy decides who
 * may publish. https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 */
export class AlarmTopicTarget implements events.IRuleTarget {
  constructor(
    private readonly topic: sns.ITopic,
    private readonly message: events.RuleTargetInput,
  ) {}

  bind(rule: eventsRefs.IRuleRef, _id?: string): events.RuleTargetConfig {
    const eventBridge = new iam.ServicePrincipal('events.amazonaws.com');
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [eventBridge],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': rule.ruleRef.ruleArn },
          StringEquals: { 'aws:SourceAccount': Stack.of(rule).account },
        },
      }),
    );
    // Identical statements of several rules are merged into one by the key policy document.
    this.topic.masterKey?.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeToEncryptForTheTopic',
        principals: [eventBridge],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    return { arn: this.topic.topicArn, input: this.message, targetResource: this.topic };
  }
}
