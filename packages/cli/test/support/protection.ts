import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import type { DeploymentNames } from 's3-dr-naming';
import { motoEndpoint } from '../../../../test/support/moto';
import type { DrPair, MotoClients } from './dr-pair';
import { sslOnlyPolicy } from './dr-pair';

// dr-pair.ts imports this file: values it exports are read only inside functions here.
const MOTO_ACCOUNT = '123456789012';

/** The bootstrap's CloudFormation execution role in moto's account and region. */
export const DEPLOYER = `arn:aws:iam::${MOTO_ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${MOTO_ACCOUNT}-us-east-1`;

export function replicationRoleArn(names: DeploymentNames): string {
  return `arn:aws:iam::${MOTO_ACCOUNT}:role/${names.replicationRole}`;
}

export function alarmTopicArn(names: DeploymentNames): string {
  return `arn:aws:sns:us-east-1:${MOTO_ACCOUNT}:${names.alarmTopic}`;
}

/** The replica policy as protectReplica deploys it: the SSL-only denies plus the three protection denies. */
export function protectedReplicaPolicy(names: DeploymentNames): { Version: string; Statement: unknown[] } {
  const bucket = `arn:aws:s3:::${names.replicaBucket}`;
  const ssl = sslOnlyPolicy(names.replicaBucket) as { Statement: unknown[] };
  const deny = (Sid: string, Action: string[], Resource: string, exempt: string[]) => ({
    Sid,
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action,
    Resource,
    Condition: { ArnNotLike: { 'aws:PrincipalArn': exempt } },
  });
  return {
    Version: '2012-10-17',
    Statement: [
      ...ssl.Statement,
      deny(
        'DenyObjectWritesExceptReplication',
        ['s3:PutObject', 's3:DeleteObject', 's3:ReplicateObject'],
        `${bucket}/*`,
        [replicationRoleArn(names)],
      ),
      deny('DenyVersionDeletes', ['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention'], `${bucket}/*`, [
        `arn:aws:iam::${MOTO_ACCOUNT}:role/s3-dr-break-glass`,
      ]),
      deny(
        'DenyConfigurationChanges',
        [
          's3:PutBucketVersioning',
          's3:PutLifecycleConfiguration',
          's3:PutReplicationConfiguration',
          's3:PutBucketObjectLockConfiguration',
          's3:PutBucketPolicy',
          's3:DeleteBucketPolicy',
        ],
        bucket,
        [DEPLOYER],
      ),
    ],
  };
}

/** A key policy as protectReplica deploys it: the account's kms:* and the deletion deny. */
export function protectedKeyPolicy(): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'DenyKeyDeletionExceptDeployment',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy'],
        Resource: '*',
        Condition: { ArnNotLike: { 'aws:PrincipalArn': [DEPLOYER] } },
      },
    ],
  });
}

export function eventBridgeClient(): EventBridgeClient {
  return new EventBridgeClient({
    region: 'us-east-1',
    endpoint: motoEndpoint(),
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

/**
 * Adds to a pair built by `buildPair` what the stack's default protection deploys: the replica's
 * protection policy, the key-policy denies on both keys, the tamper rule (notifying the alarm
 * topic) and the tamper alarm. moto stores these policies; it does not enforce them.
 */
export async function protectPair(clients: MotoClients, pair: DrPair): Promise<void> {
  const { names } = pair;
  const events = eventBridgeClient();
  await Promise.all([
    clients.s3.send(
      new PutBucketPolicyCommand({
        Bucket: names.replicaBucket,
        Policy: JSON.stringify(protectedReplicaPolicy(names)),
      }),
    ),
    ...[pair.primaryKeyArn, pair.replicaKeyArn].map((key) =>
      clients.kms.send(
        new PutKeyPolicyCommand({ KeyId: key, PolicyName: 'default', Policy: protectedKeyPolicy() }),
      ),
    ),
    events
      .send(
        new PutRuleCommand({
          Name: names.tamperRule,
          State: 'ENABLED',
          EventPattern: JSON.stringify({
            source: ['aws.s3', 'aws.kms'],
            'detail-type': ['AWS API Call via CloudTrail'],
          }),
        }),
      )
      .then(() =>
        events.send(
          new PutTargetsCommand({
            Rule: names.tamperRule,
            Targets: [{ Id: 'Target0', Arn: alarmTopicArn(names) }],
          }),
        ),
      ),
    clients.cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: names.tamperAlarm,
        Namespace: 'AWS/Events',
        MetricName: 'TriggeredRules',
        Dimensions: [{ Name: 'RuleName', Value: names.tamperRule }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    ),
  ]);
}
