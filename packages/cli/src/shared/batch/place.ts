import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { AwsClients } from '../aws';
import { describeAwsError } from '../errors';
import { type BucketRegions, headBucket, s3ForBuckets } from '../regions';

/**
 * Where a Batch Operations job runs and keeps its files. Jobs are regional, and the region is the
 * bucket's, whatever --region says: "You must create your Batch Operations Copy jobs in the
 * destination Region" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-copy-object.html);
 * a Batch Replication job runs where its source is, whose generated manifest "must be stored in the
 * same AWS Region as the source bucket"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html).
 */
export interface JobPlace {
  /** The region of the bucket the job acts on: CreateJob and DescribeJob go there. */
  readonly jobRegion: string;
  /** The region of the ops bucket (manifests and completion reports). */
  readonly opsRegion: string;
  /** S3 Control of the job's region. */
  readonly s3Control: S3ControlClient;
  /** S3 that sends each request to the region of the bucket it names, the ops bucket included. */
  readonly s3: S3Client;
}

/**
 * Finds where a job on `job.bucket` runs. Both buckets must exist (HeadBucket, which also states
 * their region): a missing ops bucket stops the plan with one line, before anything is written.
 * `known` are regions already looked up (other buckets the command reads and writes).
 */
export async function placeJob(
  clients: AwsClients,
  job: { readonly bucket: string; readonly what: string },
  opsBucket: string,
  known: BucketRegions = new Map(),
): Promise<JobPlace> {
  const regions = new Map(known);
  for (const [what, bucket] of [
    [job.what, job.bucket],
    ['ops bucket', opsBucket],
  ] as const) {
    if (regions.has(bucket) && bucket !== opsBucket) continue;
    try {
      regions.set(bucket, (await headBucket(clients, bucket)).region ?? clients.region);
    } catch (err) {
      throw describeAwsError(err, `${what} ${bucket}`);
    }
  }
  const jobRegion = regions.get(job.bucket) ?? clients.region;
  return {
    jobRegion,
    opsRegion: regions.get(opsBucket) ?? clients.region,
    s3Control: clients.inRegion(jobRegion).s3Control,
    s3: s3ForBuckets(clients, regions),
  };
}
