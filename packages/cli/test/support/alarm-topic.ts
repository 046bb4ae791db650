import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { DeploymentNames } from 's3-dr-naming';
import { motoEndpoint } from '../../../../test/support/moto';

function snsClient(region = 'us-east-1'): SNSClient {
  return new SNSClient({
    region,
    endpoint: motoEndpoint(),
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

/**
 * Creates in moto the deployment's alarm topic, named by the naming contract, and subscribes the
 * given e-mail addresses. moto 5.2 confirms every subscription at once (its ListSubscriptionsByTopic
 * never answers `PendingConfirmation`), so a subscription made here counts as confirmed.
 */
export async function createAlarmTopic(
  names: DeploymentNames,
  emails: readonly string[] = [],
  region = 'us-east-1',
): Promise<string> {
  const sns = snsClient(region);
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: names.alarmTopic }))).TopicArn ?? '';
  for (const email of emails) {
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: email }));
  }
  return topicArn;
}
