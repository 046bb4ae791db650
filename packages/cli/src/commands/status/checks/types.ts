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
  /**
   * Set while a check of the primary's side runs on a vault's own (VAULT_CHECKS): what it finds
   * is then the vault stack's to put right.
   */
  readonly inVault?: boolean;
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

/**
 * What a fix depends on: buckets of no known deployment (--source/--replica, names not the naming
 * contract's) belong to no stack that a deploy could put right; a setting of a vault is put right
 * by the vault's own stack, deployed with the vault account's credentials.
 */
export type FixScope = Pick<AuditScope, 'target' | 'suffix' | 'inVault'>;

/**
 * `role`: the bucket whose setting the fix puts right; none for what lives on the side the check
 * runs on (the primary's, or the vault's own for {@link AuditScope.inVault}).
 */
function vaultOwns(scope: FixScope, role?: BucketRole): boolean {
  return scope.target.replicaAccount !== undefined && (role === 'replica' || scope.inVault === true);
}

/** `redeploy the stack` or, for a setting of a vault, its stack and the account to deploy it with. */
function redeployWhat(scope: FixScope, role?: BucketRole): { who: string; command: string } {
  if (!vaultOwns(scope, role)) {
    // With a vault each stack is deployed with its own account's credentials: the primary's alone
    // (docs/vault.md), since the vault stack is out of those credentials' reach.
    const primaryOnly =
      scope.target.replicaAccount !== undefined && scope.suffix !== undefined
        ? `npx cdk deploy TapStack${scope.suffix} --exclusively`
        : 'npx cdk deploy';
    return { who: 'the stack', command: primaryOnly };
  }
  const stack = scope.suffix !== undefined ? `TapStack${scope.suffix}Replica` : 'the vault stack';
  return {
    who: `${stack} (credentials of account ${scope.target.replicaAccount})`,
    command: scope.suffix !== undefined ? `npx cdk deploy ${stack}` : 'npx cdk deploy',
  };
}

/** The fix most misconfigurations share: the stack sets it, so a deploy puts it back. */
export function redeploy(scope: FixScope, role?: BucketRole, deployArgs = ''): string {
  const { who, command } = redeployWhat(scope, role);
  return `redeploy ${who} (${command}${deployArgs})`;
}

/** A redeploy with the command that does the same by hand; for buckets of no deployment, the command alone. */
export function redeployOr(scope: FixScope, role: BucketRole | undefined, command: string): string {
  // A command on a vault's side runs with the vault account's credentials, not the caller's.
  const byHand = vaultOwns(scope, role)
    ? `${command} (with credentials of account ${scope.target.replicaAccount})`
    : command;
  return scope.suffix === undefined ? byHand : `${redeploy(scope, role)}, or: ${byHand}`;
}

/** A redeploy with a setting changed: `redeploy with <setting>`, naming the stack when it is a vault's. */
export function redeployWith(scope: FixScope, role: BucketRole | undefined, setting: string): string {
  return vaultOwns(scope, role)
    ? `redeploy ${redeployWhat(scope, role).who} with ${setting}`
    : `redeploy with ${setting}`;
}

/**
 * How to turn the protection back on: it is the stack's default. For buckets of no deployment, the
 * statements the stack would add, by hand.
 */
export function redeployProtected(scope: FixScope, role: BucketRole): string {
  if (scope.suffix === undefined)
    return 'add deny statements for these actions to the policy, exempting only the roles that must use them, as docs/protection.md shows for an s3-dr deployment';
  return `redeploy ${redeployWhat(scope, role).who} with protectReplica on (the default: drop -c protectReplica=false)`;
}
