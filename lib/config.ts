import { EMAIL_RULE, isValidEmail, isValidRoleArn, MAX_OBJECT_LOCK_DAYS, ROLE_ARN_RULE } from 's3-dr-cdk';
import { isValidSuffix, SUFFIX_RULE } from 's3-dr-naming';

/** Validated deployment settings, built from CDK context by {@link loadConfig}. */
export interface TapConfig {
  /** Distinguishes deployments: every resource name carries it. @default 'dev' */
  readonly environmentSuffix: string;
  /** Region of the stack and both buckets. @default 'us-east-1' */
  readonly region: string;
  /** `destroy` deletes buckets (with their objects), keys and logs on `cdk destroy`; `retain` keeps them. @default 'destroy' */
  readonly removalPolicy: 'destroy' | 'retain';
  /** Address subscribed by e-mail to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
  /** Object Lock on the replica with this default retention (`compliance:30`). @default - none */
  readonly replicaObjectLock?: ReplicaObjectLock;
  /** Bucket-policy and key-policy denies protecting the replica. @default true */
  readonly protectReplica: boolean;
  /** Role exempt from the protection's denies, for deliberate repairs. @default - none */
  readonly breakGlassRoleArn?: string;
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
} as const;

const OBJECT_LOCK_PATTERN = /^(governance|compliance):([1-9]\d{0,3})$/;

function parseObjectLock(value: string): ReplicaObjectLock | undefined {
  const match = OBJECT_LOCK_PATTERN.exec(value);
  if (!match) return undefined;
  const days = Number(match[2]);
  return days <= MAX_OBJECT_LOCK_DAYS ? { mode: match[1] as ReplicaObjectLock['mode'], days } : undefined;
}

/**
 * Regions of the `aws` and `aws-us-gov` partitions only. The stack's service principals are the
 * global names AWS documents (`s3.amazonaws.com`, `lambda.amazonaws.com`, `cloudwatch.amazonaws.com`,
 * `logs.<region>.amazonaws.com`), which CDK v2 renders as given in every region; the aws-cdk
 * maintainers state these names hold in every partition except China
 * (https://github.com/aws/aws-cdk/pull/18505, https://github.com/aws/aws-cdk/pull/22819). China
 * (`cn-`, where some principals end in `amazonaws.com.cn`) and the ISO partitions, whose
 * documentation is not public, are refused rather than guessed.
 */
const REGION_PATTERN = /^[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}$/;
const UNSUPPORTED_REGION = /^cn-/;

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
  {
    key: 'region',
    rule: 'an AWS region name such as us-east-1, in the aws or aws-us-gov partition (China and ISO regions are not supported)',
    isValid: (v) => REGION_PATTERN.test(v) && !UNSUPPORTED_REGION.test(v),
  },
  { key: 'removalPolicy', rule: "'destroy' or 'retain'", isValid: (v) => v === 'destroy' || v === 'retain' },
  {
    key: 'alarmEmail',
    rule: EMAIL_RULE,
    isValid: isValidEmail,
  },
  {
    key: 'replicaObjectLock',
    rule: `'governance:<days>' or 'compliance:<days>' with 1 to ${MAX_OBJECT_LOCK_DAYS} days, e.g. compliance:30`,
    isValid: (v) => parseObjectLock(v) !== undefined,
  },
  { key: 'protectReplica', rule: "'true' or 'false'", isValid: (v) => v === 'true' || v === 'false' },
  { key: 'breakGlassRoleArn', rule: ROLE_ARN_RULE, isValid: isValidRoleArn },
];

/** Settings that are valid one by one but cannot work together. */
function combinationProblems(raw: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const removalPolicy = raw.removalPolicy ?? CONFIG_DEFAULTS.removalPolicy;
  if (raw.replicaObjectLock !== undefined && removalPolicy !== 'retain') {
    problems.push(
      `replicaObjectLock: '${raw.replicaObjectLock}' needs removalPolicy 'retain', not '${removalPolicy}'${raw.removalPolicy === undefined ? ' (the default)' : ''}: a bucket under Object Lock cannot be emptied, so cdk destroy could not delete it; add -c removalPolicy=retain`,
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
 * Reads and validates the configuration. `getContext` is `app.node.tryGetContext` in the app and a
 * plain lookup in tests. Every invalid key is collected first, then one error names them all.
 */
export function loadConfig(getContext: (key: string) => unknown): TapConfig {
  const raw: Record<string, string | undefined> = {};
  for (const { key } of RULES) {
    const value = getContext(key);
    raw[key] = value === undefined || value === null || value === '' ? undefined : String(value);
  }
  const problems = RULES.filter(({ key }) => raw[key] !== undefined)
    .filter(({ key, isValid }) => !isValid(raw[key] as string))
    .map(({ key, rule }) => `${key}: '${raw[key]}' is invalid; expected ${rule}`);
  if (problems.length === 0) problems.push(...combinationProblems(raw));
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return {
    environmentSuffix: raw.environmentSuffix ?? CONFIG_DEFAULTS.environmentSuffix,
    region: raw.region ?? CONFIG_DEFAULTS.region,
    removalPolicy: (raw.removalPolicy ?? CONFIG_DEFAULTS.removalPolicy) as TapConfig['removalPolicy'],
    alarmEmail: raw.alarmEmail,
    replicaObjectLock:
      raw.replicaObjectLock === undefined ? undefined : parseObjectLock(raw.replicaObjectLock),
    protectReplica:
      raw.protectReplica === undefined ? CONFIG_DEFAULTS.protectReplica : raw.protectReplica === 'true',
    breakGlassRoleArn: raw.breakGlassRoleArn,
  };
}
