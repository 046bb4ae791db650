import { GetBucketEncryptionCommand, GetBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import { describeAwsError } from './errors';

/** `Enabled`, `Suspended` or `Unversioned` (never enabled); fails with exit 2 if the bucket cannot be read. */
export async function bucketVersioning(
  s3: S3Client,
  bucket: string,
  /** The bucket as messages name it (preflight's describeBucket says where its name came from). */
  resource = `bucket ${bucket}`,
): Promise<'Enabled' | 'Suspended' | 'Unversioned'> {
  try {
    const res = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    return res.Status === 'Enabled' || res.Status === 'Suspended' ? res.Status : 'Unversioned';
  } catch (err) {
    throw describeAwsError(err, resource);
  }
}

/**
 * Whether the bucket's default encryption is SSE-KMS (or DSSE-KMS), whose ETags are not MD5
 * digests. `undefined` when the configuration cannot be read (e.g. no
 * s3:GetEncryptionConfiguration); a missing bucket fails with exit 2.
 */
export async function bucketUsesKms(s3: S3Client, bucket: string): Promise<boolean | undefined> {
  try {
    const res = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    return (res.ServerSideEncryptionConfiguration?.Rules ?? []).some((rule) =>
      rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm?.startsWith('aws:kms'),
    );
  } catch (err) {
    const name = (err as Error)?.name;
    if (name === 'ServerSideEncryptionConfigurationNotFoundError') return false;
    const described = describeAwsError(err, `bucket ${bucket}`);
    if (name === 'AccessDenied' || /access denied/.test(described.message)) return undefined;
    throw described;
  }
}
