import type { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, pairIn } from './support/pair';
import { keyIdOfAlias, onlyResource, roleStatements } from './support/template';
import { TemplateValues } from './support/template-values';

// The forward rule (primary -> replica) and the role S3 assumes for it, in a one-region pair.

const PRIMARY = `primary-bucket-lib-${ACCOUNT}`;
const REPLICA = `replica-bucket-lib-${ACCOUNT}`;

let template: Template;
let values: TemplateValues;
let rule: Record<string, any>;
let roleId: string;

beforeAll(() => {
  ({ template } = pairIn({}));
  values = new TemplateValues(template, { account: ACCOUNT, region: 'eu-west-1' });
  const [, primary] = onlyResource(template, 'AWS::S3::Bucket', { BucketName: PRIMARY });
  rule = values.resolve(primary.Properties.ReplicationConfiguration.Rules[0]);
  [roleId] = onlyResource(template, 'AWS::IAM::Role', { RoleName: 's3-replication-role-lib' });
});

const keyArn = (alias: string) => values.resolve({ 'Fn::GetAtt': [keyIdOfAlias(template, alias), 'Arn'] });

/** The role's statements with every value resolved and every action list sorted (feature flags sort them). */
function statements(): Record<string, any>[] {
  return values
    .resolve<Record<string, any>[]>(roleStatements(template, 's3-replication-role-lib'))
    .map((s) => ({ ...s, Action: Array.isArray(s.Action) ? [...s.Action].sort() : s.Action }));
}

describe('the forward replication rule', () => {
  test('is the only rule of the primary bucket and uses the replication role, which exists before it', () => {
    const [, primary] = onlyResource(template, 'AWS::S3::Bucket', { BucketName: PRIMARY });
    expect(primary.Properties.ReplicationConfiguration.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(primary.Properties.ReplicationConfiguration.Rules).toHaveLength(1);
  });

  test('is enabled for every object, with a priority and the id of the naming contract', () => {
    expect(rule).toMatchObject({
      Id: 'replicate-all-lib',
      Status: 'Enabled',
      Priority: 1,
      Filter: { Prefix: '' },
    });
  });

  test('turns on Replication Time Control at 15 minutes with metrics at a 15-minute threshold', () => {
    expect(rule.Destination.ReplicationTime).toEqual({ Status: 'Enabled', Time: { Minutes: 15 } });
    expect(rule.Destination.Metrics).toEqual({ Status: 'Enabled', EventThreshold: { Minutes: 15 } });
  });

  test('replicates delete markers', () => {
    expect(rule.DeleteMarkerReplication).toEqual({ Status: 'Enabled' });
  });

  // No effect while replication is one-way (the primary holds no replicas); two-way it syncs back.
  test('keeps replica modification sync on', () => {
    expect(rule.SourceSelectionCriteria.ReplicaModifications).toEqual({ Status: 'Enabled' });
  });

  test('replicates SSE-KMS objects into the replica bucket, encrypting replicas with the replica key', () => {
    expect(rule.SourceSelectionCriteria.SseKmsEncryptedObjects).toEqual({ Status: 'Enabled' });
    expect(rule.Destination.Bucket).toBe(`arn:aws:s3:::${REPLICA}`);
    expect(rule.Destination.EncryptionConfiguration).toEqual({
      ReplicaKmsKeyID: keyArn('alias/s3-dr-replica-lib'),
    });
  });
});

describe('the replication role', () => {
  // The trust policy AWS documents, without conditions S3 is not documented to satisfy when it
  // assumes the role (an unmet condition would fail every object).
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
  test('is trusted by S3 exactly as AWS documents it, without conditions', () => {
    const [, role] = onlyResource(template, 'AWS::IAM::Role', { RoleName: 's3-replication-role-lib' });
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });

  // Each key only through S3 of its region and only for its bucket. With S3 Bucket Keys the
  // encryption context is the bucket ARN; objects written before carry the object ARN.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
  test('has exactly the documented statements, with no other policy: S3 actions on the two buckets, KMS only through S3 for its bucket', () => {
    const through = (bucket: string) => ({
      StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
      StringLike: {
        'kms:EncryptionContext:aws:s3:arn': [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      },
    });
    expect(statements()).toEqual([
      {
        Sid: 'ReadSourceReplicationConfiguration',
        Effect: 'Allow',
        Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        Resource: `arn:aws:s3:::${PRIMARY}`,
      },
      {
        Sid: 'ReadSourceObjectVersions',
        Effect: 'Allow',
        Action: ['s3:GetObjectVersionAcl', 's3:GetObjectVersionForReplication', 's3:GetObjectVersionTagging'],
        Resource: `arn:aws:s3:::${PRIMARY}/*`,
      },
      {
        Sid: 'WriteReplicas',
        Effect: 'Allow',
        Action: ['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags'],
        Resource: `arn:aws:s3:::${REPLICA}/*`,
      },
      {
        Sid: 'DecryptSourceObjects',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: keyArn('alias/s3-dr-primary-lib'),
        Condition: through(PRIMARY),
      },
      // kms:Decrypt too: with S3 Bucket Keys on the replica, S3 decrypts its bucket key first.
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html#bk-replication
      {
        Sid: 'EncryptReplicas',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: keyArn('alias/s3-dr-replica-lib'),
        Condition: through(REPLICA),
      },
    ]);
  });

  test("names S3's endpoint in kms:ViaService with the partition's URL suffix, not a literal amazonaws.com", () => {
    const raw = roleStatements(template, 's3-replication-role-lib').filter((s) => s.Sid?.includes('crypt'));
    expect(raw.map((s) => s.Condition.StringEquals['kms:ViaService'])).toEqual([
      { 'Fn::Join': ['', ['s3.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
      { 'Fn::Join': ['', ['s3.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
    ]);
  });
});
