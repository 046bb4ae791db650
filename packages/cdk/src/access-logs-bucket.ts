import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { bucketProtections } from './bucket-protections';

export interface AccessLogsBucketProps {
  readonly bucketName: string;
  readonly removalPolicy: RemovalPolicy;
  /** How long access logs are kept. @default 90 days */
  readonly expiration?: Duration;
}

/**
 * Target of the data buckets' server access logs. SSE-S3, because the S3 logging service cannot
 * write to a bucket encrypted with a customer-managed KMS key without extra key policy; its own
 * expiry keeps the logs from growing forever.
 */
export class AccessLogsBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogsBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.S3_MANAGED,
      // Versioned, so an access log cannot be silently overwritten or deleted: audit evidence.
      versioned: true,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: props.expiration ?? Duration.days(90),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      ...bucketProtections(props.removalPolicy),
    });
  }
}
