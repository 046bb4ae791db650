import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { motoEndpoint, uniqueBucket } from '../../../../test/support/moto';

/** An S3 client for the moto_server jest started. */
export function motoS3(): S3Client {
  return new S3Client({
    endpoint: motoEndpoint(),
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

/**
 * A moto client whose HeadObject answers report `status` as the ReplicationStatus, as S3 does for
 * objects a replication rule applies to (moto does not replicate, so it never sets one).
 */
export function motoS3WithReplicationStatus(status: 'PENDING' | 'FAILED'): S3Client {
  const client = motoS3();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'HeadObjectCommand') {
        (result.output as { ReplicationStatus?: string }).ReplicationStatus = status;
      }
      return result;
    },
    { step: 'initialize', name: 'fakeReplicationStatus' },
  );
  return client;
}

export async function createVersionedBucket(s3: S3Client, prefix: string): Promise<string> {
  const bucket = uniqueBucket(prefix);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  return bucket;
}

export async function keysUnder(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((object) => object.Key as string);
}

export async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString()) ?? '';
}

/** Plays S3's replicator: copies every object under `prefix` from `source` to `destination`. */
export async function replicate(
  s3: S3Client,
  source: string,
  destination: string,
  prefix: string,
): Promise<void> {
  for (const key of await keysUnder(s3, source, prefix)) {
    const body = await readText(s3, source, key);
    await s3.send(new PutObjectCommand({ Bucket: destination, Key: key, Body: body }));
  }
}
