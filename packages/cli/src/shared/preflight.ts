import type { AwsClients } from './aws';
import { describeAwsError } from './errors';
import { type BucketRegions, headBucket } from './regions';
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
 * Fails with exit code 2 and one line unless both buckets exist and are reachable with the
 * caller's credentials (HeadBucket needs s3:ListBucket). Returns the region of each bucket, as
 * HeadBucket states it (buckets of a cross-region pair live in two regions).
 */
export async function assertBucketsExist(clients: AwsClients, target: Target): Promise<BucketRegions> {
  const regions = new Map<string, string>();
  for (const which of ['source', 'replica'] as const) {
    const bucket = which === 'source' ? target.source : target.replica;
    try {
      regions.set(bucket, (await headBucket(clients, bucket)).region ?? clients.region);
    } catch (err) {
      throw describeAwsError(err, describeBucket(target, which));
    }
  }
  return regions;
}
