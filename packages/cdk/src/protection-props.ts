import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { isValidRoleArn, ROLE_ARN_RULE } from './deployment-role';

/** The protection props of `S3ReplicationPair`, as `protectionProblems` validates them. */
export interface ProtectionProps {
  readonly removalPolicy?: RemovalPolicy;
  readonly replicaObjectLock?: s3.ObjectLockRetention;
  readonly protectReplica?: boolean;
  readonly breakGlassRoleArn?: string;
  readonly deploymentRoleArn?: string;
}

/** The ARN of a role named by the naming contract, in the account and partition of `scope`'s stack. */
export function roleArn(scope: Construct, roleName: string): string {
  return Stack.of(scope).formatArn({ service: 'iam', region: '', resource: 'role', resourceName: roleName });
}

/** Longest default retention accepted: ten years. */
export const MAX_OBJECT_LOCK_DAYS = 3650;

/** Problems with the protection props: range, ARNs, and the combinations that cannot work. */
export function protectionProblems(props: ProtectionProps, deploymentRole: string | undefined): string[] {
  const problems: string[] = [];
  const lock = props.replicaObjectLock;
  if (lock) {
    const days = lockDays(lock);
    const shown = `${lock.mode}, ${days ?? lock.duration.toHumanString()}${days === undefined ? '' : ' days'}`;
    if (days === undefined || days < 1 || days > MAX_OBJECT_LOCK_DAYS) {
      problems.push(
        `replicaObjectLock: '${shown}' is invalid; expected a default retention of 1 to ${MAX_OBJECT_LOCK_DAYS} whole days`,
      );
    }
    if ((props.removalPolicy ?? RemovalPolicy.DESTROY) !== RemovalPolicy.RETAIN) {
      problems.push(
        `replicaObjectLock: '${shown}' needs removalPolicy RemovalPolicy.RETAIN, not RemovalPolicy.DESTROY${props.removalPolicy === undefined ? ' (the default)' : ''}: a bucket under Object Lock cannot be emptied, so deleting the stack could not delete it`,
      );
    }
  }
  const protect = props.protectReplica ?? true;
  for (const key of ['breakGlassRoleArn', 'deploymentRoleArn'] as const) {
    const value = props[key];
    if (value !== undefined && !Token.isUnresolved(value) && !isValidRoleArn(value)) {
      problems.push(`${key}: '${value}' is invalid; expected ${ROLE_ARN_RULE}`);
    }
  }
  if (props.breakGlassRoleArn !== undefined && !protect) {
    problems.push(
      `breakGlassRoleArn: '${props.breakGlassRoleArn}' has no effect with protectReplica false (there is no deny to exempt it from); drop it or protect the replica`,
    );
  }
  if (protect && deploymentRole === undefined) {
    problems.push(
      "protectReplica: the stack's synthesizer names no CloudFormation execution role, so the principal that deploys the stack is unknown and would be locked out of the replica's configuration and keys; pass deploymentRoleArn (the role CloudFormation deploys with), use the DefaultStackSynthesizer with a bootstrapped environment, or set protectReplica to false",
    );
  }
  return problems;
}

function lockDays(lock: s3.ObjectLockRetention): number | undefined {
  try {
    return lock.duration.toDays({ integral: true });
  } catch {
    return undefined;
  }
}
