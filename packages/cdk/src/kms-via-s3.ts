import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The `kms:ViaService` value of S3 in a region (the stack's by default): S3's regional endpoint
 * name, whose DNS suffix is the partition's (`AWS::URLSuffix`), not a hard-coded `amazonaws.com`.
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 */
export function s3ViaService(scope: IConstruct, region?: string): string {
  const stack = Stack.of(scope);
  return `s3.${region ?? stack.region}.${stack.urlSuffix}`;
}
