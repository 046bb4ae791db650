import {
  CreateBucketCommand,
  GetObjectCommand,
  type GetObjectRetentionCommandInput,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ObjectLockRetentionMode,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
  S3ServiceException,
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

/**
 * A moto client that answers GetObjectRetention as S3 does: moto 5.2 has no such operation (it
 * answers with the object's body, which the SDK cannot parse). The answer comes from moto's own lock
 * state of that version, as HeadObject reports it: its Retention, or NoSuchObjectLockConfiguration
 * (404) when it has none. Each request's input is pushed to `requests`.
 */
export function motoS3WithObjectRetention(requests: GetObjectRetentionCommandInput[] = []): S3Client {
  const client = motoS3();
  const reader = motoS3();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'GetObjectRetentionCommand') return next(args);
      const input = args.input as GetObjectRetentionCommandInput;
      requests.push(input);
      const head = await reader.send(
        new HeadObjectCommand({ Bucket: input.Bucket, Key: input.Key, VersionId: input.VersionId }),
      );
      if (!head.ObjectLockMode) {
        throw new S3ServiceException({
          name: 'NoSuchObjectLockConfiguration',
          $fault: 'client',
          $metadata: { httpStatusCode: 404 },
          message: 'The specified object does not have a ObjectLock configuration',
        });
      }
      const Retention = { Mode: head.ObjectLockMode, RetainUntilDate: head.ObjectLockRetainUntilDate };
      return { output: { Retention, $metadata: {} } } as never;
    },
    { step: 'initialize', name: 'motoGetObjectRetention' },
  );
  return client;
}

/** A bucket with Object Lock (versioned), with this default retention in days when given. */
export async function createLockedBucket(
  s3: S3Client,
  prefix: string,
  defaultRetention?: { mode: ObjectLockRetentionMode; days: number },
): Promise<string> {
  const bucket = uniqueBucket(prefix);
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  if (defaultRetention) {
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: defaultRetention.mode, Days: defaultRetention.days } },
        },
      }),
    );
  }
  return bucket;
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
