import {
  DEFAULT_INVENTORY_RETENTION_DAYS,
  EMAIL_RULE,
  isSupportedRegion,
  isValidEmail,
  isValidRoleArn,
  MAX_INVENTORY_RETENTION_DAYS,
  MAX_OBJECT_LOCK_DAYS,
  REGION_RULE,
  REPLICA_ARCHIVE_CLASSES,
  ROLE_ARN_RULE,
  regionPartition,
  vaultSettingProblems,
} from 's3-dr-cdk';
import { ACCOUNT_ID_RULE, isValidAccountId, isValidSuffix, SUFFIX_RULE } from 's3-dr-naming';
import { unknownKeyProblems } from './context-keys';

/** Validated deployment settings, built from CDK context by {@link loadConfig}. */
export interface TapConfig {
  /** Distinguishes deployments: every resource name carries it. @default 'dev' */
  readonly environmentSuffix: string;
  /** Region of the stack and the primary bucket (and of the replica, unless `replicaRegion`). @default 'us-east-1' */
  readonly region: string;
  /** `destroy` deletes buckets (with their objects), keys and logs on `cdk destroy`; `retain` keeps them. @default 'destroy' */
  readonly removalPolicy: 'destroy' | 'retain';
  /** Address subscribed by e-mail to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
  /** Region of the replica bucket. @default - `region` (both buckets in one region) */
  readonly replicaRegion?: string;
  /** Also replicate the replica back to the primary. @default false */
  readonly bidirectional?: boolean;
  /** A Multi-Region Access Point over both buckets. @default - true when the regions differ */
  readonly multiRegionAccessPoint?: boolean;
  /** Where the replica's versions go after 90 days. @default 'GLACIER' */
  readonly replicaArchiveClass?: 'GLACIER' | 'GLACIER_IR' | 'DEEP_ARCHIVE';
  /** Object Lock on the replica with this default retention (`compliance:30`). @default - none */
  readonly replicaObjectLock?: ReplicaObjectLock;
  /** Bucket-policy and key-policy denies protecting the replica. @default true */
  readonly protectReplica: boolean;
  /** Role exempt from the protection's denies, for deliberate repairs. @default - none */
  readonly breakGlassRoleArn?: string;
  /** An AWS FIS experiment template that pauses replication, for `s3-dr drill`. @default false */
  readonly drill: boolean;
  /** Daily S3 Inventory of both buckets, with an Athena workgroup and Glue tables over it. @default true */
  readonly inventory: boolean;
  /** Format of the inventory reports. @default 'Parquet' */
  readonly inventoryFormat: 'Parquet' | 'ORC' | 'CSV';
  /** Days inventory reports are kept. @default 14 */
  readonly inventoryRetentionDays: number;
  /** GiB one Athena query of the workgroup may scan before Athena cancels it. @default 1024 */
  readonly athenaScanLimitGib: number;
  /**
   * The primary's account (`TapStack<suffix>`): the context key `primaryAccount`, else (without a vault)
   * the account of the credentials `cdk` runs with (CDK_DEFAULT_ACCOUNT). With `replicaAccount` it must be
   * given. @default - unknown: an account-agnostic synth
   */
  readonly primaryAccount?: string;
  /**
   * Another account holding the replica side, a vault (`TapStack<suffix>Replica` there). @default - the
   * primary's account
   */
  readonly replicaAccount?: string;
  /** Vault only: a recovery role in the vault (reads the vault, writes new versions into the primary), assumable from the primary's account with MFA. @default false */
  readonly vaultRecoveryRole: boolean;
}

export interface ReplicaObjectLock {
  readonly mode: 'governance' | 'compliance';
  readonly days: number;
}

export const CONFIG_DEFAULTS = {
  environmentSuffix: 'dev',
  region: 'us-east-1',
  removalPolicy: 'destroy',
  protectReplica: true,
  drill: false,
  inventory: true,
  inventoryFormat: 'Parquet',
  inventoryRetentionDays: DEFAULT_INVENTORY_RETENTION_DAYS,
  athenaScanLimitGib: 1024,
  vaultRecoveryRole: false,
} as const;

const INVENTORY_FORMATS = ['Parquet', 'ORC', 'CSV'];
/** A whole number from `min` to `max`, written plainly (no sign, exponent or leading zero). */
function isWholeNumber(value: string, min: number, max: number): boolean {
  return /^[1-9]\d*$/.test(value) && Number(value) >= min && Number(value) <= max;
}
/** Athena's per-query cutoff is at least 10 MB; 1 GiB is the smallest whole GiB. 1 PiB bounds typos. */
const MAX_ATHENA_SCAN_LIMIT_GIB = 1024 * 1024;

const BOOLEAN_RULE = "'true' or 'false'";
function isBoolean(value: string): boolean {
  return value === 'true' || value === 'false';
}

const OBJECT_LOCK_PATTERN = /^(governance|compliance):([1-9]\d{0,3})$/;

function parseObjectLock(value: string): ReplicaObjectLock | undefined {
  const match = OBJECT_LOCK_PATTERN.exec(value);
  if (!match) return undefined;
  const days = Number(match[2]);
  return days <= MAX_OBJECT_LOCK_DAYS ? { mode: match[1] as ReplicaObjectLock['mode'], days } : undefined;
}

interface Rule {
  readonly key: keyof TapConfig;
  readonly rule: string;
  readonly isValid: (value: string) => boolean;
}

const RULES: readonly Rule[] = [
  {
    key: 'environmentSuffix',
    rule: SUFFIX_RULE,
    isValid: isValidSuffix,
  },
  // The construct library's own rule (a region of the aws or aws-us-gov partition that aws-cdk-lib knows).
  { key: 'region', rule: REGION_RULE, isValid: isSupportedRegion },
  { key: 'removalPolicy', rule: "'destroy' or 'retain'", isValid: (v) => v === 'destroy' || v === 'retain' },
  {
    key: 'alarmEmail',
    rule: EMAIL_RULE,
    isValid: isValidEmail,
  },
  { key: 'replicaRegion', rule: REGION_RULE, isValid: isSupportedRegion },
  { key: 'bidirectional', rule: BOOLEAN_RULE, isValid: isBoolean },
  { key: 'multiRegionAccessPoint', rule: BOOLEAN_RULE, isValid: isBoolean },
  {
    key: 'replicaArchiveClass',
    rule: REPLICA_ARCHIVE_CLASSES.map((c) => `'${c}'`).join(', '),
    isValid: (v) => REPLICA_ARCHIVE_CLASSES.includes(v),
  },
  {
    key: 'replicaObjectLock',
    rule: `'governance:<days>' or 'compliance:<days>' with 1 to ${MAX_OBJECT_LOCK_DAYS} days, e.g. compliance:30`,
    isValid: (v) => parseObjectLock(v) !== undefined,
  },
  { key: 'protectReplica', rule: BOOLEAN_RULE, isValid: isBoolean },
  { key: 'breakGlassRoleArn', rule: ROLE_ARN_RULE, isValid: isValidRoleArn },
  { key: 'drill', rule: BOOLEAN_RULE, isValid: isBoolean },
  { key: 'inventory', rule: BOOLEAN_RULE, isValid: isBoolean },
  {
    key: 'inventoryFormat',
    rule: INVENTORY_FORMATS.map((f) => `'${f}'`).join(', '),
    isValid: (v) => INVENTORY_FORMATS.includes(v),
  },
  {
    key: 'inventoryRetentionDays',
    rule: `a whole number of days from 1 to ${MAX_INVENTORY_RETENTION_DAYS} (the ops bucket keeps nothing longer)`,
    isValid: (v) => isWholeNumber(v, 1, MAX_INVENTORY_RETENTION_DAYS),
  },
  {
    key: 'athenaScanLimitGib',
    rule: `a whole number of GiB from 1 to ${MAX_ATHENA_SCAN_LIMIT_GIB} (Athena cancels a query that scans more)`,
    isValid: (v) => isWholeNumber(v, 1, MAX_ATHENA_SCAN_LIMIT_GIB),
  },
  { key: 'primaryAccount', rule: ACCOUNT_ID_RULE, isValid: isValidAccountId },
  { key: 'replicaAccount', rule: ACCOUNT_ID_RULE, isValid: isValidAccountId },
  { key: 'vaultRecoveryRole', rule: BOOLEAN_RULE, isValid: isBoolean },
];

const OUR_KEYS = RULES.map(({ key }) => key);

/** Settings that are valid one by one but cannot work together. */
function combinationProblems(raw: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const removalPolicy = raw.removalPolicy ?? CONFIG_DEFAULTS.removalPolicy;
  if (raw.replicaObjectLock !== undefined && removalPolicy !== 'retain') {
    problems.push(
      `replicaObjectLock: '${raw.replicaObjectLock}' needs removalPolicy 'retain', not '${removalPolicy}'${raw.removalPolicy === undefined ? ' (the default)' : ''}: a bucket under Object Lock cannot be emptied, so cdk destroy could not delete it; add -c removalPolicy=retain`,
    );
  }
  if (raw.bidirectional === 'true' && raw.replicaObjectLock !== undefined) {
    problems.push(
      `bidirectional: 'true' cannot work with replicaObjectLock '${raw.replicaObjectLock}': the reverse rule would replicate from a bucket with Object Lock to a primary without it, which S3 refuses (DstBucketObjectLockConfigMissing); drop one of them`,
    );
  }
  if (raw.breakGlassRoleArn !== undefined && raw.protectReplica === 'false') {
    problems.push(
      `breakGlassRoleArn: '${raw.breakGlassRoleArn}' has no effect with protectReplica 'false' (there is no deny to exempt it from); drop it or protect the replica`,
    );
  }
  return problems;
}

/** Thrown when context values are invalid; its message lists every bad key at once. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration (CDK context):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the configuration from the whole CDK context (`app.node.getAllContext()`: cdk.json,
 * cdk.context.json, `-c` and what the CDK CLI adds). Every invalid value and every misspelt key
 * (a key of ours that does not exist, e.g. `bidirectonal`) is collected first, then one error names
 * them all. `credentialsAccount` is the account of the credentials `cdk` runs with (the CDK CLI's
 * CDK_DEFAULT_ACCOUNT), the primary's account unless `primaryAccount` says otherwise.
 */
export function loadConfig(
  context: Readonly<Record<string, unknown>>,
  credentialsAccount?: string,
): TapConfig {
  const raw: Record<string, string | undefined> = {};
  for (const { key } of RULES) {
    const value = context[key];
    raw[key] = value === undefined || value === null || value === '' ? undefined : String(value);
  }
  const problems = RULES.filter(({ key }) => raw[key] !== undefined)
    .filter(({ key, isValid }) => !isValid(raw[key] as string))
    .map(({ key, rule }) => `${key}: '${raw[key]}' is invalid; expected ${rule}`);
  problems.push(...unknownKeyProblems(context, OUR_KEYS));
  const primaryAccount = raw.primaryAccount ?? credentialsAccount;
  if (problems.length === 0) {
    problems.push(...topologyProblems(raw), ...combinationProblems(raw), ...vaultProblems(raw));
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  const flag = (value: string | undefined) => (value === undefined ? undefined : value === 'true');
  return {
    environmentSuffix: raw.environmentSuffix ?? CONFIG_DEFAULTS.environmentSuffix,
    region: raw.region ?? CONFIG_DEFAULTS.region,
    removalPolicy: (raw.removalPolicy ?? CONFIG_DEFAULTS.removalPolicy) as TapConfig['removalPolicy'],
    alarmEmail: raw.alarmEmail,
    replicaRegion: raw.replicaRegion,
    bidirectional: flag(raw.bidirectional),
    multiRegionAccessPoint: flag(raw.multiRegionAccessPoint),
    replicaArchiveClass: raw.replicaArchiveClass as TapConfig['replicaArchiveClass'],
    replicaObjectLock:
      raw.replicaObjectLock === undefined ? undefined : parseObjectLock(raw.replicaObjectLock),
    protectReplica:
      raw.protectReplica === undefined ? CONFIG_DEFAULTS.protectReplica : raw.protectReplica === 'true',
    breakGlassRoleArn: raw.breakGlassRoleArn,
    drill: raw.drill === undefined ? CONFIG_DEFAULTS.drill : raw.drill === 'true',
    inventory: raw.inventory === undefined ? CONFIG_DEFAULTS.inventory : raw.inventory === 'true',
    inventoryFormat: (raw.inventoryFormat ?? CONFIG_DEFAULTS.inventoryFormat) as TapConfig['inventoryFormat'],
    inventoryRetentionDays: Number(raw.inventoryRetentionDays ?? CONFIG_DEFAULTS.inventoryRetentionDays),
    athenaScanLimitGib: Number(raw.athenaScanLimitGib ?? CONFIG_DEFAULTS.athenaScanLimitGib),
    primaryAccount,
    replicaAccount: raw.replicaAccount,
    vaultRecoveryRole: raw.vaultRecoveryRole === 'true',
  };
}

/**
 * A vault (`replicaAccount`) and what cannot go with it, in the construct's words (vaultSettingProblems),
 * and what only the app asks: the vault's policies name the primary's roles by ARN, so the primary's
 * account must be known at synth, and given as `primaryAccount`: the vault is deployed with the vault's
 * credentials and the primary with the primary's, and both synths must name the same account.
 */
function vaultProblems(raw: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (raw.replicaAccount !== undefined && raw.primaryAccount === undefined) {
    problems.push(
      `replicaAccount: '${raw.replicaAccount}' needs primaryAccount set (${ACCOUNT_ID_RULE}): the vault's policies name the primary's roles, and the vault is deployed with its own account's credentials, so the primary's account cannot come from the credentials cdk runs with`,
    );
  }
  const settings = {
    replicaAccount: raw.replicaAccount,
    vaultRecoveryRole: raw.vaultRecoveryRole === 'true',
    bidirectional: raw.bidirectional === 'true',
    multiRegionAccessPoint: raw.multiRegionAccessPoint === 'true',
    breakGlassRoleArn: raw.breakGlassRoleArn,
  };
  problems.push(...vaultSettingProblems(settings, raw.primaryAccount));
  return problems;
}

/** Combinations of valid values that cannot work, each naming the key, its value and the rule. */
function topologyProblems(raw: Record<string, string | undefined>): string[] {
  const region = raw.region ?? CONFIG_DEFAULTS.region;
  const replicaRegion = raw.replicaRegion ?? region;
  const problems: string[] = [];
  if (regionPartition(replicaRegion) !== regionPartition(region)) {
    problems.push(
      `replicaRegion: '${replicaRegion}' is invalid; expected a region of the same partition as region '${region}' (replication cannot cross partitions)`,
    );
  }
  if (raw.multiRegionAccessPoint === 'true' && replicaRegion === region) {
    problems.push(
      `multiRegionAccessPoint: 'true' is invalid; a Multi-Region Access Point needs the buckets in two regions: set replicaRegion to a region other than '${region}'`,
    );
  }
  return problems;
}
