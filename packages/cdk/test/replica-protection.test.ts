import {
  App,
  CliCredentialsStackSynthesizer,
  DefaultStackSynthesizer,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  cloudFormationExecutionRoleArn,
  PROTECTED_KEY_ACTIONS,
  REPLICA_CONFIGURATION_ACTIONS,
  REPLICA_OBJECT_WRITE_ACTIONS,
  REPLICA_VERSION_DELETE_ACTIONS,
  ReplicaProtectionPolicy,
  S3ReplicationPair,
  type S3ReplicationPairProps,
  TAMPER_KMS_EVENTS,
  TAMPER_S3_EVENTS,
} from '../src';
import { type Caller, evaluate } from './support/policy-evaluator';
import { TemplateValues } from './support/template-values';

// The protection as a library user meets it: a plain Stack in an App with no cdk.json context,
// in a concrete account so that ARNs read as they will be deployed.

const ACCOUNT = '111122223333';
// Without cdk.json's feature flags the partition stays a pseudo parameter.
const execRole = (qualifier: string, region: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:iam::${ACCOUNT}:role/cdk-${qualifier}-cfn-exec-role-${ACCOUNT}-${region}`,
});
const EXEC_ROLE = execRole('hnb659fds', 'eu-west-1');
const REPLICATION_ROLE = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:role/s3-replication-role-lib`]],
};
/** The same roles as plain ARNs, for the constructs used on their own. */
const REPLICATION_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/s3-replication-role-lib`;
const DEPLOYER_ARN = `arn:aws:iam::${ACCOUNT}:role/deployer`;
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/ops/s3-dr-break-glass`;
const AUTO_DELETE_ROLE = { 'Fn::GetAtt': [expect.stringMatching(/^CustomS3AutoDeleteObjects/), 'Arn'] };

function pairIn(
  props: Partial<S3ReplicationPairProps>,
  stackProps: StackProps = {},
): { app: App; stack: Stack; template: Template; pair: S3ReplicationPair } {
  const app = new App();
  const stack = new Stack(app, 'Consumer', { env: { account: ACCOUNT, region: 'eu-west-1' }, ...stackProps });
  const pair = new S3ReplicationPair(stack, 'Dr', { environmentSuffix: 'lib', ...props });
  return { app, stack, template: Template.fromStack(stack), pair };
}

function errorOf(props: Partial<S3ReplicationPairProps>, stackProps: StackProps = {}): string {
  try {
    pairIn(props, stackProps);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the props to be refused');
}

type Statement = Record<string, any>;

/** The statements of the policy of the bucket whose logical id starts with `prefix`. */
function bucketPolicy(template: Template, prefix: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter((p) =>
    p.Properties.Bucket.Ref?.startsWith(prefix),
  );
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

function keyPolicy(template: Template, prefix: string): Statement[] {
  const keys = Object.entries(template.findResources('AWS::KMS::Key')).filter(([id]) =>
    id.startsWith(prefix),
  );
  expect(keys).toHaveLength(1);
  return keys[0][1].Properties.KeyPolicy.Statement;
}

const bySid = (statements: Statement[], sid: string) => statements.find((s) => s.Sid === sid);
const replicaBucket = { 'Fn::GetAtt': [expect.stringMatching(/^DrReplicaBucket/), 'Arn'] };
const replicaObjects = { 'Fn::Join': ['', [replicaBucket, '/*']] };

describe('GIVEN the default settings (protectReplica on, removal policy DESTROY)', () => {
  let template: Template;
  let replica: Statement[];
  beforeAll(() => {
    ({ template } = pairIn({}));
    replica = bucketPolicy(template, 'DrReplicaBucket');
  });

  test("THEN object writes to the replica are denied to everyone but the replication role and CDK's clean-up function", () => {
    expect(bySid(replica, 'DenyObjectWritesExceptReplication')).toEqual({
      Sid: 'DenyObjectWritesExceptReplication',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: expect.arrayContaining(REPLICA_OBJECT_WRITE_ACTIONS),
      Resource: expect.anything(),
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [REPLICATION_ROLE, AUTO_DELETE_ROLE] } },
    });
    expect(REPLICA_OBJECT_WRITE_ACTIONS).toEqual(
      expect.arrayContaining(['s3:PutObject', 's3:DeleteObject', 's3:ReplicateObject', 's3:ReplicateDelete']),
    );
  });

  test("THEN version deletes are denied to everyone but CDK's clean-up function, which empties the bucket on destroy", () => {
    const statement = bySid(replica, 'DenyVersionDeletes');
    expect(statement).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect([...(statement?.Action ?? [])].sort()).toEqual([...REPLICA_VERSION_DELETE_ACTIONS].sort());
    expect(statement?.Action).toEqual(
      expect.arrayContaining(['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention']),
    );
    expect(statement).toMatchObject({
      Resource: replicaObjects,
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [AUTO_DELETE_ROLE] } },
    });
  });

  test("THEN changing the replica's default encryption, object ownership or public access block is a denied configuration change", () => {
    // With ObjectWriter ownership, replicas in a vault would be owned by the primary's account.
    expect(bySid(replica, 'DenyConfigurationChanges')?.Action).toEqual(
      expect.arrayContaining([
        's3:PutEncryptionConfiguration',
        's3:PutBucketOwnershipControls',
        's3:PutBucketPublicAccessBlock',
      ]),
    );
  });

  test('THEN configuration changes are denied to everyone but the bootstrap CloudFormation execution role and the clean-up function', () => {
    const statement = bySid(replica, 'DenyConfigurationChanges');
    expect(statement).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect([...(statement?.Action ?? [])].sort()).toEqual([...REPLICA_CONFIGURATION_ACTIONS].sort());
    expect(statement?.Action).toEqual(
      expect.arrayContaining([
        's3:PutBucketVersioning',
        's3:PutLifecycleConfiguration',
        's3:PutReplicationConfiguration',
        's3:PutBucketObjectLockConfiguration',
        's3:PutBucketPolicy',
        's3:DeleteBucketPolicy',
      ]),
    );
    expect(statement).toMatchObject({
      Resource: replicaBucket,
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [EXEC_ROLE, AUTO_DELETE_ROLE] } },
    });
  });

  test('THEN no statement of the replica policy denies a read', () => {
    const denied = replica.filter((s) => s.Effect === 'Deny' && s.Sid).flatMap((s) => s.Action);
    expect(denied.filter((a: string) => /^s3:(Get|List|Head)/.test(a) || a === 's3:RestoreObject')).toEqual(
      [],
    );
  });

  test('THEN the primary bucket policy gets no protection statement', () => {
    expect(bucketPolicy(template, 'DrPrimaryBucket').filter((s) => s.Sid)).toEqual([]);
  });

  test.each([
    ['primary', 'DrPrimaryKey'],
    ['replica', 'DrReplicaKey'],
    // A disabled topic key would silence every alarm.
    ['alarm topic', 'DrAlarmTopicKey'],
  ])(
    'THEN the %s key denies deletion, disabling and policy changes to everyone but the execution role',
    (_, id) => {
      expect(bySid(keyPolicy(template, id), 'DenyKeyDeletionExceptDeployment')).toEqual({
        Sid: 'DenyKeyDeletionExceptDeployment',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: PROTECTED_KEY_ACTIONS,
        Resource: '*',
        Condition: { ArnNotLike: { 'aws:PrincipalArn': [EXEC_ROLE] } },
      });
    },
  );

  test.each([
    ['primary', 'DrPrimaryKey'],
    ['replica', 'DrReplicaKey'],
    // A disabled topic key would silence every alarm.
    ['alarm topic', 'DrAlarmTopicKey'],
  ])(
    'THEN the %s key stays manageable: the account keeps kms:* and only the three destructive actions are denied',
    (_, id) => {
      const statements = keyPolicy(template, id);
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Principal: {
          AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:root`]] },
        },
        Action: 'kms:*',
        Resource: '*',
      });
      const denied = statements.filter((s) => s.Effect === 'Deny').flatMap((s) => s.Action);
      expect(denied.sort()).toEqual([...PROTECTED_KEY_ACTIONS].sort());
      for (const still of [
        'kms:CancelKeyDeletion',
        'kms:EnableKey',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'kms:DescribeKey',
        'kms:EnableKeyRotation',
        'kms:CreateGrant',
      ]) {
        expect(denied).not.toContain(still);
      }
    },
  );

  test('THEN, evaluated, the alarm topic key can be disabled or deleted by the deployment role only, and stays usable by all', () => {
    const values = new TemplateValues(template, { account: ACCOUNT, region: 'eu-west-1' });
    const statements = values.keyPolicyStatements('DrAlarmTopicKey');
    const deployer = { arn: `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-eu-west-1` };
    const admin = { arn: `arn:aws:iam::${ACCOUNT}:role/admin` };
    const decide = (caller: Caller, action: string) =>
      evaluate(statements, { caller, action, resource: '*' }).decision;
    expect({
      adminDisables: decide(admin, 'kms:DisableKey'),
      adminSchedulesDeletion: decide(admin, 'kms:ScheduleKeyDeletion'),
      adminReplacesPolicy: decide(admin, 'kms:PutKeyPolicy'),
      adminDecrypts: decide(admin, 'kms:Decrypt'),
      deployerDisables: decide(deployer, 'kms:DisableKey'),
      deployerSchedulesDeletion: decide(deployer, 'kms:ScheduleKeyDeletion'),
    }).toEqual({
      adminDisables: 'Deny',
      adminSchedulesDeletion: 'Deny',
      adminReplacesPolicy: 'Deny',
      adminDecrypts: 'Allow',
      deployerDisables: 'Allow',
      deployerSchedulesDeletion: 'Allow',
    });
  });

  test('THEN the logs key is not protected', () => {
    expect(keyPolicy(template, 'DrReplicationLogsKey').filter((s) => s.Effect === 'Deny')).toEqual([]);
  });
});

describe('GIVEN removalPolicy DESTROY WHEN cdk destroy empties the protected replica', () => {
  // CDK's clean-up function lists every version and delete marker and removes them with
  // DeleteObjects, which needs s3:DeleteObject always and s3:DeleteObjectVersion for a version;
  // it ignores the per-key errors, so a denied delete surfaces only as BucketNotEmpty.
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html (Permissions)
  const DELETES = ['s3:DeleteObject', 's3:DeleteObjectVersion'];
  const DEPLOYMENT = { account: ACCOUNT, region: 'eu-west-1' };

  /** The replica's resolved bucket policy, a key of it, and the clean-up function's role. */
  function replicaPolicy(stack: Stack) {
    const values = new TemplateValues(Template.fromStack(stack), DEPLOYMENT);
    const [cleanupRole] = values.logicalIds(
      'AWS::IAM::Role',
      'CustomS3AutoDeleteObjectsCustomResourceProviderRole',
    );
    const [bucket] = values.logicalIds('AWS::S3::Bucket', 'DrReplicaBucket');
    return {
      statements: values.policyStatements('AWS::S3::BucketPolicy', 'DrReplicaBucketPolicy'),
      key: `${values.resolve<string>({ 'Fn::GetAtt': [bucket, 'Arn'] })}/some/key`,
      cleanup: { arn: values.roleArn(cleanupRole) },
    };
  }
  // Over TLS 1.3, as the function's SDK sends it: the TLS denies of every bucket do not apply.
  const tls = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };
  const decide = (policy: ReturnType<typeof replicaPolicy>, caller: Caller, action: string) =>
    evaluate(policy.statements, { caller, action, resource: policy.key, context: tls });

  test.each(DELETES)("THEN the replica's policy lets the clean-up function's role %s", (action) => {
    const { stack } = pairIn({});
    const policy = replicaPolicy(stack);
    expect(decide(policy, policy.cleanup, action)).toMatchObject({ decision: 'Allow', denies: [] });
  });

  test('THEN every other principal stays denied: version deletes to all, object deletes to all but the replication role', () => {
    const { stack } = pairIn({});
    const policy = replicaPolicy(stack);
    const decisions = (arn: string) => DELETES.map((action) => decide(policy, { arn }, action).decision);
    expect({
      admin: decisions(`arn:aws:iam::${ACCOUNT}:role/admin`),
      deployment: decisions(`arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-eu-west-1`),
      outsider: decisions('arn:aws:iam::444455556666:role/admin'),
      // It writes replicas and delete markers (s3:DeleteObject), never deletes a version.
      replication: decisions(REPLICATION_ROLE_ARN),
    }).toEqual({
      admin: ['Deny', 'Deny'],
      deployment: ['Deny', 'Deny'],
      outsider: ['Deny', 'Deny'],
      replication: ['NotApplicable', 'Deny'],
    });
  });

  test("WHEN the replica lives in its own stack in another region THEN that stack's clean-up role may delete there", () => {
    const { pair } = pairIn({ replicaRegion: 'us-west-2', multiRegionAccessPoint: false });
    const values = new TemplateValues(Template.fromStack(pair.replicaStack as Stack), {
      account: ACCOUNT,
      region: 'us-west-2',
    });
    const [cleanupRole] = values.logicalIds(
      'AWS::IAM::Role',
      'CustomS3AutoDeleteObjectsCustomResourceProviderRole',
    );
    const [bucket] = values.logicalIds('AWS::S3::Bucket', 'ReplicaBucket');
    const statements = values.policyStatements('AWS::S3::BucketPolicy', 'ReplicaBucketPolicy');
    const resource = `${values.resolve<string>({ 'Fn::GetAtt': [bucket, 'Arn'] })}/k`;
    for (const action of DELETES) {
      const cleanup = { arn: values.roleArn(cleanupRole) };
      expect(evaluate(statements, { caller: cleanup, action, resource, context: tls }).decision).toBe(
        'Allow',
      );
      const admin = { arn: `arn:aws:iam::${ACCOUNT}:role/admin` };
      expect(evaluate(statements, { caller: admin, action, resource, context: tls }).decision).toBe('Deny');
    }
  });
});

describe('GIVEN a break-glass role', () => {
  test('THEN it is exempt from every deny of the replica policy and of both key policies', () => {
    const { template } = pairIn({ breakGlassRoleArn: BREAK_GLASS, removalPolicy: RemovalPolicy.RETAIN });
    const replica = bucketPolicy(template, 'DrReplicaBucket');
    expect(bySid(replica, 'DenyObjectWritesExceptReplication')?.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': [REPLICATION_ROLE, BREAK_GLASS] },
    });
    expect(bySid(replica, 'DenyVersionDeletes')?.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': [BREAK_GLASS] },
    });
    expect(bySid(replica, 'DenyConfigurationChanges')?.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': [EXEC_ROLE, BREAK_GLASS] },
    });
    for (const key of ['DrPrimaryKey', 'DrReplicaKey']) {
      expect(bySid(keyPolicy(template, key), 'DenyKeyDeletionExceptDeployment')?.Condition).toEqual({
        ArnNotLike: { 'aws:PrincipalArn': [EXEC_ROLE, BREAK_GLASS] },
      });
    }
  });
});

describe('GIVEN RemovalPolicy.RETAIN and no break-glass role', () => {
  test('THEN nobody is exempt from version deletes, and only the execution role from configuration changes', () => {
    const { template } = pairIn({ removalPolicy: RemovalPolicy.RETAIN });
    const replica = bucketPolicy(template, 'DrReplicaBucket');
    expect(bySid(replica, 'DenyVersionDeletes')?.Condition).toBeUndefined();
    expect(bySid(replica, 'DenyConfigurationChanges')?.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': [EXEC_ROLE] },
    });
  });
});

describe('GIVEN protectReplica false', () => {
  test('THEN neither the replica policy nor a key policy has a protection deny, and the tamper alarm stays', () => {
    const { template } = pairIn({ protectReplica: false });
    expect(bucketPolicy(template, 'DrReplicaBucket').filter((s) => s.Sid)).toEqual([]);
    for (const key of ['DrPrimaryKey', 'DrReplicaKey']) {
      expect(keyPolicy(template, key).filter((s) => s.Effect === 'Deny')).toEqual([]);
    }
    template.hasResourceProperties('AWS::Events::Rule', { Name: 's3-dr-tamper-lib' });
  });
});

describe('GIVEN another bootstrap qualifier or synthesizer', () => {
  test('WHEN the app sets @aws-cdk/core:bootstrapQualifier THEN the execution role of that qualifier is exempt', () => {
    const app = new App({ context: { '@aws-cdk/core:bootstrapQualifier': 'custom1' } });
    const stack = new Stack(app, 'Consumer', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    new S3ReplicationPair(stack, 'Dr', { environmentSuffix: 'lib' });
    const statement = bySid(
      keyPolicy(Template.fromStack(stack), 'DrReplicaKey'),
      'DenyKeyDeletionExceptDeployment',
    );
    expect(statement?.Condition).toEqual({
      ArnNotLike: {
        'aws:PrincipalArn': [execRole('custom1', 'eu-west-1')],
      },
    });
  });

  test('WHEN the synthesizer names its own execution role THEN exactly that role is exempt', () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/deployer`;
    const { template } = pairIn(
      {},
      { synthesizer: new DefaultStackSynthesizer({ cloudFormationExecutionRole: role }) },
    );
    expect(bySid(bucketPolicy(template, 'DrReplicaBucket'), 'DenyConfigurationChanges')?.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': [role, AUTO_DELETE_ROLE] },
    });
  });

  test('WHEN the stack is environment-agnostic THEN the role ARN takes account and region from the deployment', () => {
    const app = new App();
    const stack = new Stack(app, 'Consumer');
    new S3ReplicationPair(stack, 'Dr', { environmentSuffix: 'lib' });
    const statement = bySid(
      keyPolicy(Template.fromStack(stack), 'DrReplicaKey'),
      'DenyKeyDeletionExceptDeployment',
    );
    expect(statement?.Condition).toEqual({
      ArnNotLike: {
        'aws:PrincipalArn': [
          {
            'Fn::Sub':
              // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders
              'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}',
          },
        ],
      },
    });
  });

  test('WHEN the synthesizer deploys with CLI credentials THEN the pair is refused unless deploymentRoleArn names the deployer', () => {
    const synthesizer = () => ({ synthesizer: new CliCredentialsStackSynthesizer() });
    expect(errorOf({}, synthesizer())).toBe(
      'Invalid S3ReplicationPair props:\n' +
        "  - protectReplica: the stack's synthesizer names no CloudFormation execution role, so the principal that deploys the stack is unknown and would be locked out of the replica's configuration and keys; pass deploymentRoleArn (the role CloudFormation deploys with), use the DefaultStackSynthesizer with a bootstrapped environment, or set protectReplica to false",
    );
    const deployer = `arn:aws:iam::${ACCOUNT}:role/pipeline-deployer`;
    const { template } = pairIn({ deploymentRoleArn: deployer }, synthesizer());
    expect(bySid(keyPolicy(template, 'DrPrimaryKey'), 'DenyKeyDeletionExceptDeployment')?.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': [deployer] },
    });
    expect(() => pairIn({ protectReplica: false }, synthesizer())).not.toThrow();
  });

  test('WHEN the replica bucket lives in a stack of another region THEN its own stack’s execution role is exempt', () => {
    const app = new App();
    const stack = new Stack(app, 'ReplicaSide', { env: { account: ACCOUNT, region: 'us-west-2' } });
    const bucket = new s3.Bucket(stack, 'Replica', { versioned: true });
    new ReplicaProtectionPolicy(bucket, 'Protection', {
      bucket,
      replicationRoleArns: [REPLICATION_ROLE_ARN],
      deploymentRoleArn: cloudFormationExecutionRoleArn(bucket) as string,
    });
    const statement = bySid(bucketPolicy(Template.fromStack(stack), 'Replica'), 'DenyConfigurationChanges');
    expect(statement?.Condition).toEqual({
      ArnNotLike: {
        'aws:PrincipalArn': [execRole('hnb659fds', 'us-west-2')],
      },
    });
  });
});

describe('GIVEN a replica that applications write to (two-way or after a failover)', () => {
  test('WHEN allowObjectWrites THEN object writes stay allowed while version deletes and configuration changes stay denied', () => {
    const app = new App();
    const stack = new Stack(app, 'TwoWay', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const bucket = new s3.Bucket(stack, 'Replica', { versioned: true });
    const reverseRuleWriter = `arn:aws:iam::${ACCOUNT}:role/reverse-rule-writer`;
    new ReplicaProtectionPolicy(bucket, 'Protection', {
      bucket,
      replicationRoleArns: [REPLICATION_ROLE_ARN],
      deploymentRoleArn: DEPLOYER_ARN,
      configurationRoleArns: [reverseRuleWriter],
      allowObjectWrites: true,
    });
    const statements = bucketPolicy(Template.fromStack(stack), 'Replica');
    expect(statements.map((s) => s.Sid)).toEqual(['DenyVersionDeletes', 'DenyConfigurationChanges']);
    expect(bySid(statements, 'DenyConfigurationChanges')?.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': [DEPLOYER_ARN, reverseRuleWriter] },
    });
  });
});

describe('GIVEN replicaObjectLock', () => {
  test('WHEN compliance for 30 days with RETAIN THEN the replica has Object Lock with that default retention, the primary none', () => {
    const { template } = pairIn({
      replicaObjectLock: s3.ObjectLockRetention.compliance(Duration.days(30)),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: `replica-bucket-lib-${ACCOUNT}`,
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: `primary-bucket-lib-${ACCOUNT}`,
      ObjectLockEnabled: Match.absent(),
      ObjectLockConfiguration: Match.absent(),
    });
  });

  test('WHEN governance for 7 days THEN the default retention is GOVERNANCE, 7 days', () => {
    const { template } = pairIn({
      replicaObjectLock: s3.ObjectLockRetention.governance(Duration.days(7)),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 7 } } },
    });
  });

  test('WHEN combined with the default removal policy THEN it is refused, saying why', () => {
    expect(errorOf({ replicaObjectLock: s3.ObjectLockRetention.compliance(Duration.days(30)) })).toBe(
      'Invalid S3ReplicationPair props:\n' +
        "  - replicaObjectLock: 'COMPLIANCE, 30 days' needs removalPolicy RemovalPolicy.RETAIN, not RemovalPolicy.DESTROY (the default): a bucket under Object Lock cannot be emptied, so deleting the stack could not delete it",
    );
  });

  test.each([[Duration.days(3651), "'GOVERNANCE, 3651 days'"]])(
    'WHEN the retention is %s THEN it is refused with the range',
    (duration, shown) => {
      expect(
        errorOf({
          replicaObjectLock: s3.ObjectLockRetention.governance(duration),
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      ).toBe(
        `Invalid S3ReplicationPair props:\n  - replicaObjectLock: ${shown} is invalid; expected a default retention of 1 to 3650 whole days`,
      );
    },
  );
});

describe('GIVEN invalid protection props', () => {
  test('THEN one error names each: a malformed break-glass ARN and a user ARN as deployment role', () => {
    expect(
      errorOf({
        breakGlassRoleArn: 'arn:aws:iam::1:role/x',
        deploymentRoleArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      }),
    ).toBe(
      'Invalid S3ReplicationPair props:\n' +
        "  - breakGlassRoleArn: 'arn:aws:iam::1:role/x' is invalid; expected an IAM role ARN such as arn:aws:iam::123456789012:role/s3-dr-break-glass\n" +
        `  - deploymentRoleArn: 'arn:aws:iam::${ACCOUNT}:user/alice' is invalid; expected an IAM role ARN such as arn:aws:iam::123456789012:role/s3-dr-break-glass`,
    );
  });

  test('THEN a break-glass role without protection is refused as having no effect', () => {
    expect(errorOf({ breakGlassRoleArn: BREAK_GLASS, protectReplica: false })).toBe(
      'Invalid S3ReplicationPair props:\n' +
        `  - breakGlassRoleArn: '${BREAK_GLASS}' has no effect with protectReplica false (there is no deny to exempt it from); drop it or protect the replica`,
    );
  });
});

describe('the tamper alarm', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = pairIn({}));
  });

  test('THEN the rule matches the bucket, key, alias, object-delete and alert-path-rule CloudTrail events of exactly this pair', () => {
    const buckets = [`primary-bucket-lib-${ACCOUNT}`, `replica-bucket-lib-${ACCOUNT}`];
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 's3-dr-tamper-lib',
      State: 'ENABLED',
      EventPattern: {
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          $or: [
            {
              eventSource: ['s3.amazonaws.com'],
              eventName: TAMPER_S3_EVENTS,
              requestParameters: { bucketName: buckets },
            },
            {
              eventSource: ['s3.amazonaws.com'],
              eventName: ['DeleteObject'],
              requestParameters: { bucketName: buckets, versionId: [{ exists: true }] },
            },
            {
              eventSource: ['s3.amazonaws.com'],
              eventName: ['DeleteObjects'],
              requestParameters: { bucketName: [`replica-bucket-lib-${ACCOUNT}`] },
            },
            {
              eventSource: ['kms.amazonaws.com'],
              eventName: TAMPER_KMS_EVENTS,
              requestParameters: {
                keyId: [
                  { Ref: Match.stringLikeRegexp('^DrPrimaryKey') },
                  { 'Fn::GetAtt': [Match.stringLikeRegexp('^DrPrimaryKey'), 'Arn'] },
                  { Ref: Match.stringLikeRegexp('^DrReplicaKey') },
                  { 'Fn::GetAtt': [Match.stringLikeRegexp('^DrReplicaKey'), 'Arn'] },
                ],
              },
            },
            {
              eventSource: ['kms.amazonaws.com'],
              eventName: TAMPER_KMS_EVENTS,
              resources: {
                ARN: [
                  { 'Fn::GetAtt': [Match.stringLikeRegexp('^DrPrimaryKey'), 'Arn'] },
                  { 'Fn::GetAtt': [Match.stringLikeRegexp('^DrReplicaKey'), 'Arn'] },
                ],
              },
            },
            {
              eventSource: ['kms.amazonaws.com'],
              eventName: ['UpdateAlias', 'DeleteAlias'],
              requestParameters: { aliasName: ['alias/s3-dr-primary-lib', 'alias/s3-dr-replica-lib'] },
            },
            {
              eventSource: ['events.amazonaws.com'],
              eventName: ['DisableRule', 'DeleteRule', 'PutRule'],
              requestParameters: { name: ['s3-dr-alert-path-lib'] },
            },
            {
              eventSource: ['events.amazonaws.com'],
              eventName: ['RemoveTargets', 'PutTargets'],
              requestParameters: { rule: ['s3-dr-alert-path-lib'] },
            },
          ],
        },
      },
    });
    expect(TAMPER_S3_EVENTS).toEqual(
      expect.arrayContaining([
        'DeleteBucketReplication',
        'PutBucketVersioning',
        'PutBucketLifecycle',
        'PutObjectLockConfiguration',
      ]),
    );
    expect(TAMPER_KMS_EVENTS).toEqual(['ScheduleKeyDeletion', 'DisableKey', 'PutKeyPolicy']);
  });

  test('THEN the alarm s3-replication-tamper-<suffix> fires on any match and notifies the topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 's3-replication-tamper-lib',
      Namespace: 'AWS/Events',
      MetricName: 'TriggeredRules',
      Dimensions: [{ Name: 'RuleName', Value: 's3-dr-tamper-lib' }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^DrAlarmTopic') }],
    });
  });

  test('THEN the dashboard shows the alarm and the tamper events', () => {
    const body = JSON.stringify(
      Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody,
    );
    expect(body).toContain('Tamper events');
    expect(body).toContain('TriggeredRules');
    expect(body).toMatch(/"Fn::GetAtt":\["DrTamperAlarm[0-9A-F]+","Arn"\]/);
  });
});

test('GIVEN Object Lock, a break-glass role and RETAIN WHEN cdk-nag AwsSolutionsChecks run THEN there is no unacknowledged finding', () => {
  const { app, stack } = pairIn({
    alarmEmail: 'oncall@example.com',
    removalPolicy: RemovalPolicy.RETAIN,
    replicaObjectLock: s3.ObjectLockRetention.compliance(Duration.days(30)),
    breakGlassRoleArn: BREAK_GLASS,
  });
  const report = new AwsSolutionsChecks(app).validateScope(stack);
  expect(report.violations.map((v) => v.ruleName)).toEqual([]);
});
