import { Arn, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { DeploymentNames } from 's3-dr-naming';
import { KeyArnLookup, keyGenerationOf } from './key-arn-lookup';
import type { ReplicationKeyReference } from './key-reference';
import type { ReplicaPlacement } from './replica-placement';

/** The replica side as the primary's stack uses it (rule, replication role, canary, batch jobs). */
export interface ReplicaReference {
  /** The replica bucket's ARN built from its name. */
  readonly bucketArnByName: string;
  /** The replica bucket itself in the same stack, otherwise a reference by name. */
  readonly bucket: s3.IBucket;
  /** The replica key itself in the same stack, otherwise a reference by the ARN looked up at deploy time. */
  readonly key: kms.IKey;
  /** The replica key as grants name it. */
  readonly keyRef: ReplicationKeyReference;
}

/**
 * What the primary's stack knows of the replica side: in the same stack the constructs themselves;
 * in a stack of its own the bucket by name and the key by the ARN its alias names at deploy time,
 * so that no CloudFormation value has to cross stacks and the rule and every grant name that one
 * key, not whatever key the alias is moved to later.
 */
export function referenceReplica(
  pair: Construct,
  placement: ReplicaPlacement,
  names: DeploymentNames,
  replica: { bucket: s3.Bucket; key: kms.Key },
): ReplicaReference {
  const bucketArnByName = bucketArn(pair, names.replicaBucket);
  if (!placement.separateStack) {
    return { bucketArnByName, bucket: replica.bucket, key: replica.key, keyRef: { key: replica.key } };
  }
  const keyArn = new KeyArnLookup(pair, 'ReplicaKeyArn', {
    aliasName: names.replicaKeyAlias,
    region: placement.region,
    keyGeneration: keyGenerationOf(replica.key),
  }).keyArn;
  const bucket = s3.Bucket.fromBucketAttributes(pair, 'ReplicaBucketReference', {
    bucketName: names.replicaBucket,
    bucketArn: bucketArnByName,
    region: placement.region,
    account: placement.account,
  });
  // AWS recommends a key ARN in the rule: an alias names whatever key it is moved to.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-encryptionconfiguration.html
  const key = kms.Key.fromKeyArn(pair, 'ReplicaKeyReference', keyArn);
  return { bucketArnByName, bucket, key, keyRef: { keyArn, region: placement.region } };
}

/** A bucket's ARN from its name, in the partition of `scope`'s stack. */
export function bucketArn(scope: Construct, bucketName: string): string {
  return Arn.format({ service: 's3', region: '', account: '', resource: bucketName }, Stack.of(scope));
}
