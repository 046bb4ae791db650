import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  S3ReplicationPair,
  type S3ReplicationPairProps,
  VAULT_REPLICATION_BUCKET_ACTIONS,
  VAULT_REPLICATION_KEY_ACTIONS,
  VAULT_REPLICATION_OBJECT_ACTIONS,
} from '../src';
import { type Caller, evaluate, type Statement } from './support/policy-evaluator';
import { roleStatements } from './support/template';
import { TemplateValues } from './support/template-values';

// A vault: the replica side in another account. The primary's account may replicate into it and
// nothing else; every statement of the vault's bucket and key policies is evaluated for principals of
// the primary's account against the actions that would destroy, reconfigure or read the vault.

const PRIMARY = '111111111111';
const VAULT = '222222222222';
const REGION = 'eu-west-1';

function vaultPair(props: Partial<S3ReplicationPairProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Consumer', { env: { account: PRIMARY, region: REGION } });
  const pair = new S3ReplicationPair(stack, 'Dr', {
    environmentSuffix: 'lib',
    replicaAccount: VAULT,
    ...props,
  });
  const vaultStack = pair.replicaStack as Stack;
  return {
    app,
    stack,
    pair,
    vaultStack,
    primary: Template.fromStack(stack),
    vault: Template.fromStack(vaultStack),
  };
}

function errorOf(
  props: Partial<S3ReplicationPairProps>,
  env: { account?: string } = { account: PRIMARY },
): string {
  try {
    const stack = new Stack(new App(), 'Consumer', { env: { ...env, region: REGION } });
    new S3ReplicationPair(stack, 'Dr', { environmentSuffix: 'lib', ...props });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the pair to refuse these props');
}

const BUCKET = `replica-bucket-lib-${VAULT}`;
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const OBJECT_ARN = `${BUCKET_ARN}/some/key`;
const REPLICATION_ROLE = `arn:aws:iam::${PRIMARY}:role/s3-replication-role-lib`;
const TLS = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };

/** Principals of the primary's account, as a compromised primary account could act. */
const PRIMARY_PRINCIPALS: Record<string, Caller> = {
  'the replication role': { arn: REPLICATION_ROLE },
  "the canary's role": { arn: `arn:aws:iam::${PRIMARY}:role/s3-dr-canary-role-lib` },
  'an administrator': { arn: `arn:aws:iam::${PRIMARY}:role/Admin` },
  "the primary's CDK execution role": {
    arn: `arn:aws:iam::${PRIMARY}:role/cdk-hnb659fds-cfn-exec-role-${PRIMARY}-${REGION}`,
  },
  'the root user': { arn: `arn:aws:iam::${PRIMARY}:root` },
};

const DESTRUCTIVE_OBJECT_ACTIONS = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:PutObject',
  's3:PutObjectRetention',
  's3:BypassGovernanceRetention',
  's3:PutObjectLegalHold',
  's3:GetObject',
  's3:GetObjectVersion',
  's3:PutObjectAcl',
  's3:ObjectOwnerOverrideToBucketOwner',
];
const DESTRUCTIVE_BUCKET_ACTIONS = [
  's3:DeleteBucket',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  's3:PutBucketObjectLockConfiguration',
  's3:PutReplicationConfiguration',
  's3:PutEncryptionConfiguration',
  's3:PutBucketOwnershipControls',
  's3:ListBucket',
  's3:ListBucketVersions',
];
const DESTRUCTIVE_KEY_ACTIONS = [
  'kms:ScheduleKeyDeletion',
  'kms:DisableKey',
  'kms:PutKeyPolicy',
  'kms:CreateGrant',
  'kms:ReEncryptFrom',
  'kms:UpdateAlias',
];

describe('GIVEN a pair with replicaAccount (a vault)', () => {
  const { vaultStack, pair, primary, vault, app, stack } = vaultPair({ alarmEmail: 'oncall@example.com' });
  const values = new TemplateValues(vault, { account: VAULT, region: REGION });
  const primaryValues = new TemplateValues(primary, { account: PRIMARY, region: REGION });
  const bucketPolicy: Statement[] = values.resolve(
    Object.values(vault.findResources('AWS::S3::BucketPolicy')).find((p) =>
      JSON.stringify(p).includes('AllowPrimaryReplicationToWriteReplicas'),
    )?.Properties.PolicyDocument.Statement,
  );
  const keyId = Object.keys(
    vault.findResources('AWS::KMS::Alias', { Properties: { AliasName: 'alias/s3-dr-replica-lib' } }),
  )[0];
  const keyLogicalId = vault.toJSON().Resources[keyId].Properties.TargetKeyId['Fn::GetAtt'][0];
  const keyPolicy: Statement[] = values.resolve(
    vault.toJSON().Resources[keyLogicalId].Properties.KeyPolicy.Statement,
  );

  test("THEN the replica side is a stack of its own in the vault's account, which the primary's stack depends on", () => {
    expect([vaultStack.account, vaultStack.region, vaultStack.stackName]).toEqual([
      VAULT,
      REGION,
      'ConsumerReplica',
    ]);
    expect(stack.dependencies).toContain(vaultStack);
  });

  test("THEN the rule names the vault's account, the bucket with the vault's account and the vault key by its alias ARN", () => {
    const rule = Object.values(primary.findResources('AWS::S3::Bucket')).find(
      (b) => b.Properties.ReplicationConfiguration,
    )?.Properties.ReplicationConfiguration.Rules[0];
    expect(primaryValues.resolve(rule.Destination)).toMatchObject({
      Account: VAULT,
      Bucket: BUCKET_ARN,
      EncryptionConfiguration: { ReplicaKmsKeyID: `arn:aws:kms:${REGION}:${VAULT}:alias/s3-dr-replica-lib` },
    });
  });

  test('THEN the rule has no owner override: the vault enforces bucket-owner ownership, which changes the owner without it', () => {
    const rule = Object.values(primary.findResources('AWS::S3::Bucket')).find(
      (b) => b.Properties.ReplicationConfiguration,
    )?.Properties.ReplicationConfiguration.Rules[0];
    expect(rule.Destination.AccessControlTranslation).toBeUndefined();
    vault.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: BUCKET,
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  test.each(Object.entries(PRIMARY_PRINCIPALS))(
    'THEN, evaluated, %s may not delete, overwrite, read or reconfigure anything of the vault bucket',
    (_, caller) => {
      const allowed = [
        ...DESTRUCTIVE_OBJECT_ACTIONS.map((action) => ({ action, resource: OBJECT_ARN })),
        ...DESTRUCTIVE_BUCKET_ACTIONS.map((action) => ({ action, resource: BUCKET_ARN })),
      ].filter(
        ({ action, resource }) =>
          evaluate(bucketPolicy, { caller, action, resource, context: TLS }).decision === 'Allow',
      );
      expect(allowed).toEqual([]);
    },
  );

  test.each(Object.entries(PRIMARY_PRINCIPALS))(
    'THEN, evaluated, %s may not delete, disable, re-policy or re-grant the vault key',
    (_, caller) => {
      const allowed = DESTRUCTIVE_KEY_ACTIONS.filter(
        (action) => evaluate(keyPolicy, { caller, action, resource: '*' }).decision === 'Allow',
      );
      expect(allowed).toEqual([]);
    },
  );

  test.each(Object.entries(PRIMARY_PRINCIPALS))(
    "THEN, evaluated, %s may read the vault's versioning state (PutBucketReplication checks it as the rule's creator) and no other bucket setting",
    (_, caller) => {
      const onBucket = [...VAULT_REPLICATION_BUCKET_ACTIONS, ...DESTRUCTIVE_BUCKET_ACTIONS].filter(
        (action) =>
          evaluate(bucketPolicy, { caller, action, resource: BUCKET_ARN, context: TLS }).decision === 'Allow',
      );
      expect(onBucket).toEqual(['s3:GetBucketVersioning']);
    },
  );

  test('THEN, evaluated, the replication role may do exactly the replication actions in the bucket', () => {
    const caller = { arn: REPLICATION_ROLE };
    const everyAction = [...VAULT_REPLICATION_OBJECT_ACTIONS, ...DESTRUCTIVE_OBJECT_ACTIONS];
    const onObjects = everyAction.filter(
      (action) =>
        evaluate(bucketPolicy, { caller, action, resource: OBJECT_ARN, context: TLS }).decision === 'Allow',
    );
    const onBucket = [...VAULT_REPLICATION_BUCKET_ACTIONS, ...DESTRUCTIVE_BUCKET_ACTIONS].filter(
      (action) =>
        evaluate(bucketPolicy, { caller, action, resource: BUCKET_ARN, context: TLS }).decision === 'Allow',
    );
    expect([onObjects, onBucket]).toEqual([
      ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
      ['s3:GetBucketVersioning'],
    ]);
  });

  test('THEN, evaluated, the replication role may use the vault key only through S3 of its region for the vault bucket', () => {
    const caller = { arn: REPLICATION_ROLE };
    const throughS3 = {
      'kms:ViaService': `s3.${REGION}.amazonaws.com`,
      'kms:EncryptionContext:aws:s3:arn': BUCKET_ARN,
    };
    const decide = (action: string, context: Record<string, string>) =>
      evaluate(keyPolicy, { caller, action, resource: '*', context }).decision;
    expect(VAULT_REPLICATION_KEY_ACTIONS.map((a) => decide(a, throughS3))).toEqual([
      'Allow',
      'Allow',
      'Allow',
    ]);
    expect(decide('kms:Decrypt', {})).toBe('NotApplicable');
    expect(
      decide('kms:Decrypt', { ...throughS3, 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::other' }),
    ).toBe('NotApplicable');
  });

  test("THEN, evaluated, no other principal of the primary's account may use the vault key even through S3", () => {
    const throughS3 = {
      'kms:ViaService': `s3.${REGION}.amazonaws.com`,
      'kms:EncryptionContext:aws:s3:arn': BUCKET_ARN,
    };
    const others = Object.entries(PRIMARY_PRINCIPALS).filter(([name]) => name !== 'the replication role');
    const allowed = others.flatMap(([name, caller]) =>
      ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt']
        .filter(
          (action) =>
            evaluate(keyPolicy, { caller, action, resource: '*', context: throughS3 }).decision === 'Allow',
        )
        .map((action) => `${name} ${action}`),
    );
    expect(allowed).toEqual([]);
  });

  test("THEN the vault's protection exempts from the object-write deny only the primary's replication role and CDK's clean-up", () => {
    const writers: unknown[] = values.resolve(vaultStack.resolve(pair.replicaProtection?.objectWriters));
    expect(writers).toEqual([REPLICATION_ROLE, expect.stringMatching(/CustomS3AutoDeleteObjects/)]);
  });

  test("THEN the vault's canary role is trusted by the primary's account for the canary's role only, and reads the canary prefix only", () => {
    const [role] = Object.values(
      vault.findResources('AWS::IAM::Role', { Properties: { RoleName: 's3-dr-vault-canary-lib' } }),
    );
    expect(values.resolve(role.Properties.AssumeRolePolicyDocument.Statement)).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${PRIMARY}:root` },
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${PRIMARY}:role/s3-dr-canary-role-lib` },
        },
      },
    ]);
    const resources = Object.values(vault.findResources('AWS::IAM::ManagedPolicy'))
      .filter((p) => p.Properties.Description.includes('canary probes'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement.filter((s: Statement) => s.Sid === 'ReadProbes'))
      .map((s) => values.resolve(s.Resource));
    expect(resources).toEqual([`${BUCKET_ARN}/_s3-dr/canary/*`]);
  });

  test("THEN the canary's function role has the contract's name, may assume the vault's canary role and reads nothing of the vault itself", () => {
    primary.hasResourceProperties('AWS::IAM::Role', { RoleName: 's3-dr-canary-role-lib' });
    const [fn] = Object.values(
      primary.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: 's3-replication-canary-lib' },
      }),
    );
    expect(primaryValues.resolve(fn.Properties.Environment.Variables.REPLICA_ROLE_ARN)).toBe(
      `arn:aws:iam::${VAULT}:role/s3-dr-vault-canary-lib`,
    );
    const sids = Object.values(primary.findResources('AWS::IAM::ManagedPolicy'))
      .filter((p) => p.Properties.Description === 'Permissions of s3-replication-canary-lib')
      .flatMap((p) => p.Properties.PolicyDocument.Statement.map((s: Statement) => s.Sid));
    expect(sids).toEqual([
      'WriteOwnLogs',
      'ListProbesInPrimary',
      'WriteReadRetireProbesInPrimary',
      'AssumeReplicaReaderRole',
      'EncryptProbes',
    ]);
  });

  test('THEN the vault has its own alarm topic with the e-mail subscribed, a tamper rule and alarm and an alert-path rule, in its account', () => {
    vault.hasResourceProperties('AWS::SNS::Topic', { TopicName: 's3-replication-alarms-lib' });
    vault.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    vault.hasResourceProperties('AWS::Events::Rule', { Name: 's3-dr-tamper-lib' });
    vault.hasResourceProperties('AWS::Events::Rule', { Name: 's3-dr-alert-path-lib' });
    vault.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 's3-replication-tamper-lib' });
  });

  test("THEN replication's metrics and alarms stay in the primary's account", () => {
    primary.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 's3-replication-latency-lib' });
    expect(
      Object.keys(
        vault.findResources('AWS::CloudWatch::Alarm', {
          Properties: { AlarmName: 's3-replication-latency-lib' },
        }),
      ),
    ).toEqual([]);
  });

  test('THEN there is no Multi-Region Access Point and no replica inventory table (its reports stay in the vault)', () => {
    primary.resourceCountIs('AWS::S3::MultiRegionAccessPoint', 0);
    expect(JSON.stringify(primary.findResources('AWS::Glue::Table'))).not.toContain('replica_inventory');
  });

  test("THEN the batch role has no grant in the vault's account (its policies admit no role of the primary's)", () => {
    const resources = JSON.stringify(
      primaryValues.resolve(roleStatements(primary, 's3-dr-batch-role-lib').map((s) => s.Resource)),
    );
    expect([resources.includes(BUCKET), resources.includes(`:${VAULT}:`)]).toEqual([false, false]);
  });

  test("THEN the cdk-nag acknowledgement of the vault's keys (key/*) sits on the replication role alone", () => {
    const vaultKeys = `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${REGION}:${VAULT}:key/*]`;
    const acknowledges = (m: { type: string; data: Record<string, string> }) =>
      m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY &&
      Object.keys(m.data).some((id) => id.endsWith(vaultKeys));
    const acknowledgedAt = stack.node
      .findAll()
      .filter((c) => c.node.metadata.some(acknowledges))
      .map((c) => c.node.path);
    expect(acknowledgedAt).toEqual(['Consumer/Dr/ReplicationRole']);
  });

  test('THEN cdk-nag AwsSolutionsChecks report no unacknowledged finding in either stack', () => {
    const checks = new AwsSolutionsChecks(app);
    const found = [stack, vaultStack].flatMap((s) =>
      checks
        .validateScope(s)
        .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)),
    );
    expect(found).toEqual([]);
  });
});

describe('GIVEN a vault and its removal policy', () => {
  const destroyWarning = Match.stringLikeRegexp(
    `vault replica-bucket-lib-${VAULT} has removalPolicy destroy.*cdk destroy empties it.*CDK's auto-delete function in account ${VAULT}.*-c removalPolicy=retain`,
  );

  test("WHEN it is destroy (the default) THEN synth warns on the vault's stack that the vault can be emptied, and how to keep it", () => {
    const { vaultStack } = vaultPair();
    Annotations.fromStack(vaultStack).hasWarning('*', destroyWarning);
  });

  test('WHEN it is retain THEN synth does not warn about emptying the vault', () => {
    const { vaultStack } = vaultPair({ removalPolicy: RemovalPolicy.RETAIN });
    Annotations.fromStack(vaultStack).hasNoWarning('*', destroyWarning);
  });
});

describe('GIVEN a vault with vaultRecoveryRole', () => {
  const { vault, primary } = vaultPair({ vaultRecoveryRole: true, removalPolicy: RemovalPolicy.RETAIN });

  test("THEN the recovery role is trusted by the primary's account only with MFA", () => {
    vault.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 's3-dr-vault-recovery-lib',
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })],
      },
    });
  });

  test('THEN the primary bucket lets the recovery role write new versions (with tags, multipart), and delete nothing', () => {
    const statements = Object.values(primary.findResources('AWS::S3::BucketPolicy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    expect(
      statements
        .filter((s: Statement) => s.Sid === 'AllowVaultRecoveryToWrite')
        .map((s: Statement) => s.Action),
    ).toEqual([['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload']]);
  });

  test("THEN the recovery role's own policy allows those writes into the primary too (across accounts both sides must), and the primary key through S3 for the primary bucket", () => {
    const policy = Object.values(vault.findResources('AWS::IAM::ManagedPolicy')).find((p) =>
      String(p.Properties.Description).startsWith('Reads every version of the vault'),
    );
    const statements = new TemplateValues(vault, { account: VAULT, region: REGION }).resolve<{
      Statement: Statement[];
    }>(policy?.Properties.PolicyDocument).Statement;
    const primaryBucket = `arn:aws:s3:::primary-bucket-lib-${PRIMARY}`;

    expect(statements.find((s) => s.Sid === 'WritePrimaryVersions')).toMatchObject({
      Action: ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'],
      Resource: `${primaryBucket}/*`,
    });
    expect(statements.find((s) => s.Sid === 'EncryptPrimaryVersions')).toMatchObject({
      Action: ['kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt'],
      Resource: `arn:aws:kms:${REGION}:${PRIMARY}:key/*`,
      Condition: {
        StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [primaryBucket, `${primaryBucket}/*`] },
      },
    });
  });

  test('THEN the primary key lets the recovery role encrypt and decrypt through S3 (a multipart upload of an SSE-KMS object needs kms:Decrypt)', () => {
    const statements = Object.values(primary.findResources('AWS::KMS::Key')).flatMap(
      (k) => k.Properties.KeyPolicy.Statement as Statement[],
    );
    expect(statements.find((s) => s.Sid === 'AllowVaultRecoveryToEncrypt')?.Action).toEqual([
      'kms:GenerateDataKey',
      'kms:Encrypt',
      'kms:Decrypt',
    ]);
  });
});

describe('GIVEN a vault with removalPolicy retain', () => {
  test("THEN the note of what cdk destroy keeps names the vault's buckets with the vault's account", () => {
    const { stack } = vaultPair({ removalPolicy: RemovalPolicy.RETAIN });
    const message = Annotations.fromStack(stack).findInfo('/Consumer/Dr', Match.stringLikeRegexp('RETAIN'))[0]
      ?.entry.data as string;

    expect(message).toContain(`replica-bucket-lib-${VAULT}`);
    expect(message).toContain(`replica-logs-lib-${VAULT}`);
    expect(message).not.toContain(`replica-bucket-lib-${PRIMARY}`);
  });
});

describe('a vault refuses', () => {
  const lines = (message: string) =>
    message
      .split('\n')
      .slice(1)
      .map((l) => l.replace(/^ {2}- /, ''));

  test.each([
    [
      'a malformed account id',
      { replicaAccount: '2222' },
      "replicaAccount: '2222' is invalid; expected a 12-digit AWS account id such as 123456789012",
    ],
    [
      'two-way replication',
      { replicaAccount: VAULT, bidirectional: true },
      `bidirectional: 'true' cannot work with replicaAccount '${VAULT}': a vault never replicates back (the primary's account would need write access to it); drop one of them`,
    ],
    [
      'a Multi-Region Access Point',
      { replicaAccount: VAULT, replicaRegion: 'us-east-1', multiRegionAccessPoint: true },
      `multiRegionAccessPoint: 'true' cannot work with replicaAccount '${VAULT}': a vault is a recovery copy, not a serving replica (a failover would send the applications' writes into it); drop one of them`,
    ],
    [
      "the stack's own account",
      { replicaAccount: PRIMARY },
      `replicaAccount: '${PRIMARY}' is the primary's account (the stack's own); expected another account (a vault); drop replicaAccount for a replica in the primary's account`,
    ],
    [
      "a break-glass role of the primary's account",
      { replicaAccount: VAULT, breakGlassRoleArn: `arn:aws:iam::${PRIMARY}:role/bg` },
      `breakGlassRoleArn: 'arn:aws:iam::${PRIMARY}:role/bg' is invalid with replicaAccount '${VAULT}'; expected a role of the vault's account ${VAULT} (the protection it is exempt from lives there)`,
    ],
    [
      'a recovery role without a vault',
      { vaultRecoveryRole: true },
      "vaultRecoveryRole: 'true' needs a vault: set replicaAccount to the vault's account (the recovery role lives there)",
    ],
  ])('%s, in one line naming prop, value and rule', (_, props, expected) => {
    expect(lines(errorOf(props as Partial<S3ReplicationPairProps>))).toEqual([expected]);
  });

  test('a stack without a concrete account', () => {
    expect(lines(errorOf({ replicaAccount: VAULT }, {}))).toContain(
      `replicaAccount: '${VAULT}' needs the stack's account to be known (the vault's policies name the primary's roles); give the stack env.account`,
    );
  });
});
