import { Annotations, Arn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ACCOUNT_ID_RULE, type DeploymentNames, isValidAccountId } from 's3-dr-naming';
import { CANARY_DEFAULT_PREFIX } from './contract';
import type { EncryptedBucket } from './encrypted-bucket';
import { acknowledgeWildcards } from './nag';
import type { S3ReplicationPairProps } from './pair-props';
import type { ReplicaPlacement } from './replica-placement';
import { bucketArn, type ReplicaReference } from './replica-reference';
import {
  ReplicaVault,
  VAULT_RECOVERY_PRIMARY_KEY_ACTIONS,
  VAULT_RECOVERY_PRIMARY_OBJECT_ACTIONS,
} from './replica-vault';

// The vault topology in one place: a replica in another account (`replicaAccount`). The vault's side
// (bucket, key, protection, alarms) lives in its own stack in that account (replica-placement.ts);
// this file holds what is particular to it: the props it refuses, how the primary's stack names the
// vault's bucket and key, and what the vault grants the primary's account (replica-vault.ts).

/** The problems of `replicaAccount` and what cannot go with it, each naming the prop, its value and the rule. */
export function vaultProblems(scope: Construct, props: S3ReplicationPairProps): string[] {
  const vault = props.replicaAccount;
  if (vault !== undefined && Token.isUnresolved(vault)) {
    return [`replicaAccount: a token is invalid; expected ${ACCOUNT_ID_RULE}`];
  }
  const stackAccount = Stack.of(scope).account;
  const primaryAccount = Token.isUnresolved(stackAccount) ? undefined : stackAccount;
  const problems: string[] = [];
  if (vault !== undefined && !isValidAccountId(vault)) {
    problems.push(`replicaAccount: '${vault}' is invalid; expected ${ACCOUNT_ID_RULE}`);
  } else if (vault !== undefined && primaryAccount === undefined) {
    problems.push(
      `replicaAccount: '${vault}' needs the stack's account to be known (the vault's policies name the primary's roles); give the stack env.account`,
    );
  }
  problems.push(...vaultSettingProblems(props, isValidAccountId(vault ?? '') ? primaryAccount : undefined));
  return problems;
}

/** The settings {@link vaultSettingProblems} checks, as S3ReplicationPair and the CDK app take them. */
export type VaultSettings = Pick<
  S3ReplicationPairProps,
  'replicaAccount' | 'vaultRecoveryRole' | 'bidirectional' | 'multiRegionAccessPoint' | 'breakGlassRoleArn'
>;

/**
 * What cannot go with a vault (or without one), in the words both S3ReplicationPair and the CDK app's
 * context validation refuse it with. `primaryAccount` is the primary's account when known: how to
 * make it known, and a malformed `replicaAccount`, each caller says in its own terms.
 */
export function vaultSettingProblems(settings: VaultSettings, primaryAccount: string | undefined): string[] {
  const vault = settings.replicaAccount;
  if (vault === undefined) {
    return settings.vaultRecoveryRole
      ? [
          "vaultRecoveryRole: 'true' needs a vault: set replicaAccount to the vault's account (the recovery role lives there)",
        ]
      : [];
  }
  const problems: string[] = [];
  if (primaryAccount === vault) {
    problems.push(
      `replicaAccount: '${vault}' is the primary's account (the stack's own); expected another account (a vault); drop replicaAccount for a replica in the primary's account`,
    );
  }
  if (settings.bidirectional) {
    problems.push(
      `bidirectional: 'true' cannot work with replicaAccount '${vault}': a vault never replicates back (the primary's account would need write access to it); drop one of them`,
    );
  }
  // A failover through the access point would route the applications' writes into the vault. S3's
  // pages also disagree on buckets of other accounts: the user guide allows them
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/multi-region-access-point-buckets.html),
  // the CreateMultiRegionAccessPoint reference says "The owner of the Multi-Region Access Point also
  // must own the underlying buckets" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateMultiRegionAccessPoint.html).
  if (settings.multiRegionAccessPoint) {
    problems.push(
      `multiRegionAccessPoint: 'true' cannot work with replicaAccount '${vault}': a vault is a recovery copy, not a serving replica (a failover would send the applications' writes into it); drop one of them`,
    );
  }
  const breakGlass = settings.breakGlassRoleArn;
  if (breakGlass !== undefined && !Token.isUnresolved(breakGlass) && breakGlass.split(':')[4] !== vault) {
    problems.push(
      `breakGlassRoleArn: '${breakGlass}' is invalid with replicaAccount '${vault}'; expected a role of the vault's account ${vault} (the protection it is exempt from lives there)`,
    );
  }
  return problems;
}

/**
 * The vault as the primary's stack names it: the bucket by name in the vault's account (the rule's
 * `Destination.Account` follows from it), the key by its alias ARN in the vault. The primary cannot
 * look up an alias of another account (KeyArnLookup), and S3 takes a key ARN or an alias ARN in
 * ReplicaKmsKeyID; the alias stays under the vault's administrators.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_EncryptionConfiguration.html
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html (a key of another account by key ARN or alias ARN)
 * IAM names keys by key ARN only, never by alias, so the role's grants name the vault's keys of that
 * region (`key/*`), narrowed to S3 of that region and the vault bucket's encryption context; the
 * vault key's own policy admits the role for that bucket only.
 * https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html
 */
export function referenceVault(
  pair: Construct,
  placement: ReplicaPlacement,
  names: DeploymentNames,
): ReplicaReference {
  const stack = Stack.of(pair);
  const bucketArnByName = bucketArn(pair, names.replicaBucket);
  const bucket = s3.Bucket.fromBucketAttributes(pair, 'ReplicaBucketReference', {
    bucketName: names.replicaBucket,
    bucketArn: bucketArnByName,
    region: placement.region,
    account: placement.account,
  });
  const kmsArn = (resource: string, resourceName: string) =>
    Arn.format(
      { service: 'kms', region: placement.region, account: placement.account, resource, resourceName },
      stack,
    );
  const aliasArn = kmsArn('alias', names.replicaKeyAlias.replace(/^alias\//, ''));
  return {
    bucketArnByName,
    bucket,
    key: kms.Key.fromKeyArn(pair, 'ReplicaKeyReference', aliasArn),
    keyRef: { keyArn: kmsArn('key', '*'), region: placement.region },
  };
}

/**
 * Acknowledges cdk-nag's IAM5 for the vault's keys (`key/*`, see referenceVault) on the replication
 * role alone: the vault key's policy admits that role and no other of the primary's account.
 */
export function acknowledgeVaultKeys(replicationRole: Construct, vault: ReplicaReference): void {
  acknowledgeWildcards(
    replicationRole,
    [vault.keyRef.keyArn as string],
    "The vault's key is named by its alias in another account, which IAM cannot name: the statement covers that account's keys of that region, narrowed by kms:ViaService to S3 there and by the encryption context to the vault bucket; the vault key's policy admits this role for that bucket only.",
  );
}

/** The id of the synth warning that a vault with removalPolicy destroy can be emptied. */
export const VAULT_DESTROY_WARNING = 's3-dr:vaultWithRemovalPolicyDestroy';

/** What the vault wiring needs from the pair. */
export interface VaultInputs {
  readonly names: DeploymentNames;
  readonly placement: ReplicaPlacement;
  readonly removalPolicy: RemovalPolicy;
  readonly replica: EncryptedBucket;
  readonly replicaKey: kms.Key;
  readonly primary: EncryptedBucket;
  readonly primaryKey: kms.IKey;
}

/**
 * The vault's grants to the primary's account (replica-vault.ts), and on the primary's side the
 * recovery role's writes into the primary bucket and key: one principal can then copy a vault
 * version into the primary server-side.
 */
export function addVault(pair: Construct, props: S3ReplicationPairProps, inputs: VaultInputs): ReplicaVault {
  const { names, placement, primary } = inputs;
  const vaultStack = placement.separateStack as Stack;
  const vault = new ReplicaVault(vaultStack, 'Vault', {
    bucket: inputs.replica.bucket,
    bucketName: names.replicaBucket,
    key: inputs.replicaKey,
    primaryAccount: Stack.of(pair).account,
    replicationRoleName: names.replicationRole,
    canaryFunctionRoleName: names.canaryFunctionRole,
    canaryRoleName: names.vaultCanaryRole,
    canaryPrefix: CANARY_DEFAULT_PREFIX,
    recoveryRoleName: props.vaultRecoveryRole ? names.vaultRecoveryRole : undefined,
    primaryBucketName: props.vaultRecoveryRole ? names.primaryBucket : undefined,
    primaryRegion: props.vaultRecoveryRole ? Stack.of(pair).region : undefined,
  });
  // With DESTROY, the vault bucket empties itself on stack deletion through CDK's auto-delete
  // function, which the protection must exempt from every deny (replica-protection-policy.ts).
  if (inputs.removalPolicy === RemovalPolicy.DESTROY) {
    // On the vault construct, not its stack: CDK prints a stack's own annotations with a source location.
    Annotations.of(vault).addWarningV2(
      VAULT_DESTROY_WARNING,
      `The vault ${names.replicaBucket} has removalPolicy destroy (the default): cdk destroy empties it, and so can whoever may invoke CDK's auto-delete function in account ${placement.account}, which every deny of its protection exempts. ` +
        'Deploy a production vault with removalPolicy retain (-c removalPolicy=retain), which replicaObjectLock requires.',
    );
  }
  if (props.vaultRecoveryRole) {
    const recoveryRole = vaultRoleArn(pair, placement, names.vaultRecoveryRole);
    const primaryArn = bucketArn(pair, names.primaryBucket);
    const writer = new iam.ArnPrincipal(recoveryRole);
    primary.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowVaultRecoveryToWrite',
        principals: [writer],
        actions: VAULT_RECOVERY_PRIMARY_OBJECT_ACTIONS,
        resources: [primary.bucket.arnForObjects('*')],
      }),
    );
    inputs.primaryKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowVaultRecoveryToEncrypt',
        principals: [writer],
        actions: VAULT_RECOVERY_PRIMARY_KEY_ACTIONS,
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${Stack.of(pair).region}.${Stack.of(pair).urlSuffix}` },
          StringLike: {
            // By name: the bucket depends on the key, so the key's policy cannot reference the bucket.
            'kms:EncryptionContext:aws:s3:arn': [primaryArn, `${primaryArn}/*`],
          },
        },
      }),
    );
  }
  return vault;
}

/** The ARN of a role of the vault's account, as the primary's stack names it. */
export function vaultRoleArn(pair: Construct, placement: ReplicaPlacement, roleName: string): string {
  return Stack.of(pair).formatArn({
    service: 'iam',
    region: '',
    account: placement.account,
    resource: 'role',
    resourceName: roleName,
  });
}
