import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, loadConfig } from '../../lib/config';
import { synthTap } from '../support/tap';

const context = (values: Record<string, unknown>) => values;

function errorOf(values: Record<string, unknown>): string {
  try {
    loadConfig(context(values));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected loadConfig to throw');
}

const BREAK_GLASS = 'arn:aws:iam::123456789012:role/s3-dr-break-glass';
const HEADER = 'Invalid configuration (CDK context):\n';

describe('protection settings in CDK context', () => {
  test('without them the replica is protected, without Object Lock or break-glass role', () => {
    const config = loadConfig(context({}));
    expect(config.protectReplica).toBe(true);
    expect(config.replicaObjectLock).toBeUndefined();
    expect(config.breakGlassRoleArn).toBeUndefined();
  });

  test('valid values are read: Object Lock mode and days, protectReplica, the break-glass role', () => {
    const config = loadConfig(
      context({
        replicaObjectLock: 'governance:3650',
        removalPolicy: 'retain',
        protectReplica: 'true',
        breakGlassRoleArn: BREAK_GLASS,
      }),
    );
    expect(config).toMatchObject({
      replicaObjectLock: { mode: 'governance', days: 3650 },
      protectReplica: true,
      breakGlassRoleArn: BREAK_GLASS,
    });
    expect(loadConfig(context({ protectReplica: false })).protectReplica).toBe(false);
  });

  test.each(['compliance:0', 'compliance:3651', 'legal:30', 'compliance', 'compliance:30d', 'COMPLIANCE:30'])(
    "replicaObjectLock '%s' is refused with its rule",
    (value) => {
      expect(errorOf({ replicaObjectLock: value, removalPolicy: 'retain' })).toBe(
        `${HEADER}  - replicaObjectLock: '${value}' is invalid; expected 'governance:<days>' or 'compliance:<days>' with 1 to 3650 days, e.g. compliance:30`,
      );
    },
  );

  test('replicaObjectLock with the default removal policy is refused: a locked bucket cannot be emptied', () => {
    expect(errorOf({ replicaObjectLock: 'compliance:30' })).toBe(
      `${HEADER}  - replicaObjectLock: 'compliance:30' needs removalPolicy 'retain', not 'destroy' (the default): a bucket under Object Lock cannot be emptied, so cdk destroy could not delete it; add -c removalPolicy=retain`,
    );
  });

  test('replicaObjectLock with removalPolicy destroy is refused, naming both settings', () => {
    expect(errorOf({ replicaObjectLock: 'governance:1', removalPolicy: 'destroy' })).toBe(
      `${HEADER}  - replicaObjectLock: 'governance:1' needs removalPolicy 'retain', not 'destroy': a bucket under Object Lock cannot be emptied, so cdk destroy could not delete it; add -c removalPolicy=retain`,
    );
  });

  test("protectReplica other than 'true' or 'false' is refused", () => {
    expect(errorOf({ protectReplica: 'yes' })).toBe(
      `${HEADER}  - protectReplica: 'yes' is invalid; expected 'true' or 'false'`,
    );
  });

  test.each([
    'arn:aws:iam::123456789012:user/alice',
    'arn:aws:iam::12345:role/x',
    's3-dr-break-glass',
    'arn:aws:sts::123456789012:assumed-role/x/session',
  ])("breakGlassRoleArn '%s' is refused: it must be an IAM role ARN", (value) => {
    expect(errorOf({ breakGlassRoleArn: value })).toBe(
      `${HEADER}  - breakGlassRoleArn: '${value}' is invalid; expected an IAM role ARN such as arn:aws:iam::123456789012:role/s3-dr-break-glass`,
    );
  });

  test('a break-glass role with protectReplica false is refused as having no effect', () => {
    expect(errorOf({ breakGlassRoleArn: BREAK_GLASS, protectReplica: 'false' })).toBe(
      `${HEADER}  - breakGlassRoleArn: '${BREAK_GLASS}' has no effect with protectReplica 'false' (there is no deny to exempt it from); drop it or protect the replica`,
    );
  });
});

describe('the app with protection settings', () => {
  test('replicaObjectLock=compliance:30 with retain gives the replica Object Lock in compliance mode for 30 days', () => {
    const { nested } = synthTap({ context: { replicaObjectLock: 'compliance:30', removalPolicy: 'retain' } });
    nested.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
      },
    });
  });

  test('protectReplica=false leaves no protection deny in any bucket or key policy', () => {
    const { nested } = synthTap({ context: { protectReplica: 'false' } });
    const sids = [
      ...Object.values(nested.findResources('AWS::S3::BucketPolicy')).flatMap(
        (p) => p.Properties.PolicyDocument.Statement,
      ),
      ...Object.values(nested.findResources('AWS::KMS::Key')).flatMap(
        (k) => k.Properties.KeyPolicy.Statement,
      ),
    ].map((s) => s.Sid);
    expect(sids).not.toContain('DenyConfigurationChanges');
    expect(sids).not.toContain('DenyKeyDeletionExceptDeployment');
  });

  test('the default app exempts the bootstrap execution role of its region from the key denies (data keys and alarm topic key)', () => {
    const { nested } = synthTap({ account: '123456789012' });
    const keys = Object.values(nested.findResources('AWS::KMS::Key'))
      .flatMap((k) => k.Properties.KeyPolicy.Statement)
      .filter((s) => s.Sid === 'DenyKeyDeletionExceptDeployment');
    expect(keys).toHaveLength(3);
    for (const statement of keys) {
      expect(statement.Condition.ArnNotLike['aws:PrincipalArn']).toEqual([
        {
          'Fn::Sub': `arn:\${AWS::Partition}:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-us-east-1`,
        },
      ]);
    }
  });

  test.each([
    [
      'Object Lock (governance) with a break-glass role',
      { replicaObjectLock: 'governance:30', removalPolicy: 'retain', breakGlassRoleArn: BREAK_GLASS },
    ],
    ['protection off', { protectReplica: 'false' }],
  ])('with %s cdk-nag AwsSolutionsChecks report no unacknowledged finding', (_, settings) => {
    const { app, stack } = synthTap({ context: { alarmEmail: 'oncall@example.com', ...settings } });
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    expect(
      report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)),
    ).toEqual([]);
  });
});

describe('the replica bucket, as s3-dr status reads it', () => {
  /** The tags of the replica bucket in the nested stack. */
  function replicaTags(context: Record<string, unknown>): unknown[] {
    const { nested } = synthTap({ context });
    const buckets = Object.values(nested.findResources('AWS::S3::Bucket')).filter((b) =>
      JSON.stringify(b.Properties?.BucketName).includes('replica-bucket-'),
    );
    expect(buckets).toHaveLength(1);
    return buckets[0]?.Properties?.Tags ?? [];
  }
  const autoDelete = { Key: 'aws-cdk:auto-delete-objects', Value: 'true' };

  test('with removalPolicy destroy it carries the tag CDK empties it by, which status WARNs about', () => {
    expect(replicaTags({ removalPolicy: 'destroy' })).toContainEqual(autoDelete);
  });

  test('with removalPolicy retain it does not', () => {
    expect(replicaTags({ removalPolicy: 'retain' })).not.toContainEqual(autoDelete);
  });
});
