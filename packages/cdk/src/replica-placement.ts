import { Stack, Stage, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { S3ReplicationPairProps } from './pair-props';
import { isCrossRegion } from './pair-validation';

/** The feature flag that makes server access logging use a bucket policy (set on the pair's scope). */
export const ACCESS_LOGS_BUCKET_POLICY_FLAG = '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy';

/**
 * Where the replica side of a pair lives: beside the primary in the pair itself, or, in another
 * region, in a stack of its own (`<top-level stack name>Replica`) that the pair's stack depends on.
 */
export interface ReplicaPlacement {
  /** The scope of the replica side's constructs: the pair, or `separateStack`. */
  readonly scope: Construct;
  /** Region of the replica bucket. */
  readonly region: string;
  /** Account of the replica bucket, as the pair's stack names it. */
  readonly account: string;
  /**
   * The replica side's own stack when it cannot live in the pair's: CloudFormation cannot reference
   * it from there, so the pair's stack knows it by names (see `replica-reference.ts`), and it has its
   * own access-log bucket, alarm topic and tamper watch.
   */
  readonly separateStack?: Stack;
  /** The replica is in another region than the primary (what region-bound services care about). */
  readonly crossRegion: boolean;
  /** The replica is a vault in another account (`replicaAccount`): see `pair-vault.ts`. */
  readonly vault: boolean;
}

/** Decides where the replica side of `pair` lives, and creates its stack when that is elsewhere. */
export function placeReplica(pair: Construct, props: S3ReplicationPairProps): ReplicaPlacement {
  const stack = Stack.of(pair);
  const crossRegion = isCrossRegion(pair, props);
  const region = crossRegion ? (props.replicaRegion as string) : stack.region;
  const vault = props.replicaAccount !== undefined;
  const account = props.replicaAccount ?? stack.account;
  const separateStack =
    crossRegion || vault ? createReplicaStack(pair, region, account, props.environmentSuffix) : undefined;
  return { scope: separateStack ?? pair, region, account, separateStack, crossRegion, vault };
}

/** The replica side's own stack, in the replica's account and region, deployed before the pair's stack. */
function createReplicaStack(pair: Construct, region: string, account: string, suffix: string): Stack {
  const top = topLevelStack(Stack.of(pair));
  const stage = Stage.of(pair);
  if (!stage)
    throw new Error('S3ReplicationPair: a replica in another region needs the pair inside an App or Stage');
  // `TapStack<suffix>Replica` in the s3-dr app (the naming contract's replicaStackName).
  const name = `${top.stackName}Replica`;
  const replicaStack = new Stack(stage, name, {
    stackName: name,
    env: {
      account: Token.isUnresolved(account) ? undefined : account,
      region,
    },
    description: `s3-dr ${suffix}: the replica side of ${top.stackName} (replica bucket, its key and access logs)`,
  });
  top.addStackDependency(replicaStack, 'the replication rule needs the replica bucket to exist');
  // As on the pair itself: access logs granted by bucket policy in this stack too.
  replicaStack.node.setContext(ACCESS_LOGS_BUCKET_POLICY_FLAG, true);
  return replicaStack;
}

/** The top-level stack a (possibly nested) stack belongs to. */
function topLevelStack(stack: Stack): Stack {
  let top = stack;
  while (top.nestedStackParent) top = top.nestedStackParent;
  return top;
}
