import { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * What every bucket of the deployment has, in one place: all public access blocked, ACLs disabled
 * (bucket-owner-enforced), a policy denying requests without TLS or with TLS below 1.2, and, on
 * `destroy`, its objects emptied so that `cdk destroy` can delete it.
 */
export function bucketProtections(removalPolicy: RemovalPolicy): Partial<s3.BucketProps> {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    removalPolicy,
    autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
  };
}
