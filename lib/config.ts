import {
  EMAIL_RULE,
  isSupportedRegion,
  isValidEmail,
  REGION_RULE,
  REPLICA_ARCHIVE_CLASSES,
  regionPartition,
} from 's3-dr-cdk';
import { isValidSuffix, SUFFIX_RULE } from 's3-dr-naming';

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
}

export const CONFIG_DEFAULTS = {
  environmentSuffix: 'dev',
  region: 'us-east-1',
  removalPolicy: 'destroy',
} as const;

const BOOLEAN_RULE = "'true' or 'false'";
function isBoolean(value: string): boolean {
  return value === 'true' || value === 'false';
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
];

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
  if (problems.length === 0) problems.push(...topologyProblems(raw));
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
  };
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
