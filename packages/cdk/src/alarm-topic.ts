import { Annotations, ArnFormat, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { customerManagedKey } from './customer-managed-key';

/** Id of the synth warning for a topic without a subscriber (acknowledge it to silence it). */
export const NO_SUBSCRIBER_WARNING = 's3-dr:alarmTopicWithoutSubscriber';

function noSubscriberMessage(topicName: string): string {
  return (
    `No alarmEmail is set, so the alarm topic ${topicName} has no subscriber and every alarm notifies nobody. ` +
    'Set the context key alarmEmail (e.g. -c alarmEmail=oncall@example.com, then confirm the e-mail SNS sends), ' +
    'or subscribe any other endpoint SNS supports to the topic after deploying.'
  );
}

export interface AlarmTopicProps {
  readonly topicName: string;
  readonly keyAlias: string;
  readonly removalPolicy: RemovalPolicy;
  /** Names of the alarms that may publish, e.g. `s3-replication-*-prod` (s3-dr-naming's alarmNamePattern). */
  readonly alarmNamePattern: string;
  /** @default - no e-mail subscription, and a synth warning that the alarms notify nobody */
  readonly alarmEmail?: string;
}

/**
 * The SNS topic every alarm notifies. Encrypted with a customer-managed key whose policy lets
 * CloudWatch use it: with the AWS-managed `alias/aws/sns` key CloudWatch cannot publish, and
 * alarms would fire with nobody told.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.key = customerManagedKey(this, 'Key', {
      alias: props.keyAlias,
      description: `Encrypts the s3-dr alarm topic ${props.topicName}`,
      removalPolicy: props.removalPolicy,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        // The global principal name, the same in every partition lib/config.ts accepts.
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: 'S3 replication alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    // enforceSSL writes a topic policy, which replaces the default one that let the account's
    // services publish: CloudWatch must be allowed explicitly, for this deployment's alarms only.
    // EventBridge rules are allowed one by one as they target the topic (AlarmTopicTarget).
    // https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: props.alarmNamePattern,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    if (props.alarmEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    } else {
      // Every alarm notifies this topic: without a subscriber it pages nobody, so say so at synth.
      Annotations.of(this).addWarningV2(NO_SUBSCRIBER_WARNING, noSubscriberMessage(props.topicName));
    }
  }
}
