import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { s3ViaService } from './kms-via-s3';
import { acknowledgeObjectWildcards } from './nag';

/** What the primary's replication role may do in the vault bucket: write replicas, nothing else. */
export const VAULT_REPLICATION_OBJECT_ACTIONS = [
  's3:ReplicateObject',
  's3:ReplicateDelete',
  's3:ReplicateTags',
];
/**
 * The one bucket-level read replication needs, allowed to every principal of the primary's account
 * (see ReplicaVault); never s3:PutBucketVersioning (the vault's own business).
 */
export const VAULT_REPLICATION_BUCKET_ACTIONS = ['s3:GetBucketVersioning'];
/**
 * What the primary's replication role may do with the vault key, through S3 and for the vault bucket
 * only: encrypt replicas and, with S3 Bucket Keys, the kms:Decrypt S3 makes to verify the bucket-level
 * key (see ReplicationRole). Decrypting through S3 reads nothing without an s3:GetObject, which no
 * principal of the primary's account has in the vault.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
 */
export const VAULT_REPLICATION_KEY_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'];
/** What the vault's canary role may read: the replicas of the canary's probes and their retention. */
const VAULT_CANARY_OBJECT_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention'];
/** What the vault's recovery role may read: every version of every object, with its tags. */
const VAULT_RECOVERY_OBJECT_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectTagging',
  's3:GetObjectVersionTagging',
];
const VAULT_RECOVERY_BUCKET_ACTIONS = ['s3:ListBucket', 's3:ListBucketVersions'];
/**
 * What the recovery role may do in the PRIMARY bucket, to copy a vault version there server-side: a
 * new version (CopyObject and multipart parts are s3:PutObject), its tags, and aborting its own
 * multipart upload. Never a delete. Across accounts both the role's policy and the primary's bucket
 * policy must allow it (the primary's side: S3ReplicationPair).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html
 */
export const VAULT_RECOVERY_PRIMARY_OBJECT_ACTIONS = [
  's3:PutObject',
  's3:PutObjectTagging',
  's3:AbortMultipartUpload',
];
/**
 * With the primary key, through S3: encrypt the copies, and kms:Decrypt, which a multipart upload of
 * an SSE-KMS object needs ("Multipart upload API and permissions").
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions
 */
export const VAULT_RECOVERY_PRIMARY_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt'];

export interface ReplicaVaultProps {
  /** The replica bucket, in the vault's stack. */
  readonly bucket: s3.Bucket;
  /**
   * Its name, as given to it: the key's policy names the bucket by an ARN built from it (the bucket
   * depends on the key, so the key's policy cannot reference the bucket).
   */
  readonly bucketName: string;
  /** Its key, in the vault's stack. */
  readonly key: kms.Key;
  /** The primary's account (12 digits): its principals are named by `aws:PrincipalArn` within it. */
  readonly primaryAccount: string;
  /** Name of the primary's replication role (naming contract `replicationRole`). */
  readonly replicationRoleName: string;
  /** Name of the primary's canary function role (naming contract `canaryFunctionRole`). */
  readonly canaryFunctionRoleName: string;
  /** Name of the vault's role the canary assumes (naming contract `vaultCanaryRole`). */
  readonly canaryRoleName: string;
  /** The canary's probe prefix (under `_s3-dr/`): all the canary role may read. */
  readonly canaryPrefix: string;
  /**
   * A recovery role of this name, trusted by the primary's account with MFA: reads the vault, writes new versions into the primary.
   * @default - no recovery role
   */
  readonly recoveryRoleName?: string;
  /**
   * With `recoveryRoleName`: the primary bucket's name and region, which the recovery role may write
   * new versions into (a server-side copy from the vault).
   * @default - the recovery role writes nothing
   */
  readonly primaryBucketName?: string;
  readonly primaryRegion?: string;
}

/**
 * The vault side of a replica in another account: what the primary's account may do there, and
 * nothing more. The primary's replication role may write replicas into the bucket and encrypt them
 * with the key; the canary's function role may assume a role that reads the canary's probes; with
 * `recoveryRoleName`, principals of the primary's account with MFA may assume a role that reads every
 * version. Nothing of the primary's account may delete, overwrite or reconfigure anything here.
 *
 * The vault is deployed before the primary, so the primary's roles do not exist yet when these
 * policies are created, and S3, KMS and IAM refuse a policy naming a role that does not exist as its
 * principal ("Invalid principal in policy"); a role named as principal is also pinned to its unique id
 * and silently stops matching once re-created. So each statement names the primary's ACCOUNT as
 * principal and the exact role by `aws:PrincipalArn`, a string compare that needs no role to exist.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export class ReplicaVault extends Construct {
  /** The role the primary's canary assumes to read its probes' replicas. */
  readonly canaryRole: iam.Role;
  /** `recoveryRoleName`: the recovery role (reads the vault, writes new versions into the primary). */
  readonly recoveryRole?: iam.Role;

  constructor(scope: Construct, id: string, props: ReplicaVaultProps) {
    super(scope, id);
    const { bucket, key, primaryAccount } = props;
    const stack = Stack.of(this);
    const bucketArn = stack.formatArn({ service: 's3', region: '', account: '', resource: props.bucketName });
    const primaryRole = (name: string) =>
      stack.formatArn({
        service: 'iam',
        region: '',
        account: primaryAccount,
        resource: 'role',
        resourceName: name,
      });
    const primary = new iam.AccountPrincipal(primaryAccount);
    const onlyRole = (name: string) => ({ ArnEquals: { 'aws:PrincipalArn': primaryRole(name) } });
    const viaS3ForBucket = {
      StringEquals: { 'kms:ViaService': s3ViaService(this) },
      // With S3 Bucket Keys the encryption context is the bucket ARN; older objects carry their own ARN.
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/*`] },
    };

    // The cross-account replication grant of the S3 documentation, without s3:PutBucketVersioning
    // (whoever controls the primary's role could suspend the vault's versioning) and without the
    // owner override: the vault enforces bucket-owner ownership, which "mimics the existing owner
    // override behavior without the need of the s3:ObjectOwnerOverrideToBucketOwner permission".
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-change-owner.html
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowPrimaryReplicationToWriteReplicas',
        principals: [primary],
        actions: VAULT_REPLICATION_OBJECT_ACTIONS,
        resources: [bucket.arnForObjects('*')],
        conditions: onlyRole(props.replicationRoleName),
      }),
    );
    // The versioning state, to the whole primary account: the principal that puts the replication
    // rule needs s3:GetBucketVersioning too (S3 checks that the destination is versioned), and that
    // is the primary's CloudFormation execution role, whose name the bootstrap chooses. A read of one
    // bucket setting, which also lets `s3-dr status` in the primary's account check it.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html#setting-repl-config-role
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowPrimaryAccountToReadVersioning',
        principals: [primary],
        actions: VAULT_REPLICATION_BUCKET_ACTIONS,
        resources: [bucket.bucketArn],
      }),
    );
    // The destination key's policy must let the source account's role encrypt replicas.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowPrimaryReplicationToEncryptReplicas',
        principals: [primary],
        actions: VAULT_REPLICATION_KEY_ACTIONS,
        resources: ['*'],
        conditions: { ...viaS3ForBucket, ...onlyRole(props.replicationRoleName) },
      }),
    );

    this.canaryRole = this.canaryReader(
      props,
      primary,
      onlyRole(props.canaryFunctionRoleName),
      viaS3ForBucket,
    );
    if (props.recoveryRoleName) {
      this.recoveryRole = this.recoveryReader(props, props.recoveryRoleName, primary, viaS3ForBucket);
    }
  }

  /**
   * The role the primary's canary function assumes to read the replicas of its probes: list the
   * canary prefix, read its objects, versions and retention, decrypt them through S3. A role of this
   * account, so its own policy suffices (the key's default policy delegates to IAM).
   */
  private canaryReader(
    props: ReplicaVaultProps,
    primary: iam.IPrincipal,
    onlyCanary: Record<string, Record<string, string>>,
    viaS3ForBucket: Record<string, Record<string, unknown>>,
  ): iam.Role {
    const { bucket, key, canaryPrefix } = props;
    const probes = bucket.arnForObjects(`${canaryPrefix}*`);
    const policy = new iam.ManagedPolicy(this, 'CanaryPolicy', {
      description: "Reads the replicas of the primary's canary probes in the vault",
      statements: [
        new iam.PolicyStatement({
          sid: 'ListProbes',
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${canaryPrefix}*`] } },
        }),
        new iam.PolicyStatement({
          sid: 'ReadProbes',
          actions: VAULT_CANARY_OBJECT_ACTIONS,
          resources: [probes],
        }),
        new iam.PolicyStatement({
          sid: 'DecryptProbes',
          actions: ['kms:Decrypt'],
          resources: [key.keyArn],
          conditions: viaS3ForBucket,
        }),
      ],
    });
    acknowledgeObjectWildcards(
      policy,
      [probes],
      `The canary reads only its own probe objects: the ARN is scoped to the ${canaryPrefix} prefix.`,
    );
    return new iam.Role(this, 'CanaryRole', {
      roleName: props.canaryRoleName,
      description: "Assumed by the primary's replication canary to read its probes' replicas (read-only)",
      assumedBy: new iam.PrincipalWithConditions(primary, onlyCanary),
      managedPolicies: [policy],
    });
  }

  /**
   * The recovery role: reads every version of the vault (and decrypts through S3), assumable by
   * principals of the primary's account only with MFA; `s3-dr restore --from replica` copies through
   * it server-side into the primary, which lets this role write there. `Bool` is false when the key is
   * absent, so a session without MFA cannot assume it.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
   */
  private recoveryReader(
    props: ReplicaVaultProps,
    roleName: string,
    primary: iam.IPrincipal,
    viaS3ForBucket: Record<string, Record<string, unknown>>,
  ): iam.Role {
    const { bucket, key } = props;
    const objects = bucket.arnForObjects('*');
    const policy = new iam.ManagedPolicy(this, 'RecoveryPolicy', {
      description: 'Reads every version of the vault, for a recovery into the primary',
      statements: [
        new iam.PolicyStatement({
          sid: 'ListVersions',
          actions: VAULT_RECOVERY_BUCKET_ACTIONS,
          resources: [bucket.bucketArn],
        }),
        new iam.PolicyStatement({
          sid: 'ReadVersions',
          actions: VAULT_RECOVERY_OBJECT_ACTIONS,
          resources: [objects],
        }),
        new iam.PolicyStatement({
          sid: 'DecryptVersions',
          actions: ['kms:Decrypt'],
          resources: [key.keyArn],
          conditions: viaS3ForBucket,
        }),
        ...this.primaryWrites(props),
      ],
    });
    acknowledgeObjectWildcards(
      policy,
      [objects],
      'A recovery reads any version of the vault: the `bucket/*` ARN scopes it to the objects of that one bucket.',
    );
    const primaryObjects = this.primaryObjectsArn(props);
    if (primaryObjects) {
      acknowledgeObjectWildcards(
        policy,
        [primaryObjects, this.primaryKeysArn(props) as string],
        "A recovery writes new versions of any key of the primary bucket (`bucket/*`), encrypted with the primary's key, which the vault's stack (deployed first) knows only as a key of the primary's account and region (`key/*`), narrowed to S3 and the primary bucket's encryption context.",
      );
    }
    return new iam.Role(this, 'RecoveryRole', {
      roleName,
      description: "Read-only recovery from the vault, assumable from the primary's account with MFA",
      assumedBy: new iam.PrincipalWithConditions(primary, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
      managedPolicies: [policy],
    });
  }

  private primaryObjectsArn(props: ReplicaVaultProps): string | undefined {
    if (!props.primaryBucketName) return undefined;
    return `${Stack.of(this).formatArn({ service: 's3', region: '', account: '', resource: props.primaryBucketName })}/*`;
  }

  private primaryKeysArn(props: ReplicaVaultProps): string | undefined {
    if (!props.primaryBucketName) return undefined;
    return Stack.of(this).formatArn({
      service: 'kms',
      region: props.primaryRegion,
      account: props.primaryAccount,
      resource: 'key',
      resourceName: '*',
    });
  }

  /**
   * The recovery role's writes into the primary: across accounts the role's own policy must allow
   * them as well as the primary's bucket and key policies. The primary's key is not known to the
   * vault's stack (deployed first): a key of the primary's account and region, narrowed to S3 there
   * and the primary bucket's encryption context; the primary key's policy names this role.
   */
  private primaryWrites(props: ReplicaVaultProps): iam.PolicyStatement[] {
    const objects = this.primaryObjectsArn(props);
    const keys = this.primaryKeysArn(props);
    if (!objects || !keys) return [];
    const primaryBucketArn = objects.slice(0, -2);
    return [
      new iam.PolicyStatement({
        sid: 'WritePrimaryVersions',
        actions: VAULT_RECOVERY_PRIMARY_OBJECT_ACTIONS,
        resources: [objects],
      }),
      new iam.PolicyStatement({
        sid: 'EncryptPrimaryVersions',
        actions: VAULT_RECOVERY_PRIMARY_KEY_ACTIONS,
        resources: [keys],
        conditions: {
          StringEquals: { 'kms:ViaService': s3ViaService(this, props.primaryRegion) },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [primaryBucketArn, objects] },
        },
      }),
    ];
  }
}
