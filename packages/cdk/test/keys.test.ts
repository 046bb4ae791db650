import type { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, pairIn } from './support/pair';
import { keyIdOfAlias } from './support/template';
import { TemplateValues } from './support/template-values';

// The pair's customer-managed keys: one per bucket, one for the alarm topic, one for the logs.

let template: Template;
let values: TemplateValues;
beforeAll(() => {
  ({ template } = pairIn({}));
  values = new TemplateValues(template, { account: ACCOUNT, region: 'eu-west-1' });
});

function key(alias: string): Record<string, any> {
  return template.toJSON().Resources[keyIdOfAlias(template, alias)].Properties;
}

function keyStatement(alias: string, sid: string): Record<string, any> | undefined {
  return values.resolve<any>(key(alias).KeyPolicy).Statement.find((s: { Sid?: string }) => s.Sid === sid);
}

test('there are four customer-managed keys (primary, replica, alarm topic, logs), all rotated', () => {
  template.resourceCountIs('AWS::KMS::Key', 4);
  for (const alias of ['primary', 'replica', 'alarms', 'logs']) {
    expect(key(`alias/s3-dr-${alias}-lib`).EnableKeyRotation).toBe(true);
  }
});

test.each([
  ['alias/s3-dr-primary-lib', `s3-dr lib: encrypts the PRIMARY bucket primary-bucket-lib-${ACCOUNT}`],
  ['alias/s3-dr-replica-lib', `s3-dr lib: encrypts the REPLICA bucket replica-bucket-lib-${ACCOUNT}`],
])('%s names the key described as "%s"', (alias, description) => {
  expect(key(alias).Description).toBe(description);
});

test('the log group key may be used by CloudWatch Logs only for the replication log group', () => {
  expect(keyStatement('alias/s3-dr-logs-lib', 'AllowCloudWatchLogsForThisLogGroup')).toMatchObject({
    Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
    Condition: {
      ArnEquals: {
        'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/s3/replication/lib`,
      },
    },
  });
});

// CloudWatch alarms cannot publish to a topic encrypted with alias/aws/sns: the topic's own key
// must let CloudWatch use it.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
test('the alarm topic key lets CloudWatch encrypt and decrypt, so alarms can publish', () => {
  expect(keyStatement('alias/s3-dr-alarms-lib', 'AllowCloudWatchAlarmsToPublish')).toEqual({
    Sid: 'AllowCloudWatchAlarmsToPublish',
    Effect: 'Allow',
    Principal: { Service: 'cloudwatch.amazonaws.com' },
    Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    Resource: '*',
  });
});
