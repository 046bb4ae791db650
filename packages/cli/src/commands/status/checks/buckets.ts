import type { LifecycleRule, LifecycleRuleFilter } from '@aws-sdk/client-s3';
import type { PolicyDocument, PolicyStatement } from './facts';
import { type BucketRole, bucketOf, type Check, fail, pass, redeployOr, warn } from './types';

/** Replication needs versioning on both buckets. */
export function versioningCheck(role: BucketRole): Check {
  return {
    id: `${role}.versioning`,
    async run(scope) {
      const { target, facts } = scope;
      const bucket = bucketOf(target, role);
      const status = await facts.versioning(bucket);
      if (status === 'Enabled') return pass(`versioning is Enabled on ${bucket}`);
      return fail(
        `versioning is ${status ?? 'off'} on ${bucket}: replication needs both buckets versioned`,
        redeployOr(
          scope,
          role,
          `aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`,
        ),
      );
    },
  };
}

/** Default encryption is SSE-KMS with a customer-managed key and S3 Bucket Keys. */
export function encryptionCheck(role: BucketRole): Check {
  return {
    id: `${role}.encryption`,
    async run(scope) {
      const { target, facts } = scope;
      const bucket = bucketOf(target, role);
      const rule = await facts.encryption(bucket);
      const sse = rule?.ApplyServerSideEncryptionByDefault;
      const fix = redeployOr(
        scope,
        role,
        `aws s3api put-bucket-encryption --bucket ${bucket} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"<key arn>"},"BucketKeyEnabled":true}]}'`,
      );
      if (!sse?.SSEAlgorithm) return fail(`${bucket} has no default encryption`, fix);
      if (!sse.SSEAlgorithm.startsWith('aws:kms')) {
        return fail(
          `${bucket} encrypts with ${sse.SSEAlgorithm} (SSE-S3), not SSE-KMS with its own key`,
          fix,
        );
      }
      if (!sse.KMSMasterKeyID) {
        return fail(
          `${bucket} encrypts with the AWS-managed key aws/s3, not its own customer-managed key`,
          fix,
        );
      }
      if (rule?.BucketKeyEnabled !== true) {
        return warn(
          `${bucket} uses SSE-KMS with ${sse.KMSMasterKeyID} but S3 Bucket Keys are off: every object request calls KMS (cost, throttling)`,
          fix,
        );
      }
      return pass(`${bucket} uses SSE-KMS with ${sse.KMSMasterKeyID} and S3 Bucket Keys`);
    },
  };
}

/** The customer-managed key of the bucket's default encryption is enabled and rotates yearly. */
export function keyRotationCheck(role: BucketRole): Check {
  return {
    id: `${role}.keyRotation`,
    async run(scope) {
      const { target, facts } = scope;
      const bucket = bucketOf(target, role);
      const keyId = (await facts.encryption(bucket))?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID;
      if (!keyId)
        return warn(`could not check: ${bucket} has no customer-managed key (see ${role}.encryption)`);
      const key = await facts.key(keyId);
      if (!key?.Arn) {
        return fail(
          `key ${keyId} of ${bucket} does not exist: objects cannot be written or read`,
          `point the bucket's default encryption at an existing key (redeploy the stack)`,
        );
      }
      if (key.KeyState && key.KeyState !== 'Enabled') {
        return fail(
          `key ${key.Arn} of ${bucket} is ${key.KeyState}: objects encrypted with it cannot be read`,
          key.KeyState === 'PendingDeletion'
            ? `aws kms cancel-key-deletion --key-id ${key.Arn} && aws kms enable-key --key-id ${key.Arn}`
            : `aws kms enable-key --key-id ${key.Arn}`,
        );
      }
      if (key.KeyManager === 'AWS') return pass(`key ${key.Arn} is AWS-managed: AWS rotates it`);
      if (await facts.keyRotation(key.Arn))
        return pass(`key ${key.Arn} of ${bucket} has automatic rotation on`);
      return fail(
        `key ${key.Arn} of ${bucket} has automatic rotation off`,
        redeployOr(scope, role, `aws kms enable-key-rotation --key-id ${key.Arn}`),
      );
    },
  };
}

/** The bucket policy denies plain HTTP (aws:SecureTransport = false) and, ideally, TLS < 1.2. */
export function sslOnlyCheck(role: BucketRole): Check {
  return {
    id: `${role}.sslOnly`,
    async run(scope) {
      const { target, facts } = scope;
      const bucket = bucketOf(target, role);
      const policy = await facts.policy(bucket);
      const fix = redeployOr(
        scope,
        role,
        `add a statement to the policy of ${bucket}: Deny s3:* to * on the bucket and bucket/* when aws:SecureTransport is false`,
      );
      if (!policy) return fail(`${bucket} has no bucket policy: requests over plain HTTP are allowed`, fix);
      const denies = statements(policy).filter((s) => isDenyAll(s, bucket));
      if (!denies.some(deniesPlainHttp)) {
        return fail(`the policy of ${bucket} does not deny requests over plain HTTP`, fix);
      }
      if (!denies.some(deniesOldTls)) {
        return warn(
          `the policy of ${bucket} denies plain HTTP but not TLS older than 1.2`,
          redeployOr(
            scope,
            role,
            `add a Deny statement with NumericLessThan s3:TlsVersion 1.2 to the policy of ${bucket}`,
          ),
        );
      }
      return pass(`the policy of ${bucket} denies plain HTTP and TLS older than 1.2`);
    },
  };
}

function statements(policy: PolicyDocument): readonly PolicyStatement[] {
  const s = policy.Statement;
  if (!s) return [];
  return Array.isArray(s) ? s : [s as PolicyStatement];
}

function list(value: unknown): readonly unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** A Deny for everyone, of every S3 action, covering the bucket's objects. */
function isDenyAll(s: PolicyStatement, bucket: string): boolean {
  const principal = s.Principal;
  const anyone =
    principal === '*' ||
    (typeof principal === 'object' &&
      principal !== null &&
      list((principal as { AWS?: unknown }).AWS).includes('*'));
  const actions = list(s.Action);
  const resources = list(s.Resource);
  return (
    s.Effect === 'Deny' &&
    anyone &&
    (actions.includes('s3:*') || actions.includes('*')) &&
    (resources.includes('*') || resources.includes(`arn:aws:s3:::${bucket}/*`))
  );
}

function deniesPlainHttp(s: PolicyStatement): boolean {
  return list(s.Condition?.Bool?.['aws:SecureTransport']).some((v) => String(v) === 'false');
}

function deniesOldTls(s: PolicyStatement): boolean {
  return list(s.Condition?.NumericLessThan?.['s3:TlsVersion']).some((v) => Number(v) >= 1.2);
}

/** All four public access block settings are on. */
export function publicAccessCheck(role: BucketRole): Check {
  return {
    id: `${role}.publicAccess`,
    async run(scope) {
      const { target, facts } = scope;
      const bucket = bucketOf(target, role);
      const config = await facts.publicAccessBlock(bucket);
      const fix = redeployOr(
        scope,
        role,
        `aws s3api put-public-access-block --bucket ${bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
      );
      if (!config) return fail(`${bucket} has no public access block`, fix);
      const off = (
        ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const
      ).filter((setting) => config[setting] !== true);
      if (off.length > 0) return fail(`public access block of ${bucket} has ${off.join(', ')} off`, fix);
      return pass(`${bucket} blocks all public access`);
    },
  };
}

/** Transfer Acceleration on the primary bucket. */
export function accelerationCheck(): Check {
  return {
    id: 'primary.acceleration',
    async run(scope) {
      const { target, facts } = scope;
      const status = await facts.accelerate(target.source);
      if (status === 'Enabled') return pass(`Transfer Acceleration is Enabled on ${target.source}`);
      return fail(
        `Transfer Acceleration is ${status ?? 'off'} on ${target.source}`,
        redeployOr(
          scope,
          'primary',
          `aws s3api put-bucket-accelerate-configuration --bucket ${target.source} --accelerate-configuration Status=Enabled`,
        ),
      );
    },
  };
}

/**
 * The classes a deployment's replica may archive to (`replicaArchiveClass`): GLACIER (default),
 * GLACIER_IR (millisecond reads) or DEEP_ARCHIVE.
 */
export const ARCHIVE_CLASSES: ReadonlySet<string> = new Set(['GLACIER', 'GLACIER_IR', 'DEEP_ARCHIVE']);

/** The replica moves current and noncurrent versions of all objects to an archive class. */
export function glacierLifecycleCheck(): Check {
  return {
    id: 'replica.lifecycle',
    async run(scope) {
      const { target, facts } = scope;
      const bucket = target.replica;
      const rules = (await facts.lifecycle(bucket)).filter((r) => r.Status === 'Enabled' && appliesToAll(r));
      const archives = (storageClass?: string) => ARCHIVE_CLASSES.has(storageClass ?? '');
      const current = rules.flatMap((r) => r.Transitions ?? []).find((t) => archives(t.StorageClass));
      const noncurrent = rules
        .flatMap((r) => r.NoncurrentVersionTransitions ?? [])
        .find((t) => archives(t.StorageClass));
      const missing = [current ? undefined : 'current', noncurrent ? undefined : 'noncurrent'].filter(
        Boolean,
      );
      if (missing.length > 0) {
        return fail(
          `${bucket} has no enabled lifecycle rule moving ${missing.join(' and ')} versions of all objects to GLACIER (or GLACIER_IR, DEEP_ARCHIVE)`,
          redeployOr(
            scope,
            'replica',
            `add a lifecycle rule to ${bucket} with Transitions and NoncurrentVersionTransitions to GLACIER after 90 days`,
          ),
        );
      }
      return pass(
        `${bucket} moves current versions to ${current?.StorageClass} after ${current?.Days ?? '?'} days and noncurrent ones to ${noncurrent?.StorageClass} after ${noncurrent?.NoncurrentDays ?? '?'} days`,
      );
    },
  };
}

function appliesToAll(rule: LifecycleRule): boolean {
  const filter: LifecycleRuleFilter | undefined = rule.Filter;
  const legacyPrefix = (rule as { Prefix?: string }).Prefix;
  if (legacyPrefix) return false;
  if (!filter) return true;
  return (
    !filter.Prefix &&
    !filter.Tag &&
    !filter.And &&
    filter.ObjectSizeGreaterThan === undefined &&
    filter.ObjectSizeLessThan === undefined
  );
}
