/**
 * The naming contract: the one place that says what every resource of a deployment is called.
 *
 * The CDK stacks build their resources with these names and the s3-dr CLI finds a deployment
 * from its suffix alone with the same functions, so the two halves can never drift apart.
 * `account` may be a concrete 12-digit id (CLI) or a CDK token such as `Aws.ACCOUNT_ID` (stacks).
 */

/** Prefix under which s3-dr writes its own objects (probes, canaries); never user data. */
export const RESERVED_PREFIX = '_s3-dr/';

/** Output keys of the top-level stack, as `describe-stacks` and flat-outputs.json show them. */
export const OUTPUT_KEYS = {
  primaryBucketUrl: 'PrimaryBucketUrl',
  primaryBucketArn: 'PrimaryBucketArn',
  replicaBucketUrl: 'ReplicaBucketUrl',
  replicaBucketArn: 'ReplicaBucketArn',
  replicationRoleArn: 'ReplicationRoleArn',
  replicationRuleId: 'ReplicationRuleId',
  dashboardUrl: 'DashboardUrl',
  alarmTopicArn: 'AlarmTopicArn',
  /** Region of the replica bucket (the stack's own region when both buckets share it). */
  replicaRegion: 'ReplicaRegion',
  /** Bucket for S3 Batch Operations manifests and completion reports. */
  opsBucketName: 'OpsBucketName',
  /** Role S3 Batch Operations jobs run as (backfill, restore --batch). */
  batchRoleArn: 'BatchRoleArn',
} as const;

export type OutputKey = (typeof OUTPUT_KEYS)[keyof typeof OUTPUT_KEYS];

/** Outputs present only when the deployment has a Multi-Region Access Point. */
export const ACCESS_POINT_OUTPUT_KEYS = {
  multiRegionAccessPointArn: 'MultiRegionAccessPointArn',
  multiRegionAccessPointAlias: 'MultiRegionAccessPointAlias',
} as const;

/**
 * Outputs present only when the deployment takes S3 Inventory reports (`inventory`, on by default):
 * what `s3-dr verify --inventory` reads to find the reports and query them.
 */
export const INVENTORY_OUTPUT_KEYS = {
  /**
   * Root of the primary's inventory configuration, `s3://<ops bucket>/inventory/<primary bucket>/<configuration id>/`:
   * dated folders with `manifest.json`, `data/` and `hive/` below it (storage-inventory-location.html).
   */
  inventoryLocationPrimary: 'InventoryLocationPrimary',
  /** Root of the replica's inventory configuration, in an ops bucket of the replica's region. */
  inventoryLocationReplica: 'InventoryLocationReplica',
  /** Athena workgroup the CLI's queries run in (results, encryption and bytes-scanned cutoff enforced). */
  athenaWorkgroup: 'AthenaWorkgroup',
  /** Glue database holding one table per bucket over its inventory reports ({@link INVENTORY_TABLES}). */
  glueDatabase: 'GlueDatabase',
} as const;

export type InventoryOutputKey = (typeof INVENTORY_OUTPUT_KEYS)[keyof typeof INVENTORY_OUTPUT_KEYS];

/** Key prefix (the inventory configurations' destination prefix, without slash) of the reports in an ops bucket. */
export const INVENTORY_PREFIX = 'inventory';

/** Where the Athena workgroup writes query results in the (primary's) ops bucket. */
export const ATHENA_RESULTS_PREFIX = 'athena/';

/**
 * The Glue tables over the inventory reports, in the database `glueDatabase` of the deployment:
 * one per bucket, partitioned by `dt` (the report's `YYYY-MM-DD-HH-MM`).
 */
export const INVENTORY_TABLES = {
  primary: 'primary_inventory',
  replica: 'replica_inventory',
} as const;

/**
 * `s3://<destination bucket>/inventory/<source bucket>/<configuration id>/`: where S3 writes one
 * inventory configuration's reports (storage-inventory-location.html).
 */
export function inventoryLocation(
  destinationBucket: string,
  sourceBucket: string,
  configurationId: string,
): string {
  return `s3://${destinationBucket}/${INVENTORY_PREFIX}/${sourceBucket}/${configurationId}/`;
}

/**
 * Outputs present only when the replica is a vault in another account (`replicaAccount`), in the
 * primary's stack: the roles of the vault account that the primary's side uses by name.
 */
export const VAULT_OUTPUT_KEYS = {
  /** The vault's account: the account of the replica bucket, its key and the vault stack. */
  replicaAccount: 'ReplicaAccount',
  /** Read-only role of the vault the canary assumes to read its probes' replicas. */
  vaultCanaryRoleArn: 'VaultCanaryRoleArn',
  /** `vaultRecoveryRole`: the vault's read-only recovery role (MFA) that `restore --from replica` may assume. */
  vaultRecoveryRoleArn: 'VaultRecoveryRoleArn',
} as const;

export type AccessPointOutputKey = (typeof ACCESS_POINT_OUTPUT_KEYS)[keyof typeof ACCESS_POINT_OUTPUT_KEYS];

/** Outputs present only when the deployment can be drilled (`drill`): `s3-dr drill` starts this template. */
export const DRILL_OUTPUT_KEYS = {
  drillExperimentTemplateId: 'DrillExperimentTemplateId',
} as const;

/** What an AWS account id is, in words: the text of every error about a bad account id. */
export const ACCOUNT_ID_RULE = 'a 12-digit AWS account id such as 123456789012';

/** True when `account` is a 12-digit AWS account id. */
export function isValidAccountId(account: string): boolean {
  return /^\d{12}$/.test(account);
}

/** Longest bucket-name prefix below, used to bound the suffix length (S3 names are <= 63 chars). */
const LONGEST_BUCKET_PREFIX = 'replica-bucket-';
const ACCOUNT_ID_LENGTH = 12;
const MAX_BUCKET_NAME_LENGTH = 63;

/** The longest suffix for which every bucket name stays within S3's 63 characters. */
export const MAX_SUFFIX_LENGTH =
  MAX_BUCKET_NAME_LENGTH - LONGEST_BUCKET_PREFIX.length - 1 - ACCOUNT_ID_LENGTH;

/**
 * Lowercase letters and digits only. No hyphen: names are `<kind>-<suffix>`, and some kinds are
 * another kind plus a word (`s3-replication-canary-back-` beside `s3-replication-canary-`), so with
 * hyphens suffix `back-dev` would take the names of the reverse canary of `dev`, and `latency-dev`
 * the canary latency alarm of `dev`. test/naming.test.ts checks that no two suffixes share a name.
 */
const SUFFIX_PATTERN = /^[a-z0-9]+$/;

/** What an environment suffix may be, in words: the text of every error about a bad suffix. */
export const SUFFIX_RULE = `lowercase letters and digits only, at most ${MAX_SUFFIX_LENGTH} characters (no hyphen, so that no two suffixes share a resource name: 'back-dev' would name the reverse canary of 'dev'; bucket names must stay within 63)`;

/** True when `suffix` keeps every resource name of the deployment valid and its own (see {@link SUFFIX_RULE}). */
export function isValidSuffix(suffix: string): boolean {
  return SUFFIX_PATTERN.test(suffix) && suffix.length <= MAX_SUFFIX_LENGTH;
}

export function stackName(suffix: string): string {
  return `TapStack${suffix}`;
}

/** The stack that holds the replica side when the replica lives in another region or account (a vault). */
export function replicaStackName(suffix: string): string {
  return `${stackName(suffix)}Replica`;
}

export interface DeploymentNames {
  readonly stack: string;
  /**
   * Stack of the replica side (when the replica is in another region or another account), in the
   * replica's account and region.
   */
  readonly replicaStack: string;
  readonly primaryBucket: string;
  readonly replicaBucket: string;
  readonly accessLogsBucket: string;
  /** Access-log bucket of the replica when it lives in another region (logs stay in their bucket's region). */
  readonly replicaAccessLogsBucket: string;
  readonly replicationRole: string;
  readonly replicationRuleId: string;
  /** Two-way deployments: the role and rule that replicate the replica back to the primary. */
  readonly reverseReplicationRole: string;
  readonly reverseReplicationRuleId: string;
  /** Two-way: the role of the custom resource that puts the reverse rule on the replica. */
  readonly reverseRuleRole: string;
  /** The Multi-Region Access Point over both buckets (cross-region deployments). */
  readonly multiRegionAccessPoint: string;
  readonly primaryKeyAlias: string;
  readonly replicaKeyAlias: string;
  readonly alarmTopicKeyAlias: string;
  readonly logsKeyAlias: string;
  readonly alarmTopic: string;
  readonly latencyAlarm: string;
  readonly failedAlarm: string;
  /**
   * Alarms of the reverse rule (two-way), in the replica region: replication metrics are published
   * in the source bucket's region. The replica region has its own alarm topic, named `alarmTopic`.
   */
  readonly reverseLatencyAlarm: string;
  readonly reverseFailedAlarm: string;
  readonly dashboard: string;
  readonly logGroup: string;
  readonly eventsFunction: string;
  readonly eventsAlarm: string;
  readonly canaryFunction: string;
  readonly canarySchedule: string;
  /** The canary's composite alarm, the one that notifies; the four below feed it. */
  readonly canaryAlarm: string;
  readonly canaryLatencyAlarm: string;
  readonly canarySilentAlarm: string;
  readonly canaryOverdueAlarm: string;
  readonly canaryErrorsAlarm: string;
  /**
   * Two-way: the canary of the reverse direction (writes probes to the replica, waits for them in
   * the primary) and its alarms; `reverseCanaryAlarm` is the composite that notifies.
   */
  readonly reverseCanaryFunction: string;
  readonly reverseCanarySchedule: string;
  readonly reverseCanaryAlarm: string;
  readonly reverseCanaryLatencyAlarm: string;
  readonly reverseCanarySilentAlarm: string;
  readonly reverseCanaryOverdueAlarm: string;
  readonly reverseCanaryErrorsAlarm: string;
  /** Bucket for S3 Batch Operations manifests and completion reports. */
  readonly opsBucket: string;
  /** Role S3 Batch Operations assumes for backfill (Batch Replication) and batch restores. */
  readonly batchRole: string;
  /**
   * Across regions: the replica's ops bucket, in the replica's region, that receives the replica's
   * S3 Inventory reports (an inventory's destination must be in its source bucket's region).
   */
  readonly replicaOpsBucket: string;
  /** Id of the S3 Inventory configuration on each bucket (the `<config-ID>` of the report paths). */
  readonly inventoryConfigurationId: string;
  /** Athena workgroup of the inventory queries. */
  readonly athenaWorkgroup: string;
  /** Glue database of the inventory tables: lowercase letters, digits and underscores only. */
  readonly glueDatabase: string;
  /** EventBridge rule on management events that could destroy or disable the replica. */
  readonly tamperRule: string;
  readonly tamperAlarm: string;
  /**
   * EventBridge rule on the calls that could silence the alarms first (trails, rules, alarms, the
   * alarm topic and its key), and its alarm; in each region that has an alarm topic.
   */
  readonly alertPathRule: string;
  readonly alertPathAlarm: string;
  /** `drill`: the AWS FIS experiment template that pauses replication (its `Name` tag), its role and its stop-condition alarm. */
  readonly drillExperimentTemplate: string;
  readonly drillRole: string;
  readonly drillGuardAlarm: string;
  /**
   * Replica with Object Lock: ALARM while the canary finds replicas of its probes without retention
   * (in the primary's region, where the canary runs).
   */
  readonly replicaUnlockedAlarm: string;
  /**
   * Vault (replica in another account): the vault account's read-only role the canary assumes to read
   * the replicas of its probes (the canary prefix only).
   */
  readonly vaultCanaryRole: string;
  /**
   * Vault with `vaultRecoveryRole`: the vault account's read-only role, trusted by the primary's account
   * with MFA, through which `s3-dr restore --from replica` copies the vault's versions server-side.
   */
  readonly vaultRecoveryRole: string;
  /**
   * Vault: the execution role of the canary function (in the primary's account), named so that the
   * vault's canary role can trust exactly it before it exists.
   */
  readonly canaryFunctionRole: string;
}

/**
 * Matches the name of every alarm of the deployment with this suffix, all named
 * `s3-replication-…-<suffix>` below: for the policies and event patterns that must cover every alarm
 * of one deployment (`*` spans any characters, in IAM ARN patterns and EventBridge wildcards alike).
 */
export function alarmNamePattern(suffix: string): string {
  return `s3-replication-*-${suffix}`;
}

/**
 * Every resource name of the deployment with this suffix in this account. `replicaAccount` is the
 * account of the replica side when it is a vault in another account (default: `account`): the replica's
 * buckets carry that account's id, since bucket names are global.
 */
export function deploymentNames(
  suffix: string,
  account: string,
  replicaAccount: string = account,
): DeploymentNames {
  return {
    stack: stackName(suffix),
    replicaStack: replicaStackName(suffix),
    primaryBucket: `primary-bucket-${suffix}-${account}`,
    replicaBucket: `replica-bucket-${suffix}-${replicaAccount}`,
    accessLogsBucket: `access-logs-${suffix}-${account}`,
    replicaAccessLogsBucket: `replica-logs-${suffix}-${replicaAccount}`,
    replicationRole: `s3-replication-role-${suffix}`,
    replicationRuleId: `replicate-all-${suffix}`,
    reverseReplicationRole: `s3-replication-reverse-role-${suffix}`,
    reverseReplicationRuleId: `replicate-back-${suffix}`,
    reverseRuleRole: `s3-dr-reverse-rule-${suffix}`,
    multiRegionAccessPoint: `s3-dr-${suffix}`,
    primaryKeyAlias: `alias/s3-dr-primary-${suffix}`,
    replicaKeyAlias: `alias/s3-dr-replica-${suffix}`,
    alarmTopicKeyAlias: `alias/s3-dr-alarms-${suffix}`,
    logsKeyAlias: `alias/s3-dr-logs-${suffix}`,
    alarmTopic: `s3-replication-alarms-${suffix}`,
    latencyAlarm: `s3-replication-latency-${suffix}`,
    failedAlarm: `s3-replication-failed-${suffix}`,
    reverseLatencyAlarm: `s3-replication-reverse-latency-${suffix}`,
    reverseFailedAlarm: `s3-replication-reverse-failed-${suffix}`,
    dashboard: `s3-replication-dashboard-${suffix}`,
    logGroup: `/aws/s3/replication/${suffix}`,
    eventsFunction: `s3-replication-events-${suffix}`,
    eventsAlarm: `s3-replication-events-${suffix}`,
    canaryFunction: `s3-replication-canary-${suffix}`,
    canarySchedule: `s3-replication-canary-${suffix}`,
    canaryAlarm: `s3-replication-canary-${suffix}`,
    canaryLatencyAlarm: `s3-replication-canary-latency-${suffix}`,
    canarySilentAlarm: `s3-replication-canary-silent-${suffix}`,
    canaryOverdueAlarm: `s3-replication-canary-overdue-${suffix}`,
    canaryErrorsAlarm: `s3-replication-canary-errors-${suffix}`,
    reverseCanaryFunction: `s3-replication-canary-back-${suffix}`,
    reverseCanarySchedule: `s3-replication-canary-back-${suffix}`,
    reverseCanaryAlarm: `s3-replication-canary-back-${suffix}`,
    reverseCanaryLatencyAlarm: `s3-replication-canary-back-latency-${suffix}`,
    reverseCanarySilentAlarm: `s3-replication-canary-back-silent-${suffix}`,
    reverseCanaryOverdueAlarm: `s3-replication-canary-back-overdue-${suffix}`,
    reverseCanaryErrorsAlarm: `s3-replication-canary-back-errors-${suffix}`,
    opsBucket: `s3-dr-ops-${suffix}-${account}`,
    batchRole: `s3-dr-batch-role-${suffix}`,
    replicaOpsBucket: `replica-ops-${suffix}-${replicaAccount}`,
    inventoryConfigurationId: `s3-dr-${suffix}`,
    athenaWorkgroup: `s3-dr-${suffix}`,
    // Athena takes lowercase names and needs quoting for a hyphen; an underscore needs none
    // (https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html).
    glueDatabase: `s3_dr_${suffix}`,
    tamperRule: `s3-dr-tamper-${suffix}`,
    tamperAlarm: `s3-replication-tamper-${suffix}`,
    alertPathRule: `s3-dr-alert-path-${suffix}`,
    alertPathAlarm: `s3-replication-alert-path-${suffix}`,
    drillExperimentTemplate: `s3-dr-pause-replication-${suffix}`,
    drillRole: `s3-dr-fis-role-${suffix}`,
    drillGuardAlarm: `s3-replication-drill-guard-${suffix}`,
    replicaUnlockedAlarm: `s3-replication-replica-unlocked-${suffix}`,
    vaultCanaryRole: `s3-dr-vault-canary-${suffix}`,
    vaultRecoveryRole: `s3-dr-vault-recovery-${suffix}`,
    canaryFunctionRole: `s3-dr-canary-role-${suffix}`,
  };
}
