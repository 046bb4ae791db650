import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { bucketProtections } from './bucket-protections';

export interface OpsBucketProps {
  readonly bucketName: string;
  readonly removalPolicy: RemovalPolicy;
  /** Server access logs of the ops bucket go here, under `ops/`. */
  readonly accessLogsBucket: s3.IBucket;
  readonly lifecycleRules: s3.LifecycleRule[];
}

/**
 * A bucket for what s3-dr's operations write and read (Batch Operations manifests and reports, S3
 * Inventory reports, Athena results): SSE-S3, versioned, private, and closed to every principal of
 * another account. Requests AWS services make with their service principal (S3 delivering inventory
 * reports) carry no aws:PrincipalAccount, so they are exempt from that deny by
 * aws:PrincipalIsAWSService; they still need an Allow of their own in the policy.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice
 */
export function opsBucket(scope: Construct, id: string, props: OpsBucketProps): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    bucketName: props.bucketName,
    // SSE-S3: "Completion reports are always encrypted with Amazon S3 managed keys (SSE-S3)"
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-examples-reports.html),
    // S3 Inventory writes to an SSE-S3 destination without a key policy (an SSE-KMS report key
    // needs one for s3.amazonaws.com: configure-inventory.html#configure-inventory-kms-key-policy),
    // and with SSE-S3 neither job roles nor operators need a KMS grant. The objects hold key names
    // and metadata, not data.
    encryption: s3.BucketEncryption.S3_MANAGED,
    // Versioned: a report or a manifest cannot be silently replaced (a job's manifest is pinned
    // by its ETag anyway).
    versioned: true,
    serverAccessLogsBucket: props.accessLogsBucket,
    serverAccessLogsPrefix: 'ops/',
    lifecycleRules: props.lifecycleRules,
    ...bucketProtections(props.removalPolicy),
  });
  // Nobody outside this account, whatever a policy of theirs says (jobs and queries run as roles of it).
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyOtherAccounts',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:*'],
      resources: [bucket.bucketArn, bucket.arnForObjects('*')],
      conditions: {
        StringNotEquals: { 'aws:PrincipalAccount': Stack.of(scope).account },
        Bool: { 'aws:PrincipalIsAWSService': 'false' },
      },
    }),
  );
  return bucket;
}
