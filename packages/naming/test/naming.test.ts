import {
  ACCESS_POINT_OUTPUT_KEYS,
  ACCOUNT_ID_RULE,
  alarmNamePattern,
  type DeploymentNames,
  DRILL_OUTPUT_KEYS,
  deploymentNames,
  INVENTORY_OUTPUT_KEYS,
  INVENTORY_TABLES,
  inventoryLocation,
  isValidAccountId,
  isValidSuffix,
  MAX_SUFFIX_LENGTH,
  OUTPUT_KEYS,
  replicaStackName,
  SUFFIX_RULE,
  stackName,
  VAULT_OUTPUT_KEYS,
} from '../src';

describe('naming contract', () => {
  test('the stack is TapStack followed by the suffix', () => {
    expect(stackName('dev')).toBe('TapStackdev');
  });

  test('bucket names carry the suffix and the account id', () => {
    const names = deploymentNames('dev', '123456789012');
    expect([names.primaryBucket, names.replicaBucket, names.accessLogsBucket]).toEqual([
      'primary-bucket-dev-123456789012',
      'replica-bucket-dev-123456789012',
      'access-logs-dev-123456789012',
    ]);
  });

  test('GIVEN a vault in another account THEN the replica side buckets carry that account and the primary side buckets their own', () => {
    const names = deploymentNames('dev', '111111111111', '222222222222');
    expect([names.replicaBucket, names.replicaAccessLogsBucket, names.replicaOpsBucket]).toEqual([
      'replica-bucket-dev-222222222222',
      'replica-logs-dev-222222222222',
      'replica-ops-dev-222222222222',
    ]);
    expect([names.primaryBucket, names.accessLogsBucket, names.opsBucket]).toEqual([
      'primary-bucket-dev-111111111111',
      'access-logs-dev-111111111111',
      's3-dr-ops-dev-111111111111',
    ]);
  });

  test('without a vault account the replica side is in the primary account', () => {
    expect(deploymentNames('dev', '111111111111')).toEqual(
      deploymentNames('dev', '111111111111', '111111111111'),
    );
  });

  // The CLI and the app read the replica side's names from the two accounts alone: a vault changes
  // the names of the buckets it holds (bucket names are global), and nothing else.
  test('GIVEN a vault in another account THEN only the names of the buckets on the replica side differ', () => {
    const alone = deploymentNames('dev', '111111111111');
    const withVault = deploymentNames('dev', '111111111111', '222222222222');
    const differing = (Object.keys(alone) as (keyof DeploymentNames)[]).filter(
      (field) => alone[field] !== withVault[field],
    );
    expect(differing.sort()).toEqual(['replicaAccessLogsBucket', 'replicaBucket', 'replicaOpsBucket']);
  });

  test('the account id rule in words says what isValidAccountId accepts, and its example is valid', () => {
    expect(ACCOUNT_ID_RULE).toBe('a 12-digit AWS account id such as 123456789012');
    expect(isValidAccountId(ACCOUNT_ID_RULE.split(' ').at(-1) as string)).toBe(true);
  });

  // The CLI reads the outputs of every stack of a deployment into one map (flat outputs), so no key may
  // be in two groups; and each is a CloudFormation output logical ID, alphanumeric:
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html
  test('every output key, the vault keys with the others, is alphanumeric and in one group only', () => {
    const keys = [
      OUTPUT_KEYS,
      ACCESS_POINT_OUTPUT_KEYS,
      INVENTORY_OUTPUT_KEYS,
      VAULT_OUTPUT_KEYS,
      DRILL_OUTPUT_KEYS,
    ].flatMap((group) => Object.values(group) as string[]);
    expect(keys.filter((key) => !/^[A-Za-z0-9]+$/.test(key))).toEqual([]);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
    expect(Object.values(VAULT_OUTPUT_KEYS)).toEqual([
      'ReplicaAccount',
      'VaultCanaryRoleArn',
      'VaultRecoveryRoleArn',
    ]);
  });

  test('an account id is exactly 12 digits', () => {
    expect(['123456789012', '000000000000'].map(isValidAccountId)).toEqual([true, true]);
    expect(
      ['12345678901', '1234567890123', '12345678901a', ' 123456789012', ''].map(isValidAccountId),
    ).toEqual([false, false, false, false, false]);
  });

  test('every name of a deployment carries its suffix', () => {
    for (const name of Object.values(deploymentNames('prod', '123456789012'))) {
      expect(name).toContain('prod');
    }
  });

  test('with the longest allowed suffix every bucket name fits in 63 characters, one more would not', () => {
    const longest = deploymentNames('a'.repeat(MAX_SUFFIX_LENGTH), '123456789012');
    const lengths = [
      longest.primaryBucket,
      longest.replicaBucket,
      longest.accessLogsBucket,
      longest.replicaAccessLogsBucket,
      longest.opsBucket,
      longest.replicaOpsBucket,
    ].map((n) => n.length);
    expect(Math.max(...lengths)).toBe(63);
  });

  test('with the longest allowed suffix the role names fit in the 64 characters IAM allows', () => {
    const longest = deploymentNames('a'.repeat(MAX_SUFFIX_LENGTH), '123456789012');
    const roles = [
      longest.replicationRole,
      longest.reverseReplicationRole,
      longest.batchRole,
      longest.vaultCanaryRole,
      longest.vaultRecoveryRole,
      longest.canaryFunctionRole,
    ];
    for (const role of roles) {
      expect(role.length).toBeLessThanOrEqual(64);
    }
  });

  test('with the longest allowed suffix the access point name fits in 50 characters', () => {
    // Multi-Region Access Point names: 3-50 lowercase letters, digits and hyphens.
    const longest = deploymentNames('a'.repeat(MAX_SUFFIX_LENGTH), '123456789012');
    expect(longest.multiRegionAccessPoint).toMatch(/^[a-z0-9-]{3,50}$/);
  });

  test('the Glue database name is lowercase letters, digits and underscores, which Athena reads without quoting', () => {
    // https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html
    for (const suffix of ['dev', 'a'.repeat(MAX_SUFFIX_LENGTH), '1']) {
      expect(deploymentNames(suffix, '123456789012').glueDatabase).toMatch(/^[a-z0-9_]{1,255}$/);
    }
    expect(Object.values(INVENTORY_TABLES).every((t) => /^[a-z0-9_]+$/.test(t))).toBe(true);
  });

  test('with the longest allowed suffix the Athena workgroup name fits in 128 characters of its alphabet', () => {
    // https://docs.aws.amazon.com/athena/latest/APIReference/API_CreateWorkGroup.html (Name)
    const longest = deploymentNames('a'.repeat(MAX_SUFFIX_LENGTH), '123456789012');
    expect(longest.athenaWorkgroup).toMatch(/^[a-zA-Z0-9._-]{1,128}$/);
  });

  test('an inventory location is the root of one configuration: destination, inventory/, source bucket, configuration id', () => {
    const names = deploymentNames('dev', '123456789012');
    expect(inventoryLocation(names.opsBucket, names.primaryBucket, names.inventoryConfigurationId)).toBe(
      's3://s3-dr-ops-dev-123456789012/inventory/primary-bucket-dev-123456789012/s3-dr-dev/',
    );
  });

  test('the replica stack is the stack name followed by Replica', () => {
    expect(replicaStackName('dev')).toBe('TapStackdevReplica');
    expect(deploymentNames('dev', '123456789012').replicaStack).toBe('TapStackdevReplica');
  });

  test('with the longest allowed suffix the function and schedule names fit in the 64 characters Lambda and EventBridge allow', () => {
    const longest = deploymentNames('a'.repeat(MAX_SUFFIX_LENGTH), '123456789012');
    for (const name of [
      longest.canaryFunction,
      longest.eventsFunction,
      longest.reverseCanaryFunction,
      longest.canarySchedule,
      longest.reverseCanarySchedule,
    ]) {
      expect(name.length).toBeLessThanOrEqual(64);
    }
  });
});

/**
 * The namespace each name lives in: two resources clash only when they are of one kind (a function
 * and an alarm may share a name). Typed over every field, so a new name does not compile until it
 * says where it lives; the first test below checks the same at run time.
 */
const NAMESPACE: Record<keyof DeploymentNames, string> = {
  // Stack names are case sensitive, so TapStackdevReplica is not TapStackdevreplica (suffix
  // devreplica): https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html
  stack: 'CloudFormation stack',
  replicaStack: 'CloudFormation stack',
  primaryBucket: 'S3 bucket',
  replicaBucket: 'S3 bucket',
  accessLogsBucket: 'S3 bucket',
  replicaAccessLogsBucket: 'S3 bucket',
  opsBucket: 'S3 bucket',
  replicaOpsBucket: 'S3 bucket',
  replicationRole: 'IAM role',
  reverseReplicationRole: 'IAM role',
  reverseRuleRole: 'IAM role',
  batchRole: 'IAM role',
  vaultCanaryRole: 'IAM role',
  vaultRecoveryRole: 'IAM role',
  canaryFunctionRole: 'IAM role',
  replicationRuleId: 'replication rule',
  reverseReplicationRuleId: 'replication rule',
  multiRegionAccessPoint: 'Multi-Region Access Point',
  primaryKeyAlias: 'KMS alias',
  replicaKeyAlias: 'KMS alias',
  alarmTopicKeyAlias: 'KMS alias',
  logsKeyAlias: 'KMS alias',
  alarmTopic: 'SNS topic',
  latencyAlarm: 'CloudWatch alarm',
  failedAlarm: 'CloudWatch alarm',
  reverseLatencyAlarm: 'CloudWatch alarm',
  reverseFailedAlarm: 'CloudWatch alarm',
  eventsAlarm: 'CloudWatch alarm',
  canaryAlarm: 'CloudWatch alarm',
  canaryLatencyAlarm: 'CloudWatch alarm',
  canarySilentAlarm: 'CloudWatch alarm',
  canaryOverdueAlarm: 'CloudWatch alarm',
  canaryErrorsAlarm: 'CloudWatch alarm',
  reverseCanaryAlarm: 'CloudWatch alarm',
  reverseCanaryLatencyAlarm: 'CloudWatch alarm',
  reverseCanarySilentAlarm: 'CloudWatch alarm',
  reverseCanaryOverdueAlarm: 'CloudWatch alarm',
  reverseCanaryErrorsAlarm: 'CloudWatch alarm',
  tamperAlarm: 'CloudWatch alarm',
  replicaUnlockedAlarm: 'CloudWatch alarm',
  dashboard: 'CloudWatch dashboard',
  logGroup: 'CloudWatch Logs log group',
  eventsFunction: 'Lambda function',
  canaryFunction: 'Lambda function',
  reverseCanaryFunction: 'Lambda function',
  canarySchedule: 'EventBridge rule',
  reverseCanarySchedule: 'EventBridge rule',
  tamperRule: 'EventBridge rule',
  alertPathRule: 'EventBridge rule',
  alertPathAlarm: 'CloudWatch alarm',
  drillRole: 'IAM role',
  drillGuardAlarm: 'CloudWatch alarm',
  // FIS templates have ids, not names: this is their Name tag, which the drill looks them up by.
  drillExperimentTemplate: 'FIS experiment template Name tag',
  inventoryConfigurationId: 'S3 inventory configuration',
  athenaWorkgroup: 'Athena workgroup',
  glueDatabase: 'Glue database',
};

const ACCOUNT = '123456789012';

/** Every name that two (suffix, account) deployments would share within one namespace. */
function sharedNames(deployments: readonly (readonly [string, string])[]): string[] {
  const owners = new Map<string, string>();
  const shared: string[] = [];
  for (const [suffix, account] of deployments) {
    for (const [field, name] of Object.entries(deploymentNames(suffix, account))) {
      const key = `${NAMESPACE[field as keyof DeploymentNames]} ${name}`;
      const owner = `${suffix}/${account} ${field}`;
      const first = owners.get(key);
      if (first === undefined) owners.set(key, owner);
      else shared.push(`${key}: ${first} and ${owner}`);
    }
  }
  return shared;
}

/**
 * Suffixes built to collide if anything can: every 1- and 2-character suffix, each word the names
 * are made of (`back`, `latency`, `replica`, ...) alone and joined to `dev` either side (with and
 * without a hyphen), and an account id; those the contract accepts.
 */
function adversarialSuffixes(): string[] {
  const alphabet = [...'abcdefghijklmnopqrstuvwxyz0123456789'];
  const words = new Set(
    Object.values(deploymentNames('dev', ACCOUNT))
      .flatMap((name) => name.toLowerCase().split(/[^a-z0-9]+/))
      .filter((w) => w !== ''),
  );
  const candidates = [
    ...alphabet,
    ...alphabet.flatMap((a) => alphabet.map((b) => a + b)),
    ...[...words].flatMap((w) => [w, `${w}dev`, `dev${w}`, `${w}-dev`, `dev-${w}`]),
    ACCOUNT,
  ];
  return [...new Set(candidates)].filter(isValidSuffix);
}

describe('naming contract: no two suffixes share a name', () => {
  test('every name of a deployment says which namespace it lives in', () => {
    expect(Object.keys(deploymentNames('dev', ACCOUNT)).sort()).toEqual(Object.keys(NAMESPACE).sort());
  });

  test('GIVEN over a thousand valid suffixes THEN no name of one deployment is a name of another, nor two names within one', () => {
    const suffixes = adversarialSuffixes();
    expect(suffixes.length).toBeGreaterThan(1000);
    expect(sharedNames(suffixes.map((s) => [s, ACCOUNT] as const))).toEqual([]);
  });

  test('GIVEN two accounts THEN no bucket name of one is a bucket name of the other (bucket names are global)', () => {
    const deployments = ['dev', 'dev1', '1'].flatMap((s) =>
      [ACCOUNT, '210987654321', '123456789'].map((a) => [s, a] as const),
    );
    expect(sharedNames(deployments).filter((s) => s.startsWith('S3 bucket'))).toEqual([]);
  });

  test('a hyphen in a suffix would let it take the names of another deployment, so it is refused', () => {
    expect(
      sharedNames([
        ['dev', ACCOUNT],
        ['back-dev', ACCOUNT],
        ['latency-dev', ACCOUNT],
      ]),
    ).toEqual([
      'Lambda function s3-replication-canary-back-dev: dev/123456789012 reverseCanaryFunction and back-dev/123456789012 canaryFunction',
      'EventBridge rule s3-replication-canary-back-dev: dev/123456789012 reverseCanarySchedule and back-dev/123456789012 canarySchedule',
      'CloudWatch alarm s3-replication-canary-back-dev: dev/123456789012 reverseCanaryAlarm and back-dev/123456789012 canaryAlarm',
      'CloudWatch alarm s3-replication-canary-latency-dev: dev/123456789012 canaryLatencyAlarm and latency-dev/123456789012 canaryAlarm',
      'CloudWatch alarm s3-replication-canary-back-latency-dev: dev/123456789012 reverseCanaryLatencyAlarm and latency-dev/123456789012 reverseCanaryAlarm',
    ]);
    for (const suffix of ['back-dev', 'latency-dev', 'prod-2']) expect(isValidSuffix(suffix)).toBe(false);
  });

  test.each([
    ['lowercase letters', 'prod'],
    ['digits', '2024'],
    ['letters and digits', 'prod2'],
  ])('a suffix of %s is valid', (_, suffix) => {
    expect(isValidSuffix(suffix)).toBe(true);
  });

  test.each([
    ['a hyphen', 'prod-2'],
    ['uppercase letters', 'Prod'],
    ['an underscore', 'my_env'],
    ['a dot', 'my.env'],
    ['nothing', ''],
  ])('a suffix with %s is refused', (_, suffix) => {
    expect(isValidSuffix(suffix)).toBe(false);
  });

  test('the rule in words says what a suffix may be and why it has no hyphen', () => {
    expect(SUFFIX_RULE).toBe(
      `lowercase letters and digits only, at most ${MAX_SUFFIX_LENGTH} characters (no hyphen, so that no two suffixes share a resource name: 'back-dev' would name the reverse canary of 'dev'; bucket names must stay within 63)`,
    );
  });

  test('the alarm name pattern matches every alarm of its deployment and no alarm of another suffix', () => {
    // As IAM ARN patterns and EventBridge wildcards read it: * spans any characters, the rest is literal.
    const matcher = (suffix: string) =>
      new RegExp(`^${alarmNamePattern(suffix).split('*').map(literal).join('.*')}$`);
    const alarmsOf = (suffix: string) =>
      Object.entries(deploymentNames(suffix, ACCOUNT))
        .filter(([field]) => NAMESPACE[field as keyof DeploymentNames] === 'CloudWatch alarm')
        .map(([, name]) => name);
    expect(alarmsOf('dev').every((name) => matcher('dev').test(name))).toBe(true);
    const suffixes = adversarialSuffixes();
    const everyAlarm = suffixes.flatMap((suffix) => alarmsOf(suffix).map((name) => [suffix, name] as const));
    for (const suffix of ['dev', 'back', 'latency', 'a', '1', ...suffixes.filter((s) => s.endsWith('dev'))]) {
      const pattern = matcher(suffix);
      expect(everyAlarm.filter(([owner, name]) => owner !== suffix && pattern.test(name))).toEqual([]);
    }
  });
});

function literal(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\-]/g, '\\$&');
}
