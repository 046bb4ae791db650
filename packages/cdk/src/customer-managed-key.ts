import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

export interface CustomerManagedKeyProps {
  readonly alias: string;
  /** Says which key this is in the KMS console. */
  readonly description: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A symmetric customer-managed key with automatic yearly rotation. On `destroy` it is scheduled for
 * deletion after the shortest waiting period (7 days), so a torn-down test deployment frees it soon.
 */
export function customerManagedKey(scope: Construct, id: string, props: CustomerManagedKeyProps): kms.Key {
  return new kms.Key(scope, id, {
    alias: props.alias,
    description: props.description,
    enableKeyRotation: true,
    removalPolicy: props.removalPolicy,
    pendingWindow: props.removalPolicy === RemovalPolicy.DESTROY ? Duration.days(7) : undefined,
  });
}
