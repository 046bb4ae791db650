import { randomBytes } from 'node:crypto';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  EnableKeyRotationCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  PutBucketAccelerateConfigurationCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type ReplicationRule,
  S3Client,
} from '@aws-sdk/client-s3';
import { type DeploymentNames, deploymentNames } from 's3-dr-naming';
import { motoEndpoint } from '../../../../test/support/moto';
import { faithfulReplication } from './moto-fidelity';
import { protectPair } from './protection';

/** The account id moto answers GetCallerIdentity with. */
export const MOTO_ACCOUNT = '123456789012';

/** SDK clients for test set-up against moto, with dummy credentials (independent of process.env). */
export interface MotoClients {
  readonly s3: S3Client;
  readonly kms: KMSClient;
  readonly iam: IAMClient;
  readonly cloudWatch: CloudWatchClient;
}

export function motoClients(): MotoClients {
  const common = {
    region: 'us-east-1',
    endpoint: motoEndpoint(),
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  return {
    s3: faithfulReplication(new S3Client({ ...common, forcePathStyle: true })),
    kms: new KMSClient(common),
    iam: new IAMClient(common),
    cloudWatch: new CloudWatchClient(common),
  };
}

/** A suffix no other test uses on the shared moto server. */
export function uniqueSuffix(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

/** A deployed pair as the stack builds it, and what set-up learnt while building it. */
export interface DrPair {
  readonly suffix: string;
  readonly names: DeploymentNames;
  readonly primaryKeyArn: string;
  readonly replicaKeyArn: string;
  readonly roleArn: string;
  /** The replication rule as the stack configures it; tests may PUT a changed copy. */
  readonly rule: ReplicationRule;
}

/**
 * Builds in moto a correctly configured pair named by the naming contract for `suffix` (so
 * `--env <suffix>` finds it through the STS fallback): both buckets versioned, SSE-KMS with
 * rotating customer-managed keys and Bucket Keys, public access blocked, SSL-only policies with
 * a TLS 1.2 minimum, Transfer Acceleration on the primary, a GLACIER lifecycle on the replica, the
 * replication rule with RTC, metrics, delete markers, replica modifications and SSE-KMS, the role,
 * the two required alarms, the default protection (replica policy, key denies, tamper rule and
 * alarm; see protection.ts), the Batch Operations role and ops bucket, and the drill's FIS role.
 */
export async function buildPair(clients: MotoClients, suffix: string = uniqueSuffix()): Promise<DrPair> {
  const names = deploymentNames(suffix, MOTO_ACCOUNT);
  const { s3, kms, iam, cloudWatch } = clients;
  // Independent calls run together: the status suite builds one pair per test.
  const [primaryKeyArn, replicaKeyArn, roleArn] = await Promise.all([
    rotatingKey(kms, names.primaryKeyAlias),
    rotatingKey(kms, names.replicaKeyAlias),
    replicationRole(iam, names.replicationRole),
    replicationRole(iam, names.batchRole, 'batchoperations.s3.amazonaws.com'),
    replicationRole(iam, names.drillRole, 'fis.amazonaws.com'),
    opsBucket(s3, names.opsBucket),
    ...[names.latencyAlarm, names.failedAlarm].map((alarm, i) =>
      putAlarm(
        cloudWatch,
        names,
        alarm,
        i === 0 ? 'ReplicationLatency' : 'OperationsFailedReplication',
        i === 0 ? 'Maximum' : 'Sum',
      ),
    ),
  ]);
  await Promise.all(
    [
      [names.primaryBucket, primaryKeyArn],
      [names.replicaBucket, replicaKeyArn],
    ].map(async ([bucket, keyArn]) => {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await Promise.all([
        s3.send(
          new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
        ),
        s3.send(
          new PutBucketEncryptionCommand({
            Bucket: bucket,
            ServerSideEncryptionConfiguration: {
              Rules: [
                {
                  ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn },
                  BucketKeyEnabled: true,
                },
              ],
            },
          }),
        ),
        s3.send(
          new PutPublicAccessBlockCommand({
            Bucket: bucket,
            PublicAccessBlockConfiguration: {
              BlockPublicAcls: true,
              IgnorePublicAcls: true,
              BlockPublicPolicy: true,
              RestrictPublicBuckets: true,
            },
          }),
        ),
        s3.send(
          new PutBucketPolicyCommand({
            Bucket: bucket,
            Policy: JSON.stringify(sslOnlyPolicy(bucket as string)),
          }),
        ),
      ]);
    }),
  );
  await Promise.all([
    s3.send(
      new PutBucketAccelerateConfigurationCommand({
        Bucket: names.primaryBucket,
        AccelerateConfiguration: { Status: 'Enabled' },
      }),
    ),
    s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: names.replicaBucket,
        LifecycleConfiguration: {
          Rules: [
            {
              ID: 'glacier-after-90-days',
              Status: 'Enabled',
              Filter: {},
              Transitions: [{ Days: 90, StorageClass: 'GLACIER' }],
              NoncurrentVersionTransitions: [{ NoncurrentDays: 90, StorageClass: 'GLACIER' }],
            },
          ],
        },
      }),
    ),
  ]);
  const rule: ReplicationRule = {
    ID: names.replicationRuleId,
    Status: 'Enabled',
    Priority: 1,
    Filter: {},
    DeleteMarkerReplication: { Status: 'Enabled' },
    Destination: {
      Bucket: `arn:aws:s3:::${names.replicaBucket}`,
      ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
      Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
      EncryptionConfiguration: { ReplicaKmsKeyID: replicaKeyArn },
    },
    SourceSelectionCriteria: {
      SseKmsEncryptedObjects: { Status: 'Enabled' },
      ReplicaModifications: { Status: 'Enabled' },
    },
  };
  await putRule(s3, names.primaryBucket, roleArn, rule);
  const pair = { suffix, names, primaryKeyArn, replicaKeyArn, roleArn, rule };
  await protectPair(clients, pair);
  return pair;
}

export async function putRule(
  s3: S3Client,
  bucket: string,
  roleArn: string,
  rule: ReplicationRule,
): Promise<void> {
  await s3.send(
    new PutBucketReplicationCommand({
      Bucket: bucket,
      ReplicationConfiguration: { Role: roleArn, Rules: [rule] },
    }),
  );
}

export async function putAlarm(
  cloudWatch: CloudWatchClient,
  names: DeploymentNames,
  alarm: string,
  metric: string,
  stat: 'Maximum' | 'Sum',
): Promise<void> {
  await cloudWatch.send(
    new PutMetricAlarmCommand({
      AlarmName: alarm,
      Namespace: 'AWS/S3',
      MetricName: metric,
      Statistic: stat,
      Dimensions: replicationDimensions(names),
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: stat === 'Maximum' ? 900 : 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    }),
  );
}

export function replicationDimensions(names: DeploymentNames): { Name: string; Value: string }[] {
  return [
    { Name: 'SourceBucket', Value: names.primaryBucket },
    { Name: 'DestinationBucket', Value: names.replicaBucket },
    { Name: 'RuleId', Value: names.replicationRuleId },
  ];
}

export function sslOnlyPolicy(bucket: string, options: { tls12?: boolean } = {}): unknown {
  const resources = [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];
  const statements: unknown[] = [
    {
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: resources,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ];
  if (options.tls12 !== false) {
    statements.push({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: resources,
      Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } },
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

async function replicationRole(iam: IAMClient, name: string, service = 's3.amazonaws.com'): Promise<string> {
  const role = await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  return role.Role?.Arn ?? '';
}

/** The ops bucket of Batch Operations jobs as the stack builds it: versioned, public access blocked. */
async function opsBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: bucket,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
}

async function rotatingKey(kms: KMSClient, alias: string): Promise<string> {
  const key = await kms.send(new CreateKeyCommand({ Description: alias }));
  const arn = key.KeyMetadata?.Arn ?? '';
  await kms.send(new EnableKeyRotationCommand({ KeyId: arn }));
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyMetadata?.KeyId }));
  return arn;
}
