import { Match } from 'aws-cdk-lib/assertions';
import { onlyResource, type Synthesized, synthTap } from '../support/tap';

let dev: Synthesized;
beforeAll(() => {
  dev = synthTap();
});

describe('KMS keys', () => {
  test('there are four customer-managed keys (primary, replica, alarm topic, logs), all rotated', () => {
    dev.nested.resourceCountIs('AWS::KMS::Key', 4);
    expect(
      Object.values(dev.nested.findResources('AWS::KMS::Key')).map((k) => k.Properties.EnableKeyRotation),
    ).toEqual([true, true, true, true]);
  });

  test('the log group key may be used by CloudWatch Logs only for the replication log group', () => {
    dev.nested.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Encrypts the s3-dr log group /aws/s3/replication/dev',
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchLogsForThisLogGroup',
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Condition: {
              ArnEquals: {
                'kms:EncryptionContext:aws:logs:arn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:aws:logs:us-east-1:',
                      { Ref: 'AWS::AccountId' },
                      ':log-group:/aws/s3/replication/dev',
                    ],
                  ],
                },
              },
            },
          }),
        ]),
      },
    });
  });

  test.each([
    ['alias/s3-dr-primary-dev', 's3-dr dev: encrypts the PRIMARY bucket primary-bucket-dev-'],
    ['alias/s3-dr-replica-dev', 's3-dr dev: encrypts the REPLICA bucket replica-bucket-dev-'],
  ])('%s names the key described as "%s<account>"', (alias, description) => {
    const [, aliasResource] = onlyResource(dev.nested, 'AWS::KMS::Alias', { AliasName: alias });
    const keyId = aliasResource.Properties.TargetKeyId['Fn::GetAtt'][0];
    expect(dev.nested.toJSON().Resources[keyId].Properties.Description).toEqual({
      'Fn::Join': ['', [description, { Ref: 'AWS::AccountId' }]],
    });
  });

  test('the alarm topic key lets CloudWatch encrypt and decrypt, so alarms can publish', () => {
    dev.nested.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Encrypts the s3-dr alarm topic s3-replication-alarms-dev',
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowCloudWatchAlarmsToPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
          },
        ]),
      },
    });
  });
});
