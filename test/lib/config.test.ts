import { MAX_SUFFIX_LENGTH } from 's3-dr-naming';
import { ConfigError, loadConfig } from '../../lib/config';
import { CDK_JSON_CONTEXT } from '../support/tap';

const context = (values: Record<string, unknown>) => values;

function errorOf(values: Record<string, unknown>): string {
  try {
    loadConfig(context(values));
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  test('without context it uses the documented defaults', () => {
    expect(loadConfig(context({}))).toEqual({
      environmentSuffix: 'dev',
      region: 'us-east-1',
      removalPolicy: 'destroy',
      alarmEmail: undefined,
      protectReplica: true,
      drill: false,
      inventory: true,
      inventoryFormat: 'Parquet',
      inventoryRetentionDays: 14,
      athenaScanLimitGib: 1024,
      vaultRecoveryRole: false,
    });
  });

  test('it accepts valid values for every key', () => {
    expect(
      loadConfig(
        context({
          environmentSuffix: 'prod2',
          region: 'eu-west-1',
          removalPolicy: 'retain',
          alarmEmail: 'oncall@example.com',
        }),
      ),
    ).toEqual({
      environmentSuffix: 'prod2',
      region: 'eu-west-1',
      removalPolicy: 'retain',
      alarmEmail: 'oncall@example.com',
      protectReplica: true,
      drill: false,
      inventory: true,
      inventoryFormat: 'Parquet',
      inventoryRetentionDays: 14,
      athenaScanLimitGib: 1024,
      vaultRecoveryRole: false,
    });
  });

  test('a suffix of the maximum length is accepted', () => {
    const suffix = 'a'.repeat(MAX_SUFFIX_LENGTH);
    expect(loadConfig(context({ environmentSuffix: suffix })).environmentSuffix).toBe(suffix);
  });

  test.each([
    ['uppercase letters', 'Prod'],
    ['a hyphen', 'back-dev'],
    ['a leading hyphen', '-prod'],
    ['a trailing hyphen', 'prod-'],
    ['an underscore', 'my_env'],
    ['a dot', 'my.env'],
  ])('a suffix with %s is rejected naming key, value and rule', (_, suffix) => {
    expect(errorOf({ environmentSuffix: suffix })).toBe(
      'Invalid configuration (CDK context):\n' +
        `  - environmentSuffix: '${suffix}' is invalid; expected lowercase letters and digits only, at most ${MAX_SUFFIX_LENGTH} characters (no hyphen, so that no two suffixes share a resource name: 'back-dev' would name the reverse canary of 'dev'; bucket names must stay within 63)`,
    );
  });

  test('a suffix one character too long for a 63-character bucket name is rejected', () => {
    expect(errorOf({ environmentSuffix: 'a'.repeat(MAX_SUFFIX_LENGTH + 1) })).toContain(
      `environmentSuffix: '${'a'.repeat(MAX_SUFFIX_LENGTH + 1)}' is invalid`,
    );
  });

  test('an invalid region is rejected with its rule', () => {
    expect(errorOf({ region: 'mars-1' })).toContain(
      "region: 'mars-1' is invalid; expected an AWS region name such as us-east-1",
    );
  });

  test.each([
    ['the China partition', 'cn-north-1'],
    ['an ISO partition', 'us-iso-east-1'],
    ['an ISO-B partition', 'us-isob-east-1'],
  ])('a region of %s is rejected naming key, value and rule', (_, region) => {
    expect(errorOf({ region })).toBe(
      'Invalid configuration (CDK context):\n' +
        `  - region: '${region}' is invalid; expected an AWS region name such as us-east-1, in the aws or aws-us-gov partition (China and ISO regions are not supported)`,
    );
  });

  test.each(['us-gov-west-1', 'eu-central-1', 'ap-southeast-2'])('the region %s is accepted', (region) => {
    expect(loadConfig(context({ region })).region).toBe(region);
  });

  test('an unknown removal policy is rejected with its rule', () => {
    expect(errorOf({ removalPolicy: 'snapshot' })).toContain(
      "removalPolicy: 'snapshot' is invalid; expected 'destroy' or 'retain'",
    );
  });

  test('an invalid e-mail address is rejected with its rule', () => {
    expect(errorOf({ alarmEmail: 'oncall' })).toContain(
      "alarmEmail: 'oncall' is invalid; expected an e-mail address such as oncall@example.com",
    );
  });

  test('every invalid key is listed in one error', () => {
    let error: unknown;
    try {
      loadConfig(context({ environmentSuffix: 'UP', region: 'x', removalPolicy: 'keep', alarmEmail: 'no' }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual([
      'environmentSuffix',
      'region',
      'removalPolicy',
      'alarmEmail',
    ]);
  });
});

describe('loadConfig: multi-region keys', () => {
  test('accepts a replica region, two-way, an access point and an archive class', () => {
    expect(
      loadConfig(
        context({
          region: 'eu-central-1',
          replicaRegion: 'eu-west-1',
          bidirectional: 'true',
          multiRegionAccessPoint: 'false',
          replicaArchiveClass: 'GLACIER_IR',
        }),
      ),
    ).toMatchObject({
      region: 'eu-central-1',
      replicaRegion: 'eu-west-1',
      bidirectional: true,
      multiRegionAccessPoint: false,
      replicaArchiveClass: 'GLACIER_IR',
    });
  });

  test('booleans from cdk.json (true) and from -c (the text true) mean the same', () => {
    expect(loadConfig(context({ bidirectional: true })).bidirectional).toBe(true);
    expect(loadConfig(context({ bidirectional: 'true' })).bidirectional).toBe(true);
  });

  test.each([
    [
      'replicaRegion',
      'us-fake-1',
      'an AWS region name such as us-east-1, in the aws or aws-us-gov partition (China and ISO regions are not supported)',
    ],
    [
      'replicaRegion',
      'cn-north-1',
      'an AWS region name such as us-east-1, in the aws or aws-us-gov partition (China and ISO regions are not supported)',
    ],
    ['bidirectional', 'yes', "'true' or 'false'"],
    ['multiRegionAccessPoint', 'on', "'true' or 'false'"],
    ['replicaArchiveClass', 'STANDARD_IA', "'GLACIER', 'GLACIER_IR', 'DEEP_ARCHIVE'"],
  ])('%s=%s is rejected naming key, value and rule', (key, value, rule) => {
    expect(errorOf({ [key]: value })).toBe(
      `Invalid configuration (CDK context):\n  - ${key}: '${value}' is invalid; expected ${rule}`,
    );
  });

  test('an access point with both buckets in one region is rejected, saying what to set', () => {
    expect(errorOf({ multiRegionAccessPoint: 'true' })).toBe(
      "Invalid configuration (CDK context):\n  - multiRegionAccessPoint: 'true' is invalid; a Multi-Region Access Point needs the buckets in two regions: set replicaRegion to a region other than 'us-east-1'",
    );
    expect(errorOf({ multiRegionAccessPoint: 'true', replicaRegion: 'us-east-1' })).toContain(
      'multiRegionAccessPoint',
    );
  });

  test('a replica region of another partition is rejected: replication cannot cross partitions', () => {
    expect(errorOf({ region: 'us-east-1', replicaRegion: 'us-gov-west-1' })).toBe(
      "Invalid configuration (CDK context):\n  - replicaRegion: 'us-gov-west-1' is invalid; expected a region of the same partition as region 'us-east-1' (replication cannot cross partitions)",
    );
  });

  test('the unknown region name us-fake-1 is refused as region too', () => {
    expect(errorOf({ region: 'us-fake-1' })).toContain("region: 'us-fake-1' is invalid");
  });
});

describe('loadConfig: drill', () => {
  test('drill is off by default and on with the text true', () => {
    expect(loadConfig({}).drill).toBe(false);
    expect(loadConfig({ drill: 'true' }).drill).toBe(true);
  });

  test('a drill value that is not a boolean is rejected with its rule', () => {
    expect(() => loadConfig({ drill: 'yes' })).toThrow("drill: 'yes' is invalid; expected 'true' or 'false'");
  });
});

describe('loadConfig: inventory', () => {
  test('accepts inventory off, each format, a retention and a scan limit', () => {
    for (const format of ['Parquet', 'ORC', 'CSV']) {
      expect(loadConfig({ inventoryFormat: format }).inventoryFormat).toBe(format);
    }
    expect(
      loadConfig({ inventory: 'false', inventoryRetentionDays: '90', athenaScanLimitGib: '1' }),
    ).toMatchObject({ inventory: false, inventoryRetentionDays: 90, athenaScanLimitGib: 1 });
    // From cdk.json: JSON numbers and booleans.
    expect(loadConfig({ inventory: false, inventoryRetentionDays: 7 })).toMatchObject({
      inventory: false,
      inventoryRetentionDays: 7,
    });
  });

  test.each([
    ['inventory', 'yes', "'true' or 'false'"],
    ['inventoryFormat', 'parquet', "'Parquet', 'ORC', 'CSV'"],
    ['inventoryFormat', 'JSON', "'Parquet', 'ORC', 'CSV'"],
    [
      'inventoryRetentionDays',
      '0',
      'a whole number of days from 1 to 90 (the ops bucket keeps nothing longer)',
    ],
    [
      'inventoryRetentionDays',
      '91',
      'a whole number of days from 1 to 90 (the ops bucket keeps nothing longer)',
    ],
    [
      'inventoryRetentionDays',
      '7.5',
      'a whole number of days from 1 to 90 (the ops bucket keeps nothing longer)',
    ],
    [
      'inventoryRetentionDays',
      '1e1',
      'a whole number of days from 1 to 90 (the ops bucket keeps nothing longer)',
    ],
    [
      'athenaScanLimitGib',
      '0',
      'a whole number of GiB from 1 to 1048576 (Athena cancels a query that scans more)',
    ],
    [
      'athenaScanLimitGib',
      '-5',
      'a whole number of GiB from 1 to 1048576 (Athena cancels a query that scans more)',
    ],
    [
      'athenaScanLimitGib',
      '1048577',
      'a whole number of GiB from 1 to 1048576 (Athena cancels a query that scans more)',
    ],
  ])('%s %s is rejected naming key, value and rule', (key, value, rule) => {
    expect(errorOf({ [key]: value })).toBe(
      `Invalid configuration (CDK context):\n  - ${key}: '${value}' is invalid; expected ${rule}`,
    );
  });
});

describe('loadConfig: context keys', () => {
  const KEYS_OF_THIS_APP =
    'environmentSuffix, region, removalPolicy, alarmEmail, replicaRegion, bidirectional, multiRegionAccessPoint, replicaArchiveClass, replicaObjectLock, protectReplica, breakGlassRoleArn, drill, inventory, inventoryFormat, inventoryRetentionDays, athenaScanLimitGib, primaryAccount, replicaAccount, vaultRecoveryRole';
  const FOREIGN =
    "keys with ':' or a leading '@', cli-telemetry, acknowledged-issue-numbers, assets-ecr-repository-name are CDK's and pass";

  test('a misspelt key of ours is refused naming key, value, the key meant and the rule', () => {
    expect(errorOf({ bidirectonal: 'true' })).toBe(
      'Invalid configuration (CDK context):\n' +
        `  - bidirectonal: 'true' is not a context key of this app (did you mean bidirectional?); expected one of ${KEYS_OF_THIS_APP}; ${FOREIGN}`,
    );
  });

  test.each([
    ['another case', 'ReplicaRegion', 'replicaRegion'],
    ['kebab-case', 'environment-suffix', 'environmentSuffix'],
    ['part of it', 'suffix', 'environmentSuffix'],
    ['two letters swapped', 'regoin', 'region'],
  ])('a key of ours in %s (%s) is refused with did you mean %s', (_, key, meant) => {
    expect(errorOf({ [key]: 'x' })).toContain(
      `${key}: 'x' is not a context key of this app (did you mean ${meant}?)`,
    );
  });

  test('a key spelt as ours are but like none of them is refused without a guess', () => {
    expect(errorOf({ enableEverything: true })).toBe(
      'Invalid configuration (CDK context):\n' +
        `  - enableEverything: 'true' is not a context key of this app; expected one of ${KEYS_OF_THIS_APP}; ${FOREIGN}`,
    );
  });

  test("cdk.json's keys, the keys the CDK CLI adds and other tools' keys pass", () => {
    const config = loadConfig({
      ...CDK_JSON_CONTEXT,
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
      'aws:cdk:version-reporting': true,
      'aws:cdk:bundling-stacks': ['**'],
      'availability-zones:account=123456789012:region=us-east-1': ['us-east-1a'],
      'acknowledged-issue-numbers': [32775],
      'assets-ecr-repository-name': 'assets',
      '@aws-cdk/core:bootstrapQualifier': 'hnb659fds',
      'aws-cdk:enableDiffNoFail': true,
      'my-tool-setting': 'on',
      environmentSuffix: 'prod',
    });
    expect(config.environmentSuffix).toBe('prod');
  });

  test('unknown keys are listed with invalid values in one error', () => {
    let error: unknown;
    try {
      loadConfig({ region: 'mars-1', bidirectonal: 'true', replicaRegoin: 'eu-west-1' });
    } catch (err) {
      error = err;
    }
    expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual([
      'region',
      'bidirectonal',
      'replicaRegoin',
    ]);
  });
});
