import { Arn, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';
import { s3ViaService } from './kms-via-s3';
import { acknowledgeWildcards } from './nag';

/**
 * A KMS key as a policy in this stack can name it: the key itself when it is defined in this
 * stack, or, for a key in another region (and so another stack), its alias name and region.
 */
export interface ReplicationKeyReference {
  /** The key, when it belongs to this stack. Exactly one of `key` and `aliasName`. */
  readonly key?: kms.IKey;
  /** Alias (`alias/...`) of a key defined in another stack, in `region`. */
  readonly aliasName?: string;
  /** Region of the key and of the bucket it encrypts. @default - the stack's region */
  readonly region?: string;
}

/** How a policy statement grants the use of a referenced key. */
export interface KeyGrant {
  /** The statement's resource. */
  readonly resource: string;
  /** S3's `kms:ViaService` value in the key's region. */
  readonly viaService: string;
  /** Conditions to add to the statement: narrows a `key/*` resource to the key with the alias. */
  readonly aliasCondition: Record<string, Record<string, string>>;
}

/**
 * A key of this stack is granted by its ARN. A key in another region is not known here by ARN (its
 * id is random), and IAM checks crypto permissions against the key, never an alias: the statement
 * names the keys of that region and account (`key/*`) and `kms:ResourceAliases` keeps the one
 * carrying the alias.
 * https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-resource-aliases
 */
export function keyGrant(scope: IConstruct, ref: ReplicationKeyReference): KeyGrant {
  if ((ref.key === undefined) === (ref.aliasName === undefined)) {
    throw new Error('ReplicationKeyReference: give exactly one of key and aliasName');
  }
  const viaService = s3ViaService(scope, ref.region);
  if (ref.key) return { resource: ref.key.keyArn, viaService, aliasCondition: {} };
  return {
    resource: Arn.format(
      { service: 'kms', region: ref.region, resource: 'key', resourceName: '*' },
      Stack.of(scope),
    ),
    viaService,
    aliasCondition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ref.aliasName as string } },
  };
}

/** The alias ARN of a key in `region` of this stack's account (what a replication rule may name). */
export function keyAliasArn(scope: IConstruct, aliasName: string, region: string): string {
  return Arn.format(
    { service: 'kms', region, resource: 'alias', resourceName: aliasName.replace(/^alias\//, '') },
    Stack.of(scope),
  );
}

/** Acknowledges cdk-nag's IAM5 finding for each `key/*` resource of an alias-narrowed grant. */
export function acknowledgeKeyWildcards(construct: IConstruct, grants: KeyGrant[]): void {
  acknowledgeWildcards(
    construct,
    grants.filter((g) => Object.keys(g.aliasCondition).length > 0).map((g) => g.resource),
    'A key in another region is named by its alias: the statement covers the keys of that region and account, narrowed by kms:ResourceAliases to the one key carrying the alias.',
  );
}
