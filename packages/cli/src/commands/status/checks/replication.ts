import type { ReplicationConfiguration, ReplicationRule } from '@aws-sdk/client-s3';
import type { Target } from '../../../shared/target';
import type { Facts } from './facts';
import { type AuditScope, type Check, fail, type Outcome, pass, warn } from './types';

/** The rule the audit looks at, or why there is none. */
export type RuleLookup =
  | { readonly rule: ReplicationRule; readonly config: ReplicationConfiguration }
  | { readonly problem: string; readonly config?: ReplicationConfiguration };

/**
 * Finds the replication rule of the deployment on the source bucket: the rule with the known id
 * (stack output or naming contract), else the enabled rule whose destination is the replica.
 */
export async function findRule(target: Target, facts: Facts, ruleId?: string): Promise<RuleLookup> {
  const config = await facts.replication(target.source);
  if (!config) return { problem: `${target.source} has no replication configuration` };
  const rules = config.Rules ?? [];
  const rule = ruleId
    ? rules.find((r) => r.ID === ruleId)
    : (rules.find((r) => r.Status === 'Enabled' && isToReplica(r, target)) ??
      rules.find((r) => isToReplica(r, target)));
  if (!rule) {
    const ids = rules.map((r) => r.ID ?? '(no id)').join(', ') || 'none';
    const wanted = ruleId ? `rule ${ruleId}` : `a rule replicating to ${target.replica}`;
    return { problem: `${target.source} has no ${wanted} (rules: ${ids})`, config };
  }
  return { rule, config };
}

function isToReplica(rule: ReplicationRule, target: Target): boolean {
  return rule.Destination?.Bucket === `arn:aws:s3:::${target.replica}`;
}

function ruleIdOf(scope: AuditScope): string | undefined {
  return scope.target.replicationRuleId ?? scope.names?.replicationRuleId;
}

const FIX_RULE =
  'redeploy the stack (npx cdk deploy): it owns the replication configuration of the primary bucket; for a pair outside s3-dr, correct the rule with aws s3api put-bucket-replication';

/** A check of one property of the rule; WARN "could not check" when there is no rule to look at. */
function ruleCheck(
  id: string,
  inspect: (rule: ReplicationRule, scope: AuditScope) => Promise<Outcome> | Outcome,
): Check {
  return {
    id,
    async run(scope) {
      const found = await findRule(scope.target, scope.facts, ruleIdOf(scope));
      if (!('rule' in found)) return warn('could not check: no replication rule (see replication.rule)');
      return inspect(found.rule, scope);
    },
  };
}

/** The rule exists, is enabled and replicates to the replica bucket. */
export function ruleCheckEnabled(): Check {
  return {
    id: 'replication.rule',
    async run(scope) {
      const found = await findRule(scope.target, scope.facts, ruleIdOf(scope));
      if (!('rule' in found)) return fail(found.problem, FIX_RULE);
      const { rule } = found;
      if (rule.Status !== 'Enabled') return fail(`replication rule ${rule.ID} is ${rule.Status}`, FIX_RULE);
      if (!isToReplica(rule, scope.target)) {
        return fail(
          `replication rule ${rule.ID} replicates to ${rule.Destination?.Bucket}, not to ${scope.target.replica}`,
          FIX_RULE,
        );
      }
      return pass(`replication rule ${rule.ID} is Enabled and replicates to ${scope.target.replica}`);
    },
  };
}

/** The rule covers every object: no prefix, tag or size filter. */
export function scopeCheck(): Check {
  return ruleCheck('replication.scope', (rule) => {
    const filter = rule.Filter;
    const narrowing = [
      rule.Prefix ? `prefix '${rule.Prefix}'` : undefined,
      filter?.Prefix ? `prefix '${filter.Prefix}'` : undefined,
      filter?.Tag ? `tag ${filter.Tag.Key}=${filter.Tag.Value}` : undefined,
      filter?.And?.Prefix ? `prefix '${filter.And.Prefix}'` : undefined,
      ...(filter?.And?.Tags ?? []).map((t) => `tag ${t.Key}=${t.Value}`),
    ].filter((x): x is string => x !== undefined);
    if (narrowing.length > 0) {
      return fail(
        `replication rule ${rule.ID} only replicates objects with ${narrowing.join(' and ')}`,
        FIX_RULE,
      );
    }
    return pass(`replication rule ${rule.ID} covers all objects`);
  });
}

/** S3 Replication Time Control with the 15-minute SLA. */
export function rtcCheck(): Check {
  return ruleCheck('replication.rtc', (rule) => {
    const rtc = rule.Destination?.ReplicationTime;
    if (rtc?.Status === 'Enabled' && rtc.Time?.Minutes === 15) {
      return pass('Replication Time Control is Enabled (15 minutes)');
    }
    return fail(
      `Replication Time Control is ${rtc?.Status ?? 'off'} on rule ${rule.ID}: no 15-minute replication SLA`,
      FIX_RULE,
    );
  });
}

/** Replication metrics (needed by RTC, the alarms and the metric checks below). */
export function metricsEnabledCheck(): Check {
  return ruleCheck('replication.metrics', (rule) => {
    const metrics = rule.Destination?.Metrics;
    if (metrics?.Status === 'Enabled' && metrics.EventThreshold?.Minutes === 15) {
      return pass('replication metrics are Enabled (event threshold 15 minutes)');
    }
    return fail(
      `replication metrics are ${metrics?.Status ?? 'off'} on rule ${rule.ID}: no ReplicationLatency or failure metrics, the alarms cannot fire`,
      FIX_RULE,
    );
  });
}

/** Delete markers made on the primary reach the replica. */
export function deleteMarkersCheck(): Check {
  return ruleCheck('replication.deleteMarkers', (rule) => {
    const status = rule.DeleteMarkerReplication?.Status;
    if (status === 'Enabled') return pass('delete markers are replicated');
    return fail(
      `delete marker replication is ${status ?? 'off'} on rule ${rule.ID}: objects deleted on the primary stay current on the replica`,
      FIX_RULE,
    );
  });
}

/** Metadata changes made on replicas are synced back (two-way replication). */
export function replicaModificationsCheck(): Check {
  return ruleCheck('replication.replicaModifications', (rule) => {
    const status = rule.SourceSelectionCriteria?.ReplicaModifications?.Status;
    if (status === 'Enabled') return pass('replica modification sync is Enabled');
    return fail(`replica modification sync is ${status ?? 'off'} on rule ${rule.ID}`, FIX_RULE);
  });
}

/** SSE-KMS encrypted objects are selected for replication (every object here is SSE-KMS). */
export function sseKmsCheck(): Check {
  return ruleCheck('replication.sseKms', (rule) => {
    const status = rule.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status;
    if (status === 'Enabled') return pass('SSE-KMS encrypted objects are replicated');
    return fail(
      `SSE-KMS encrypted objects are not selected by rule ${rule.ID} (SseKmsEncryptedObjects ${status ?? 'off'}): they are not replicated`,
      FIX_RULE,
    );
  });
}

/**
 * The replicas are encrypted with an existing, enabled key: the replica bucket's own. S3 accepts a
 * wrong key id with 200 OK, and replication then fails silently.
 */
export function replicaKeyCheck(): Check {
  return ruleCheck('replication.replicaKey', async (rule, { target, facts }) => {
    const keyId = rule.Destination?.EncryptionConfiguration?.ReplicaKmsKeyID;
    if (!keyId) {
      return fail(`rule ${rule.ID} names no replica KMS key: SSE-KMS objects cannot be replicated`, FIX_RULE);
    }
    const key = await facts.key(keyId);
    if (!key?.Arn) {
      return fail(
        `replica key ${keyId} of rule ${rule.ID} does not exist: replication fails silently`,
        FIX_RULE,
      );
    }
    if (key.KeyState && key.KeyState !== 'Enabled') {
      return fail(
        `replica key ${key.Arn} is ${key.KeyState}: replication fails`,
        `aws kms enable-key --key-id ${key.Arn}`,
      );
    }
    const bucketKeyId = (await facts.encryption(target.replica))?.ApplyServerSideEncryptionByDefault
      ?.KMSMasterKeyID;
    const bucketKey = bucketKeyId ? await facts.key(bucketKeyId) : undefined;
    if (!bucketKey?.Arn) {
      return warn(
        `replicas are encrypted with ${key.Arn}; ${target.replica} has no key of its own to compare with`,
      );
    }
    if (bucketKey.Arn !== key.Arn) {
      return fail(
        `replicas are encrypted with ${key.Arn}, not with the replica bucket's key ${bucketKey.Arn}`,
        FIX_RULE,
      );
    }
    return pass(`replicas are encrypted with the replica bucket's key ${key.Arn}`);
  });
}

/** The role S3 assumes to replicate exists. */
export function roleCheck(): Check {
  return {
    id: 'replication.role',
    async run({ target, names, facts }) {
      const config = await facts.replication(target.source);
      const arn = config?.Role ?? target.replicationRoleArn;
      const name = arn ? arn.slice(arn.lastIndexOf('/') + 1) : names?.replicationRole;
      if (!name) return warn('could not check: no replication configuration names a role');
      const role = await facts.role(name);
      if (!role) {
        return fail(
          `replication role ${name} does not exist: S3 cannot replicate`,
          'redeploy the stack (npx cdk deploy): it creates the role and the replication configuration together',
        );
      }
      return pass(`replication role ${role.Arn ?? name} exists`);
    },
  };
}
