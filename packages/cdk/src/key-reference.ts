import { Arn, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';
import { s3ViaService } from './kms-via-s3';
import { acknowledgeWildcards } from './nag';

/**
 * A KMS key as a policy in this stack can name it: the key itself when it is defined in this
 * stack, or, for a key in another region (and so another stack), its ARN (e.g. looked up at deploy
 * time by a {@link KeyArnLookup}) or its alias name, with its region.
 */
export interface ReplicationKeyReference {
  /** The key, when it belongs to this stack. Exactly one of `key`, `keyArn` and `aliasName`. */
  readonly key?: kms.IKey;
  /** ARN of a key defined in another stack, in `region` (a deploy-time value is fine). */
  readonly keyArn?: string;
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
 * A key is granted by its ARN when known (a key of this stack, or `keyArn`). A key known only by
 * its alias is granted as IAM checks crypto permissions, against the key and never an alias: the
 * statement names the keys of that region and account (`key/*`) and `kms:ResourceAliases` keeps
 * the one carrying the alias, whichever key that is when the call is made.
 * https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-resource-aliases
 */
export function keyGrant(scope: IConstruct, ref: ReplicationKeyReference): KeyGrant {
  const given = [ref.key, ref.keyArn, ref.aliasName].filter((v) => v !== undefined);
  if (given.length !== 1) {
    throw new Error('ReplicationKeyReference: give exactly one of key, keyArn and aliasName');
  }
  const viaService = s3ViaService(scope, ref.region);
  if (ref.key) return { resource: ref.key.keyArn, viaService, aliasCondition: {} };
  if (ref.keyArn) return { resource: ref.keyArn, viaService, aliasCondition: {} };
  return {
    resource: Arn.format(
      { service: 'kms', region: ref.region, resource: 'key', resourceName: '*' },
      Stack.of(scope),
    ),
    viaService,
    aliasCondition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ref.aliasName as string } },
  };
}

/** Acknowledges cdk-nag's IAM5 finding for each `key/*` resource of an alias-narrowed grant. */
export function acknowledgeKeyWildcards(construct: IConstruct, grants: KeyGrant[]): void {
  acknowledgeWildcards(
    construct,
    grants.filter((g) => Object.keys(g.aliasCondition).length > 0).map((g) => g.resource),
    'A key in another region is named by its alias: the statement covers the keys of that region and account, narrowed by kms:ResourceAliases to the one key carrying the alias.',
  );
}
