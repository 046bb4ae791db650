import { ArnFormat, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { customerManagedKey } from './customer-managed-key';

export interface ReplicationLogGroupProps {
  readonly logGroupName: string;
  readonly keyAlias: string;
  readonly retention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The replication log group, encrypted with its own key: replication events name object keys,
 * which in document stores often carry customer or patient identifiers.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export class ReplicationLogGroup extends Construct {
  readonly logGroup: logs.LogGroup;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: ReplicationLogGroupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = customerManagedKey(this, 'Key', {
      alias: props.keyAlias,
      description: `Encrypts the s3-dr log group ${props.logGroupName}`,
      removalPolicy: props.removalPolicy,
    });
    // CloudWatch Logs may use the key only for this log group.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsForThisLogGroup',
        // CloudWatch Logs' regional principal as the page above documents it; every partition
        // lib/config.ts accepts uses amazonaws.com.
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnEquals: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: props.logGroupName,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: props.logGroupName,
      retention: props.retention,
      encryptionKey: this.key,
      removalPolicy: props.removalPolicy,
    });
  }
}
