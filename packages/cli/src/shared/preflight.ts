import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from './aws';
import { CliError, describeAwsError, EXIT } from './errors';
import { type BucketRegions, headBucket, s3ForBuckets } from './regions';
import type { Target } from './target';

/** How a bucket of the target is named in messages, with where its name came from when that helps. */
export function describeBucket(target: Target, which: 'source' | 'replica'): string {
  const bucket = which === 'source' ? target.source : target.replica;
  const how =
    target.origin === 'naming'
      ? ` (named by the naming contract for suffix ${target.suffix}: its stack was not readable)`
      : '';
  return `${which} bucket ${bucket}${how}`;
}

/**
 * Fails with exit code 2 and one line unless both buckets exist and are reachable, the source with
 * the caller's credentials and the replica with the replica side's (HeadBucket needs
 * s3:ListBucket). Returns the region of each bucket, as HeadBucket states it (buckets of a
 * cross-region pair live in two regions).
 */
export async function assertBucketsExist(clients: AwsClients, target: Target): Promise<BucketRegions> {
  const regions = new Map<string, string>();
  try {
    regions.set(target.source, (await headBucket(clients, target.source)).region ?? clients.region);
  } catch (err) {
    throw describeAwsError(err, describeBucket(target, 'source'));
  }
  try {
    const side = clients.replicaSide;
    regions.set(target.replica, (await headBucket(side, target.replica)).region ?? clients.region);
  } catch (err) {
    throw describeReplicaError(err, clients, target);
  }
  return regions;
}

/**
 * The one line for a replica-side resource that could not be read. A refusal or missing
 * credentials with --replica-profile/--replica-role-arn names the option; without them, when the
 * replica is a vault in another account (output ReplicaAccount), it says how to give the vault's
 * credentials. A replica the naming contract named (stack not readable) that does not exist may be
 * a vault, whose name carries its own account's id: it says which options name it. Anything else
 * as {@link describeAwsError} says it.
 */
export function describeReplicaError(
  err: unknown,
  clients: AwsClients,
  target: Target,
  resource: string = describeBucket(target, 'replica'),
): CliError {
  const described = describeAwsError(err, resource);
  if (described.code === 'not-found' && target.origin === 'naming' && !clients.separateReplicaCredentials) {
    // The contract named the replica with the primary's account: a vault's carries its own account.
    return new CliError(
      `${described.message}; a vault in another account is named with that account's id: pass --replica-profile or --replica-role-arn to reach it`,
      described.exitCode,
      described.code,
    );
  }
  if (described.code !== 'access-denied' && described.code !== 'no-credentials') return described;
  const refusal = described.code === 'access-denied' ? 'access denied' : 'no credentials';
  if (clients.replicaVia) {
    return new CliError(
      `${refusal} to ${resource} with the replica side's credentials (${clients.replicaVia}): they need read access to it${target.replicaAccount ? ` and must be of account ${target.replicaAccount}` : ''}`,
      EXIT.usage,
      described.code,
    );
  }
  if (target.replicaAccount) return vaultCredentialsNeeded(resource, target.replicaAccount, refusal);
  return described;
}

/** The line for a vault the primary's credentials cannot read: which option gives the vault's. */
export function vaultCredentialsNeeded(resource: string, account: string, refusal: string): CliError {
  return new CliError(
    `${resource} is in account ${account} (a vault in another account) and the primary's credentials cannot read it (${refusal}): pass --replica-profile <a profile of account ${account}> or --replica-role-arn arn:aws:iam::${account}:role/<role>`,
    EXIT.usage,
    'access-denied',
  );
}

/**
 * The target's S3 client: each bucket in its region, the replica (and `alsoReplicaSide`, e.g. the
 * ops bucket holding its inventory reports) with the replica side's credentials.
 */
export function s3ForTarget(
  clients: AwsClients,
  target: Target,
  regions: BucketRegions,
  alsoReplicaSide: readonly string[] = [],
): S3Client {
  return s3ForBuckets(clients, regions, [target.replica, ...alsoReplicaSide]);
}
