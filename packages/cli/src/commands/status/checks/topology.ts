import type { ReplicationRule } from '@aws-sdk/client-s3';
import type { MultiRegionAccessPointRoute } from '@aws-sdk/client-s3-control';
import { accessPointArn } from '../../../shared/access-point';
import { FactError } from './facts';
import { RTC_THRESHOLD_SECONDS, summarise } from './metrics';
import { alarmSubscriptionCheck, partitionOf } from './subscriptions';
import { type AuditScope, type Check, fail, type Outcome, pass, warn } from './types';

// Checks of a cross-region or two-way deployment: the reverse rule on the replica bucket (when the
// replica has one), its role and alarms (in the replica's region), the Multi-Region Access Point
// and which side its routes make active. Each check does not apply (undefined) to a pair without
// that part, so a same-region, one-way deployment gets exactly the checklist it had.

const FIX_REVERSE =
  'redeploy the stacks (npx cdk deploy --all -c bidirectional=true): the replica stack owns the reverse rule';

/** The replica bucket's enabled-or-not rule that replicates back to the primary, if any. */
async function reverseRule({ target, facts }: AuditScope): Promise<ReplicationRule | undefined> {
  const config = await facts.replication(target.replica);
  return (config?.Rules ?? []).find((r) => r.Destination?.Bucket?.endsWith(`:::${target.source}`));
}

/** What is wrong with a reverse rule, in words; empty when it is as the stack configures it. */
export function reverseRuleProblems(rule: ReplicationRule): string[] {
  const problems: string[] = [];
  if (rule.Status !== 'Enabled') problems.push(`status ${rule.Status ?? 'unknown'}`);
  const rtc = rule.Destination?.ReplicationTime;
  if (rtc?.Status !== 'Enabled' || rtc.Time?.Minutes !== 15) problems.push('no RTC (15 minutes)');
  if (rule.Destination?.Metrics?.Status !== 'Enabled') problems.push('no replication metrics');
  if (rule.DeleteMarkerReplication?.Status !== 'Enabled') problems.push('delete markers not replicated');
  if (rule.SourceSelectionCriteria?.ReplicaModifications?.Status !== 'Enabled')
    problems.push('replica modification sync off');
  if (rule.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status !== 'Enabled')
    problems.push('SSE-KMS objects not selected');
  if (!rule.Destination?.EncryptionConfiguration?.ReplicaKmsKeyID) problems.push('no replica KMS key');
  return problems;
}

/** Two-way: the reverse rule replicates the replica back to the primary, as the stack sets it. */
export function reverseRuleCheck(): Check {
  return {
    id: 'reverse.rule',
    async run(scope) {
      const rule = await reverseRule(scope);
      if (!rule) return undefined;
      const problems = reverseRuleProblems(rule);
      const what = `reverse rule ${rule.ID} on ${scope.target.replica} (${scope.facts.regionOf(scope.target.replica)})`;
      if (problems.length > 0) return fail(`${what}: ${problems.join(', ')}`, FIX_REVERSE);
      return pass(
        `${what} is Enabled and replicates back to ${scope.target.source} with RTC, delete markers, replica modifications and SSE-KMS objects`,
      );
    },
  };
}

/** Two-way: the role the reverse rule names exists. */
export function reverseRoleCheck(): Check {
  return {
    id: 'reverse.role',
    async run(scope) {
      if (!(await reverseRule(scope))) return undefined;
      const arn = (await scope.facts.replication(scope.target.replica))?.Role;
      const name = arn ? arn.slice(arn.lastIndexOf('/') + 1) : scope.names?.reverseReplicationRole;
      if (!name) return warn('could not check: the replica replication configuration names no role');
      const role = await scope.facts.role(name);
      if (!role)
        return fail(`reverse replication role ${name} does not exist: S3 cannot replicate back`, FIX_REVERSE);
      return pass(`reverse replication role ${role.Arn ?? name} exists`);
    },
  };
}

/** Two-way: an alarm of the reverse rule exists in the replica's region and is not in ALARM. */
export function reverseAlarmCheck(kind: 'latency' | 'failed'): Check {
  return {
    id: `alarm.reverse${kind === 'latency' ? 'Latency' : 'Failed'}`,
    async run(scope) {
      if (!scope.names || !(await reverseRule(scope))) return undefined;
      const region = scope.facts.regionOf(scope.target.replica);
      const name = kind === 'latency' ? scope.names.reverseLatencyAlarm : scope.names.reverseFailedAlarm;
      const alarms = await scope.facts.alarms(
        [scope.names.reverseLatencyAlarm, scope.names.reverseFailedAlarm],
        region,
      );
      const alarm = alarms.get(name);
      if (!alarm) {
        return fail(
          `alarm ${name} does not exist in ${region}: nobody is told when replication back to the primary breaks`,
          FIX_REVERSE,
        );
      }
      if (alarm.StateValue === 'ALARM') {
        return fail(
          `alarm ${name} (${region}) is in ALARM: ${alarm.StateReason ?? 'no reason given'}`,
          '`s3-dr verify --source <replica> --replica <primary>` lists what has not come back',
        );
      }
      return pass(`alarm ${name} exists in ${region}, state ${alarm.StateValue}`);
    },
  };
}

/**
 * Two-way: the alarm topic in the replica's region (where the reverse alarms notify) has a
 * confirmed subscription; the same judgement as alarm.subscription, for that topic.
 */
export function reverseSubscriptionCheck(): Check {
  const check = alarmSubscriptionCheck();
  return {
    id: 'alarm.reverseSubscription',
    async run(scope) {
      if (!scope.names || !scope.account || !(await reverseRule(scope))) return undefined;
      const region = scope.facts.regionOf(scope.target.replica);
      if (region === scope.region) return undefined;
      const topicArn = `arn:${partitionOf(region)}:sns:${region}:${scope.account}:${scope.names.alarmTopic}`;
      const outcome = await check.run({
        ...scope,
        region,
        target: { ...scope.target, alarmTopicArn: topicArn },
      });
      return (
        outcome && { ...outcome, message: `${outcome.message} (${region}, where the reverse alarms notify)` }
      );
    },
  };
}

/**
 * Two-way: the last hour of the reverse rule's ReplicationLatency, read in the replica's region
 * (where S3 publishes the metrics of a rule on the replica bucket).
 */
export function reverseLatencyMetricCheck(): Check {
  return {
    id: 'metrics.reverseLatency',
    async run(scope) {
      const rule = await reverseRule(scope);
      if (!rule?.ID) return undefined;
      const { target, facts } = scope;
      const series = await facts.metrics(target.replica, target.source, rule.ID);
      const { value, latest } = summarise('latency', series.latency);
      const what = `ReplicationLatency of ${rule.ID} back to the primary (${facts.regionOf(target.replica)})`;
      if (value === undefined) {
        return pass(`${what}: no data in the last hour (S3 publishes it only while objects replicate)`);
      }
      const text = `${what}: max ${value} s in the last hour (latest ${latest} s)`;
      if (value > RTC_THRESHOLD_SECONDS) {
        return fail(
          `${text}, above the 15-minute RTC threshold`,
          `check alarm.reverseFailed and the reverse role's KMS permissions; \`s3-dr verify --source ${target.replica} --replica ${target.source}\` lists what has not come back`,
        );
      }
      return pass(text);
    },
  };
}

/** Who is active on an access point's routes, as a pure reading of them. */
export interface ActiveSide {
  readonly primary?: MultiRegionAccessPointRoute;
  readonly replica?: MultiRegionAccessPointRoute;
  readonly active: 'primary' | 'replica' | 'both' | 'none';
}

/** Reads the routes for the pair: which bucket takes the traffic (TrafficDialPercentage 100). */
export function activeSide(
  routes: readonly MultiRegionAccessPointRoute[],
  source: string,
  replica: string,
): ActiveSide {
  const primary = routes.find((r) => r.Bucket === source);
  const other = routes.find((r) => r.Bucket === replica);
  const on = (r?: MultiRegionAccessPointRoute) => (r?.TrafficDialPercentage ?? 0) > 0;
  const active = on(primary) && on(other) ? 'both' : on(primary) ? 'primary' : on(other) ? 'replica' : 'none';
  return { primary, replica: other, active };
}

/**
 * Whether the buckets live in two regions: only then can there be an access point (the stack
 * refuses `multiRegionAccessPoint=true` with one region), so a same-region pair asks nothing.
 */
function crossRegion({ target, facts }: Pick<AuditScope, 'target' | 'facts'>): boolean {
  return facts.regionOf(target.source) !== facts.regionOf(target.replica);
}

/** The Multi-Region Access Point exists, is READY, covers both buckets and blocks public access. */
export function accessPointCheck(): Check {
  return {
    id: 'accessPoint',
    async run({ target, names, account, facts }) {
      // A vault is a recovery copy: no access point serves it (failover says so).
      if (!names || !account || target.replicaAccount || !crossRegion({ target, facts })) return undefined;
      const name = names.multiRegionAccessPoint;
      const point = await facts.accessPoint(account, name);
      const sourceRegion = facts.regionOf(target.source);
      const replicaRegion = facts.regionOf(target.replica);
      if (!point) {
        return warn(
          `no Multi-Region Access Point ${name}: after a failover the applications must switch to ${target.replica} in ${replicaRegion} themselves`,
          'deploy with -c multiRegionAccessPoint=true to fail over by moving routes (s3-dr failover)',
        );
      }
      const covered = new Set((point.Regions ?? []).map((r) => r.Bucket));
      const uncovered = [target.source, target.replica].filter((b) => !covered.has(b));
      if (uncovered.length > 0) {
        return fail(
          `access point ${name} does not cover ${uncovered.join(' and ')}: a failover cannot move traffic there`,
          'redeploy the stacks (npx cdk deploy --all)',
        );
      }
      const pab = point.PublicAccessBlock;
      const open = (
        ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const
      ).filter((s) => pab?.[s] !== true);
      if (open.length > 0) {
        return fail(
          `access point ${name} has ${open.join(', ')} off`,
          'redeploy the stacks (npx cdk deploy --all)',
        );
      }
      if (point.Status !== 'READY') {
        return warn(`access point ${name} (${point.Alias}) is ${point.Status}, not READY`);
      }
      return pass(
        `access point ${name} (${point.Alias}) is READY over ${target.source} (${sourceRegion}) and ${target.replica} (${replicaRegion}), public access blocked`,
      );
    },
  };
}

/** Which side of the access point is active: the primary normally, the replica after a failover. */
export function activeSideCheck(): Check {
  return {
    id: 'accessPoint.routes',
    async run({ target, names, account, region, facts, suffix }) {
      if (!names || !account || target.replicaAccount || !crossRegion({ target, facts })) return undefined;
      const point = await facts.accessPoint(account, names.multiRegionAccessPoint);
      if (!point?.Alias) return undefined;
      const arn = accessPointArn(partitionOf(region), account, point.Alias);
      let routes: Awaited<ReturnType<typeof facts.routes>>;
      try {
        routes = await facts.routes(account, arn);
      } catch (err) {
        // The control plane's own words (which regions failed, and why) say more than a FactError.
        const cause = err instanceof FactError ? err.cause : err;
        return warn(
          `could not read the routes of ${names.multiRegionAccessPoint}: ${(cause as Error)?.message ?? String(cause)}`,
        );
      }
      return describeSide(
        activeSide(routes, target.source, target.replica),
        target.source,
        target.replica,
        suffix,
      );
    },
  };
}

export function describeSide(side: ActiveSide, source: string, replica: string, suffix?: string): Outcome {
  const dial = (r?: MultiRegionAccessPointRoute) =>
    r ? `${r.TrafficDialPercentage ?? 0} (${r.Region ?? '?'})` : 'no route';
  const routes = `routes: ${source} ${dial(side.primary)}, ${replica} ${dial(side.replica)}`;
  const env = suffix ? ` --env ${suffix}` : '';
  switch (side.active) {
    case 'primary':
      return pass(`the primary side is active, the replica passive (${routes})`);
    case 'replica':
      return warn(
        `failed over: the replica side is active, the primary passive (${routes})`,
        `once the primary is healthy and what was written meanwhile is back in it: s3-dr failback${env}`,
      );
    case 'both':
      return warn(
        `both sides are active: requests go to either bucket (${routes})`,
        `s3-dr failback${env} makes the primary the only active side`,
      );
    case 'none':
      return fail(`no side is active (${routes})`, `s3-dr failback${env} --force makes the primary active`);
  }
}

/** The topology checks, in checklist order, after the checks every pair gets. */
export const TOPOLOGY_CHECKS: readonly Check[] = [
  reverseRuleCheck(),
  reverseRoleCheck(),
  reverseAlarmCheck('latency'),
  reverseAlarmCheck('failed'),
  reverseSubscriptionCheck(),
  reverseLatencyMetricCheck(),
  accessPointCheck(),
  activeSideCheck(),
];
