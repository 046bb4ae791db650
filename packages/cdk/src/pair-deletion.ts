import { Stack, Token } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { deploymentNames } from 's3-dr-naming';
import type { EncryptedBucket } from './encrypted-bucket';
import type { ReplicaPlacement } from './replica-placement';
import type { ReplicationCanary } from './replication-canary';
import { noteRetainedResources } from './retained-resources';
import type { ReverseReplicationRule } from './reverse-replication-rule';

/** What must be gone before a bucket is emptied on `cdk destroy`. */
export interface DeletionOrderInputs {
  readonly placement: ReplicaPlacement;
  readonly primary: EncryptedBucket;
  readonly replica: EncryptedBucket;
  readonly canaries: ReplicationCanary[];
  readonly reverseRule?: ReverseReplicationRule;
}

/**
 * On `cdk destroy` nothing may write to a bucket after it was emptied, or its deletion fails with
 * BucketNotEmpty. CloudFormation deletes a resource before the resources it depends on, so: the
 * canary's schedule and function go before either bucket is emptied (a probe written late would
 * land in the primary and replicate), the reverse rule (two-way) goes before the primary is emptied,
 * and the primary bucket, with its replication configuration, goes before the replica is emptied
 * (replication still running would refill it). With the replica in a stack of its own, that stack
 * is deleted after the primary's (`cdk destroy --all` follows the stack dependency). With `retain`
 * nothing is emptied and there is nothing to order.
 */
export function orderDeletion(inputs: DeletionOrderInputs): void {
  const emptying = (bucket: s3.Bucket) => bucket.node.tryFindChild('AutoDeleteObjectsCustomResource');
  const emptyPrimary = emptying(inputs.primary.bucket);
  const emptyReplica = inputs.placement.separateStack ? undefined : emptying(inputs.replica.bucket);
  for (const empty of [emptyPrimary, emptyReplica]) {
    if (!empty) continue;
    for (const canary of inputs.canaries) {
      canary.schedule.node.addDependency(empty);
      canary.function.fn.node.defaultChild?.node.addDependency(empty);
    }
    inputs.reverseRule?.node.addDependency(empty);
  }
  if (emptyReplica) inputs.primary.bucket.node.defaultChild?.node.addDependency(emptyReplica);
}

/** What `cdk destroy` keeps (named resources only), by name; `<account>` when the account is a token. */
export function noteRetained(
  pair: Construct,
  suffix: string,
  placement: ReplicaPlacement,
  replicaOpsBucket: s3.Bucket | undefined,
): void {
  const shownAccount = (a: string) => (Token.isUnresolved(a) ? '<account>' : a);
  const account = shownAccount(Stack.of(pair).account);
  // A vault's buckets carry the vault's account.
  const shown = deploymentNames(suffix, account, shownAccount(placement.account));
  noteRetainedResources(pair, {
    suffix,
    bucketNames: [
      shown.primaryBucket,
      shown.replicaBucket,
      shown.accessLogsBucket,
      ...(placement.separateStack ? [shown.replicaAccessLogsBucket] : []),
      shown.opsBucket,
      ...(replicaOpsBucket ? [shown.replicaOpsBucket] : []),
    ],
    logGroupName: shown.logGroup,
  });
}
