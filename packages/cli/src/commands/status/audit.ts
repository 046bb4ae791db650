import { deploymentNames } from 's3-dr-naming';
import type { AwsClients } from '../../shared/aws';
import { forEachConcurrent } from '../../shared/pool';
import type { BucketRegions } from '../../shared/regions';
import type { Target } from '../../shared/target';
import { count } from '../../shared/text';
import { alarmCheck } from './checks/alarms';
import { batchRoleCheck, opsBucketCheck } from './checks/batch';
import {
  accelerationCheck,
  encryptionCheck,
  glacierLifecycleCheck,
  keyRotationCheck,
  publicAccessCheck,
  sslOnlyCheck,
  versioningCheck,
} from './checks/buckets';
import { drillCheck } from './checks/drill';
import { createFacts, FactError, type Facts } from './checks/facts';
import {
  failedOperationsMetricCheck,
  latencyMetricCheck,
  pendingBytesMetricCheck,
  pendingOperationsMetricCheck,
} from './checks/metrics';
import {
  keyProtectionCheck,
  objectLockCheck,
  replicaProtectionCheck,
  replicaRemovalCheck,
  tamperRuleCheck,
} from './checks/protection';
import { replicaRetentionCheck } from './checks/replica-retention';
import {
  deleteMarkersCheck,
  metricsEnabledCheck,
  replicaKeyCheck,
  replicaModificationsCheck,
  roleCheck,
  rtcCheck,
  ruleCheckEnabled,
  scopeCheck,
  sseKmsCheck,
} from './checks/replication';
import { alarmSubscriptionCheck } from './checks/subscriptions';
import { TOPOLOGY_CHECKS } from './checks/topology';
import type { AuditScope, Check, CheckResult, CheckStatus, Outcome } from './checks/types';
import { VAULT_CHECKS } from './checks/vault';

export type { CheckResult, CheckStatus } from './checks/types';

/** Every check of `s3-dr status`, in the order the checklist shows them. */
export const CHECKS: readonly Check[] = [
  versioningCheck('primary'),
  versioningCheck('replica'),
  ruleCheckEnabled(),
  scopeCheck(),
  rtcCheck(),
  metricsEnabledCheck(),
  deleteMarkersCheck(),
  replicaModificationsCheck(),
  sseKmsCheck(),
  replicaKeyCheck(),
  roleCheck(),
  encryptionCheck('primary'),
  encryptionCheck('replica'),
  keyRotationCheck('primary'),
  keyRotationCheck('replica'),
  sslOnlyCheck('primary'),
  sslOnlyCheck('replica'),
  publicAccessCheck('primary'),
  publicAccessCheck('replica'),
  accelerationCheck(),
  glacierLifecycleCheck(),
  objectLockCheck(),
  replicaRetentionCheck(),
  replicaProtectionCheck(),
  replicaRemovalCheck(),
  keyProtectionCheck('primary'),
  keyProtectionCheck('replica'),
  alarmCheck('latency'),
  alarmCheck('failed'),
  alarmCheck('events'),
  alarmCheck('canary'),
  alarmCheck('canaryBack'),
  alarmCheck('tamper'),
  alarmCheck('alertPath'),
  tamperRuleCheck(),
  alarmSubscriptionCheck(),
  latencyMetricCheck(),
  pendingOperationsMetricCheck(),
  pendingBytesMetricCheck(),
  failedOperationsMetricCheck(),
  ...TOPOLOGY_CHECKS,
  batchRoleCheck(),
  opsBucketCheck(),
  drillCheck(),
  ...VAULT_CHECKS,
];

export interface AuditReport {
  readonly target: Target;
  readonly suffix?: string;
  readonly checks: readonly CheckResult[];
  readonly summary: Readonly<Record<CheckStatus, number>>;
}

/** The suffix from the target, else from the naming contract's bucket or rule names. */
export function deploymentSuffix(target: Target): string | undefined {
  if (target.suffix) return target.suffix;
  const fromBucket = /^primary-bucket-(.+)-\d{12}$/.exec(target.source)?.[1];
  if (fromBucket && target.replica.startsWith(`replica-bucket-${fromBucket}-`)) return fromBucket;
  return /^replicate-all-(.+)$/.exec(target.replicationRuleId ?? '')?.[1];
}

/** The account id of the naming contract's bucket names, if the target follows it. */
function accountOf(target: Target): string | undefined {
  return /-(\d{12})$/.exec(target.source)?.[1];
}

export interface AuditOptions {
  readonly checks?: readonly Check[];
  readonly facts?: Facts;
  readonly concurrency?: number;
  /** Where each bucket lives (HeadBucket); buckets not named are in the CLI's region. */
  readonly regions?: BucketRegions;
  /** A vault's facts (tests); by default read with the replica side's clients. */
  readonly vaultFacts?: Facts;
}

/**
 * Runs every check against the pair. A check that throws (a missing permission, an API the
 * endpoint does not implement) gives WARN "could not check", never an exception.
 */
export async function runAudit(
  clients: AwsClients,
  target: Target,
  options: AuditOptions = {},
): Promise<AuditReport> {
  const suffix = deploymentSuffix(target);
  const account = accountOf(target);
  const names =
    suffix !== undefined && account !== undefined
      ? deploymentNames(suffix, account, target.replicaAccount)
      : undefined;
  const replicaSide = { bucket: target.replica, account: target.replicaAccount };
  const facts = options.facts ?? createFacts(clients, undefined, options.regions, replicaSide);
  const scope: AuditScope = {
    target,
    suffix,
    names,
    account,
    region: clients.region,
    facts,
    ...(target.replicaAccount !== undefined
      ? {
          vaultFacts:
            options.vaultFacts ??
            createFacts(
              clients.replicaSide.inRegion(facts.regionOf(target.replica)),
              undefined,
              options.regions,
            ),
        }
      : {}),
  };
  const checks = options.checks ?? CHECKS;
  const results: (CheckResult | undefined)[] = new Array(checks.length);
  await forEachConcurrent(
    checks.map((check, index) => ({ check, index })),
    options.concurrency ?? 8,
    async ({ check, index }) => {
      const outcome = await runCheck(check, scope);
      results[index] = outcome && { id: check.id, ...outcome };
    },
  );
  const kept = results.filter((r): r is CheckResult => r !== undefined);
  const summary = { PASS: 0, WARN: 0, FAIL: 0 };
  for (const r of kept) summary[r.status]++;
  return { target, suffix, checks: kept, summary };
}

async function runCheck(check: Check, scope: AuditScope): Promise<Outcome | undefined> {
  try {
    return await check.run(scope);
  } catch (err) {
    return couldNotCheck(err);
  }
}

/** The WARN for a check whose facts could not be read. */
export function couldNotCheck(err: unknown): Outcome {
  const cause = err instanceof FactError ? err.cause : err;
  const e = (cause ?? {}) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const what = err instanceof FactError ? `${err.action} on ${err.resource}` : 'a read';
  if (/AccessDenied|Unauthorized|Forbidden/i.test(name) || status === 403) {
    return {
      status: 'WARN',
      message: `could not check: access denied to ${what}`,
      fix: `grant the caller ${err instanceof FactError ? err.action : 'read access'} to check this`,
    };
  }
  if (/NotImplemented|UnknownOperation|InvalidAction/i.test(name) || status === 501) {
    return { status: 'WARN', message: `could not check: the endpoint does not implement ${what}` };
  }
  const detail = (e.message ?? String(cause)).split('\n')[0];
  const from = err instanceof FactError ? ` from ${what}` : '';
  return { status: 'WARN', message: `could not check: ${name}${from}: ${detail}` };
}

const STATUS_WIDTH = 6;

/** The checklist as text: one line per check, the fix under each FAIL/WARN that has one. */
export function formatAudit(report: AuditReport): string {
  const { target, summary } = report;
  const idWidth = Math.max(...report.checks.map((c) => c.id.length), 0) + 2;
  const lines = [
    `s3-dr status: s3://${target.source} -> s3://${target.replica} (${describeOrigin(report)})`,
    '',
  ];
  for (const check of report.checks) {
    lines.push(`${check.status.padEnd(STATUS_WIDTH)}${check.id.padEnd(idWidth)}${check.message}`);
    if (check.fix) lines.push(`${' '.repeat(STATUS_WIDTH + idWidth)}fix: ${check.fix}`);
  }
  lines.push(
    '',
    `${count(report.checks.length, 'check')}: ${summary.PASS} PASS, ${summary.WARN} WARN, ${summary.FAIL} FAIL${summary.FAIL > 0 ? '' : ' - healthy'}`,
  );
  return `${lines.join('\n')}\n`;
}

function describeOrigin(report: AuditReport): string {
  const { target, suffix } = report;
  switch (target.origin) {
    case 'stack':
      return `outputs of stack TapStack${suffix}`;
    case 'naming':
      return `naming contract for suffix ${suffix}`;
    case 'outputs':
      return 'outputs file';
    case 'explicit':
      return suffix === undefined ? '--source/--replica' : `--source/--replica, suffix ${suffix}`;
  }
}

/** The report for --json. */
export function auditJson(report: AuditReport): unknown {
  return {
    source: report.target.source,
    replica: report.target.replica,
    origin: report.target.origin,
    suffix: report.suffix ?? null,
    healthy: report.summary.FAIL === 0,
    summary: report.summary,
    checks: report.checks,
  };
}
