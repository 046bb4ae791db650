import type { KeyMetadata } from '@aws-sdk/client-kms';
import { describeRetention } from '../../../shared/object-lock';
import type { PolicyDocument, PolicyStatement } from './facts';
import { partitionOf } from './subscriptions';
import {
  type BucketRole,
  bucketOf,
  type Check,
  fail,
  pass,
  redeploy,
  redeployOr,
  redeployProtected,
  redeployWith,
  warn,
} from './types';

/** Object Lock on the replica: mode and default retention, or that it is off (an optional setting). */
export function objectLockCheck(): Check {
  return {
    id: 'replica.objectLock',
    async run(scope) {
      const { target, facts } = scope;
      const bucket = target.replica;
      const lock = await facts.objectLock(bucket);
      if (!lock.enabled) {
        return pass(
          `Object Lock is off on ${bucket} (optional: -c replicaObjectLock=compliance:<days> gives it a default retention; replica.retention then reports whether replicas get it)`,
        );
      }
      if (!lock.mode) {
        return warn(
          `Object Lock is on for ${bucket} but it has no default retention: replica versions are not locked`,
          redeployOr(
            scope,
            'replica',
            `aws s3api put-object-lock-configuration --bucket ${bucket} --object-lock-configuration '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Days":30}}}'`,
          ),
        );
      }
      const who =
        lock.mode === 'COMPLIANCE'
          ? 'by anyone, the root user included'
          : 'except by principals allowed s3:BypassGovernanceRetention';
      return pass(
        `Object Lock is on for ${bucket}: ${describeRetention(lock)} default retention (a version it applies to is undeletable for that long, ${who}; whether replicas get it: replica.retention)`,
      );
    },
  };
}

/**
 * The replica's bucket policy denies version deletes, configuration changes and (one-way) object
 * writes to everyone but the principals it names, as `protectReplica` deploys it.
 */
export function replicaProtectionCheck(): Check {
  return {
    id: 'replica.protection',
    async run(scope) {
      const { target, facts } = scope;
      const bucket = target.replica;
      const { versions, config, writes } = protectionDenies(await facts.policy(bucket));
      const missing = [
        versions ? undefined : 'version deletes (s3:DeleteObjectVersion)',
        config ? undefined : 'changes to its policy, replication, versioning and lifecycle',
      ].filter(Boolean);
      if (missing.length > 0) {
        return warn(
          `the policy of ${bucket} does not deny ${missing.join(' nor ')}: stolen credentials allowed by IAM could destroy or disable the replica`,
          redeployProtected(scope, 'replica'),
        );
      }
      const parts = [
        `version deletes (${exemptText(versions)})`,
        `configuration changes (${exemptText(config)})`,
        writes ? `object writes (${exemptText(writes)})` : 'not object writes (applications may write to it)',
      ];
      return pass(`the policy of ${bucket} denies ${parts.join(', ')}`);
    },
  };
}

/** The protection's deny statements in a replica policy: of version deletes, configuration changes, object writes. */
function protectionDenies(policy: PolicyDocument | undefined) {
  const denies = unconditionalDenies(policy);
  return {
    versions: denies.find((s) => covers(s, 's3:DeleteObjectVersion')),
    config: denies.find((s) =>
      [
        's3:PutBucketPolicy',
        's3:PutReplicationConfiguration',
        's3:PutBucketVersioning',
        's3:PutLifecycleConfiguration',
      ].every((a) => covers(s, a)),
    ),
    writes: denies.find((s) => covers(s, 's3:PutObject')),
  };
}

/**
 * The tag with which CDK's autoDeleteObjects marks a bucket (removalPolicy destroy): its function
 * empties, on stack deletion, only a bucket that carries it with the value `true` (aws-cdk-lib,
 * custom-resource-handlers/lib/aws-s3/auto-delete-objects-handler).
 */
export const AUTO_DELETE_TAG = 'aws-cdk:auto-delete-objects';

/**
 * Whether the replica empties itself when its stack is deleted (removalPolicy destroy), which
 * the protection does not stop: the clean-up function's role is exempt from its denies, so
 * whoever may invoke that function can empty the replica, and the CDK execution role (exempt from
 * the configuration deny, AdministratorAccess by default) can lift the protection. A WARN when the
 * replica is protected: the protection then promises more than it holds.
 */
export function replicaRemovalCheck(): Check {
  return {
    id: 'replica.removalPolicy',
    async run(scope) {
      const { target, facts } = scope;
      const bucket = target.replica;
      if ((await facts.tags(bucket))[AUTO_DELETE_TAG] !== 'true') {
        return pass(`${bucket} does not empty itself when its stack is deleted (no ${AUTO_DELETE_TAG} tag)`);
      }
      const { versions, config } = protectionDenies(await facts.policy(bucket));
      const emptied = `${bucket} empties itself when its stack is deleted (tag ${AUTO_DELETE_TAG}=true: removalPolicy destroy)`;
      const fix = `${redeployWith(scope, 'replica', '-c removalPolicy=retain')}; for versions nobody can delete, add -c replicaObjectLock=compliance:<days>`;
      if (!versions || !config)
        return warn(`${emptied}, and its policy does not protect it (see replica.protection)`, fix);
      return warn(
        `${emptied}, which its protection does not stop: whoever may invoke CDK's auto-delete function can empty it (that function's role is exempt from the denies), and the CDK execution role, exempt from the configuration deny and AdministratorAccess by default, can lift the protection`,
        fix,
      );
    },
  };
}

/**
 * The bucket's key is usable and protected: FAIL when it is pending deletion (with the date its
 * objects become unrecoverable) or disabled; WARN when its policy does not deny deletion,
 * disabling and policy changes.
 */
export function keyProtectionCheck(role: BucketRole): Check {
  return {
    id: `${role}.keyProtection`,
    async run(scope) {
      const { target, facts } = scope;
      const bucket = bucketOf(target, role);
      const keyId = (await facts.encryption(bucket))?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID;
      if (!keyId)
        return warn(`could not check: ${bucket} has no customer-managed key (see ${role}.encryption)`);
      const key = await facts.key(keyId);
      if (!key?.Arn)
        return warn(`could not check: key ${keyId} of ${bucket} does not exist (see ${role}.keyRotation)`);
      const unusable = keyStateFailure(key, bucket);
      if (unusable) return unusable;
      if (key.KeyManager === 'AWS') return pass(`key ${key.Arn} is AWS-managed: only AWS can delete it`);
      const protecting = unconditionalDenies(await facts.keyPolicy(key.Arn)).find((s) =>
        PROTECTED_KEY_ACTIONS.every((a) => covers(s, a)),
      );
      if (!protecting) {
        return warn(
          `the policy of key ${key.Arn} of ${bucket} does not deny ${PROTECTED_KEY_ACTIONS.join(', ')}: any principal IAM allows can schedule its deletion`,
          redeployProtected(scope, role),
        );
      }
      return pass(
        `key ${key.Arn} of ${bucket}: deletion, disabling and policy changes are denied (${exemptText(protecting)})`,
      );
    },
  };
}

const PROTECTED_KEY_ACTIONS = ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy'];

function keyStateFailure(key: KeyMetadata, bucket: string) {
  const arn = key.Arn as string;
  if (key.KeyState === 'PendingDeletion') {
    const when = key.DeletionDate ? key.DeletionDate.toISOString() : 'the end of its waiting period';
    return fail(
      `key ${arn} of ${bucket} is pending deletion: on ${when} it is deleted and every object encrypted with it becomes unrecoverable`,
      `before ${when}: aws kms cancel-key-deletion --key-id ${arn} && aws kms enable-key --key-id ${arn}`,
    );
  }
  if (key.KeyState === 'Disabled') {
    return fail(
      `key ${arn} of ${bucket} is Disabled: nothing encrypted with it can be read or replicated until it is enabled (a disabled key is not scheduled for deletion)`,
      `aws kms enable-key --key-id ${arn}`,
    );
  }
  if (key.KeyState && key.KeyState !== 'Enabled') {
    return fail(
      `key ${arn} of ${bucket} is ${key.KeyState}: objects encrypted with it cannot be read`,
      `aws kms describe-key --key-id ${arn}`,
    );
  }
  return undefined;
}

/** The tamper rule exists, is enabled and notifies the alarm topic. */
export function tamperRuleCheck(): Check {
  return {
    id: 'tamper.rule',
    async run(scope) {
      const { target, names, account, region, facts } = scope;
      if (!names) return undefined;
      const name = names.tamperRule;
      const rule = await facts.eventRule(name);
      const fix = redeploy(scope);
      if (!rule) {
        return warn(
          `EventBridge rule ${name} does not exist: nobody is told when someone changes the buckets' replication, versioning, lifecycle or policy, or schedules a key's deletion`,
          fix,
        );
      }
      if (rule.state !== 'ENABLED') {
        return warn(
          `EventBridge rule ${name} is ${rule.state ?? 'not enabled'}: tampering goes unreported`,
          `aws events enable-rule --name ${name}`,
        );
      }
      const topicArn =
        target.alarmTopicArn ??
        (account ? `arn:${partitionOf(region)}:sns:${region}:${account}:${names.alarmTopic}` : undefined);
      const notifies = rule.targets.some((t) =>
        topicArn ? t.Arn === topicArn : t.Arn?.endsWith(`:${names.alarmTopic}`),
      );
      if (!notifies) {
        return warn(
          `EventBridge rule ${name} is ENABLED but does not notify the alarm topic ${names.alarmTopic}`,
          fix,
        );
      }
      return pass(
        `EventBridge rule ${name} is ENABLED and notifies ${names.alarmTopic}; it receives events only while a CloudTrail trail logs management events in ${region} (not checked here)`,
      );
    },
  };
}

function statements(policy: PolicyDocument | undefined): readonly PolicyStatement[] {
  const s = policy?.Statement;
  if (!s) return [];
  return Array.isArray(s) ? s : [s as PolicyStatement];
}

function list(value: unknown): readonly unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Condition operators that exempt principals by ARN: the only condition a protection deny may carry. */
const EXEMPTING = ['ArnNotLike', 'ArnNotEquals', 'StringNotLike', 'StringNotEquals'];

/**
 * Deny statements for every principal whose only condition, if any, exempts principals by
 * `aws:PrincipalArn` (the SSL-only denies, conditioned on aws:SecureTransport, are not among them).
 */
function unconditionalDenies(policy: PolicyDocument | undefined): PolicyStatement[] {
  return statements(policy).filter((s) => {
    if (s.Effect !== 'Deny' || !isEveryone(s.Principal)) return false;
    return Object.entries(s.Condition ?? {}).every(
      ([operator, keys]) =>
        EXEMPTING.includes(operator) &&
        Object.keys(keys).every((k) => k.toLowerCase() === 'aws:principalarn'),
    );
  });
}

function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  return (
    typeof principal === 'object' &&
    principal !== null &&
    list((principal as { AWS?: unknown }).AWS).includes('*')
  );
}

/** Whether the statement's actions (with IAM wildcards) include `action`. */
function covers(statement: PolicyStatement, action: string): boolean {
  return list(statement.Action).some((pattern) => {
    const regex = new RegExp(
      `^${String(pattern)
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    );
    return regex.test(action);
  });
}

/** `exempt: a, b` from the statement's aws:PrincipalArn exemption, or `nobody is exempt`. */
function exemptText(statement: PolicyStatement | undefined): string {
  const exempt = Object.values(statement?.Condition ?? {}).flatMap((keys) =>
    Object.entries(keys)
      .filter(([k]) => k.toLowerCase() === 'aws:principalarn')
      .flatMap(([, v]) => list(v).map(String)),
  );
  return exempt.length > 0 ? `exempt: ${exempt.map(shortRole).join(', ')}` : 'nobody is exempt';
}

/** `role/name` for a role ARN (the account is the bucket's), anything else as given. */
function shortRole(arn: string): string {
  const match = /^arn:[^:]+:iam::\d{12}:(role\/.+)$/.exec(arn);
  return match ? (match[1] as string) : arn;
}
