import type { DeploymentNames } from 's3-dr-naming';
import type { Target } from '../../../shared/target';
import type { Facts } from './facts';

/** PASS: as it should be. WARN: worth a look, or could not be checked. FAIL: broken, with a fix. */
export type CheckStatus = 'PASS' | 'WARN' | 'FAIL';

/** What one check found. `fix` is set on every FAIL: what to do about it. */
export interface Outcome {
  readonly status: CheckStatus;
  readonly message: string;
  readonly fix?: string;
}

export interface CheckResult extends Outcome {
  /** Stable identifier such as `primary.versioning` or `replication.rtc`. */
  readonly id: string;
}

/** What every check can look at: the target, the deployment's names (when known) and the facts. */
export interface AuditScope {
  readonly target: Target;
  /** The deployment's suffix, when known or derivable from the bucket names. */
  readonly suffix?: string;
  /** Names from the naming contract; undefined when the deployment's suffix is unknown. */
  readonly names?: DeploymentNames;
  /** The account in the naming contract's bucket names, when they follow it. */
  readonly account?: string;
  /** The region the CLI talks to. */
  readonly region: string;
  readonly facts: Facts;
  /**
   * A vault in another account (`target.replicaAccount`): the facts of its account and region, read
   * with the replica side's credentials (its tamper rule, alarms and topic).
   */
  readonly vaultFacts?: Facts;
}

/**
 * One check of the audit. `run` returns undefined when the check does not apply (an optional
 * alarm that was never deployed). Errors thrown by `run` become a WARN "could not check".
 */
export interface Check {
  readonly id: string;
  run(scope: AuditScope): Promise<Outcome | undefined>;
}

export function pass(message: string): Outcome {
  return { status: 'PASS', message };
}

export function warn(message: string, fix?: string): Outcome {
  return fix === undefined ? { status: 'WARN', message } : { status: 'WARN', message, fix };
}

export function fail(message: string, fix: string): Outcome {
  return { status: 'FAIL', message, fix };
}

/** Which bucket of the pair a per-bucket check looks at. */
export type BucketRole = 'primary' | 'replica';

export function bucketOf(target: Target, role: BucketRole): string {
  return role === 'primary' ? target.source : target.replica;
}

/** The fix most misconfigurations share: the stack sets it, so a deploy puts it back. */
export const REDEPLOY = 'redeploy the stack (npx cdk deploy)';

/** How to turn the replica's protection back on: it is the stack's default. */
export const REDEPLOY_PROTECTED =
  'redeploy the stack with protectReplica on (the default: drop -c protectReplica=false)';

/** The same for buckets of no deployment: the statements the stack would add, by hand. */
const PROTECT_BY_HAND =
  'add deny statements for these actions to the policy, exempting only the roles that must use them, as docs/protection.md shows for an s3-dr deployment';

export function redeployOr(command: string): string {
  return `${REDEPLOY}, or: ${command}`;
}

/**
 * A fix as this target can use it: buckets of no known deployment (--source/--replica, names not
 * the naming contract's) belong to no stack that a deploy could put right, so only the command is
 * left; a setting of a vault is put right by the vault's own stack, deployed with the vault
 * account's credentials.
 */
export function fixForTarget(
  fix: string,
  scope: Pick<AuditScope, 'target' | 'suffix'>,
  checkId: string,
): string {
  const { target } = scope;
  const alternative = fix.startsWith(`${REDEPLOY}, or: `) ? fix.slice(REDEPLOY.length + 6) : undefined;
  if (scope.suffix === undefined && alternative !== undefined) return alternative;
  if (scope.suffix === undefined && fix === REDEPLOY_PROTECTED) return PROTECT_BY_HAND;
  const inVault = target.replicaAccount !== undefined && /^(replica|vault)\./.test(checkId);
  if (inVault && fix.startsWith('redeploy')) {
    const stack = scope.suffix !== undefined ? `TapStack${scope.suffix}Replica` : 'the vault stack';
    const rest = fix
      .replace(/^redeploy( the stack)?/, '')
      .replace(
        '(npx cdk deploy',
        scope.suffix !== undefined ? `(npx cdk deploy ${stack}` : '(npx cdk deploy',
      );
    return `redeploy ${stack} (credentials of account ${target.replicaAccount})${rest}`;
  }
  return fix;
}
