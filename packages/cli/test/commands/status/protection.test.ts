import { DeleteRuleCommand, DisableRuleCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { DisableKeyCommand, PutKeyPolicyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutObjectLockConfigurationCommand,
} from '@aws-sdk/client-s3';
import type { CheckResult } from '../../../src/commands/status/audit';
import { runCli } from '../../support/cli';
import {
  buildPair,
  type DrPair,
  MOTO_ACCOUNT,
  type MotoClients,
  motoClients,
  sslOnlyPolicy,
  uniqueSuffix,
} from '../../support/dr-pair';
import { DEPLOYER, eventBridgeClient } from '../../support/protection';

// The protection checks of `s3-dr status` against moto: Object Lock on a moto bucket, keys pending
// deletion or disabled in moto's KMS, the tamper rule in moto's EventBridge.

jest.mock('../../../src/shared/aws', () => {
  const actual = jest.requireActual('../../../src/shared/aws');
  const { withFaithfulReplication } = jest.requireActual('../../support/moto-fidelity');
  return {
    ...actual,
    createClients: (options: unknown) => withFaithfulReplication(actual.createClients(options)),
  };
});

interface StatusJson {
  readonly healthy: boolean;
  readonly checks: readonly CheckResult[];
}

let clients: MotoClients;
beforeAll(() => {
  clients = motoClients();
});

async function status(pair: DrPair): Promise<{ code: number; report: StatusJson }> {
  const result = await runCli(['status', '--env', pair.suffix, '--json']);
  return { code: result.code, report: JSON.parse(result.stdout) as StatusJson };
}

/** The key id of a key ARN: moto 5.2's ScheduleKeyDeletion and DisableKey look keys up by id only. */
function keyId(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

function check(report: StatusJson, id: string): CheckResult | undefined {
  return report.checks.find((c) => c.id === id);
}

describe('GIVEN a pair with the default protection', () => {
  let pair: DrPair;
  let report: StatusJson;
  beforeAll(async () => {
    pair = await buildPair(clients);
    ({ report } = await status(pair));
  });

  it('WHEN audited THEN the replica policy check names what is denied and who is exempt', () => {
    expect(check(report, 'replica.protection')).toEqual({
      id: 'replica.protection',
      status: 'PASS',
      message: `the policy of ${pair.names.replicaBucket} denies version deletes (exempt: role/s3-dr-break-glass), configuration changes (exempt: role/cdk-hnb659fds-cfn-exec-role-${MOTO_ACCOUNT}-us-east-1), object writes (exempt: role/${pair.names.replicationRole})`,
    });
  });

  it('WHEN audited THEN both keys are reported protected, with the exempt deployment role', () => {
    for (const [role, key] of [
      ['primary', pair.primaryKeyArn],
      ['replica', pair.replicaKeyArn],
    ] as const) {
      expect(check(report, `${role}.keyProtection`)).toEqual({
        id: `${role}.keyProtection`,
        status: 'PASS',
        message: `key ${key} of ${role === 'primary' ? pair.names.primaryBucket : pair.names.replicaBucket}: deletion, disabling and policy changes are denied (exempt: role/cdk-hnb659fds-cfn-exec-role-${MOTO_ACCOUNT}-us-east-1)`,
      });
    }
  });

  it('WHEN audited THEN the tamper rule is reported enabled, notifying the alarm topic, with the CloudTrail caveat', () => {
    expect(check(report, 'tamper.rule')).toEqual({
      id: 'tamper.rule',
      status: 'PASS',
      message: `EventBridge rule ${pair.names.tamperRule} is ENABLED and notifies ${pair.names.alarmTopic}; it receives events only while a CloudTrail trail logs management events in us-east-1 (not checked here)`,
    });
    expect(check(report, 'alarm.tamper')?.status).toBe('PASS');
  });

  it('WHEN audited THEN Object Lock is reported off, as an optional setting', () => {
    expect(check(report, 'replica.objectLock')).toEqual({
      id: 'replica.objectLock',
      status: 'PASS',
      message: `Object Lock is off on ${pair.names.replicaBucket} (optional: -c replicaObjectLock=compliance:<days> gives it a default retention; replica.retention then reports whether replicas get it)`,
    });
  });
});

describe('GIVEN a replica that empties itself when its stack is deleted (removalPolicy destroy)', () => {
  /** The tag CDK's autoDeleteObjects puts on the bucket, the only thing its function goes by. */
  async function tagForAutoDelete(bucket: string): Promise<void> {
    await clients.s3.send(
      new PutBucketTaggingCommand({
        Bucket: bucket,
        Tagging: { TagSet: [{ Key: 'aws-cdk:auto-delete-objects', Value: 'true' }] },
      }),
    );
  }

  it('WHEN the replica is protected THEN replica.removalPolicy WARNs that the protection does not stop it, with the fix', async () => {
    const pair = await buildPair(clients);
    await tagForAutoDelete(pair.names.replicaBucket);

    const { code, report } = await status(pair);

    expect(check(report, 'replica.removalPolicy')).toEqual({
      id: 'replica.removalPolicy',
      status: 'WARN',
      message: `${pair.names.replicaBucket} empties itself when its stack is deleted (tag aws-cdk:auto-delete-objects=true: removalPolicy destroy), which its protection does not stop: whoever may invoke CDK's auto-delete function can empty it (that function's role is exempt from the denies), and the CDK execution role, exempt from the configuration deny and AdministratorAccess by default, can lift the protection`,
      fix: 'redeploy with -c removalPolicy=retain; for versions nobody can delete, add -c replicaObjectLock=compliance:<days>',
    });
    expect(check(report, 'replica.protection')?.status).toBe('PASS');
    expect(code).toBe(0);
  });

  it('WHEN the replica is not protected THEN the WARN points to replica.protection', async () => {
    const pair = await buildPair(clients);
    await tagForAutoDelete(pair.names.replicaBucket);
    await clients.s3.send(
      new PutBucketPolicyCommand({
        Bucket: pair.names.replicaBucket,
        Policy: JSON.stringify(sslOnlyPolicy(pair.names.replicaBucket)),
      }),
    );

    const { report } = await status(pair);

    expect(check(report, 'replica.removalPolicy')).toMatchObject({
      status: 'WARN',
      message: `${pair.names.replicaBucket} empties itself when its stack is deleted (tag aws-cdk:auto-delete-objects=true: removalPolicy destroy), and its policy does not protect it (see replica.protection)`,
    });
  });

  it('WHEN the replica has no such tag (removalPolicy retain) THEN replica.removalPolicy passes', async () => {
    const pair = await buildPair(clients);

    const { report } = await status(pair);

    expect(check(report, 'replica.removalPolicy')).toEqual({
      id: 'replica.removalPolicy',
      status: 'PASS',
      message: `${pair.names.replicaBucket} does not empty itself when its stack is deleted (no aws-cdk:auto-delete-objects tag)`,
    });
  });
});

describe('GIVEN a replica key scheduled for deletion in 7 days', () => {
  it('WHEN audited THEN replica.keyProtection FAILs with the date the replicas become unrecoverable, and the exit code is 1', async () => {
    const pair = await buildPair(clients);
    const scheduled = await clients.kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: keyId(pair.replicaKeyArn), PendingWindowInDays: 7 }),
    );
    const date = scheduled.DeletionDate?.toISOString();
    expect(date).toBeDefined();

    const { code, report } = await status(pair);

    expect(check(report, 'replica.keyProtection')).toEqual({
      id: 'replica.keyProtection',
      status: 'FAIL',
      message: `key ${pair.replicaKeyArn} of ${pair.names.replicaBucket} is pending deletion: on ${date} it is deleted and every object encrypted with it becomes unrecoverable`,
      fix: `before ${date}: aws kms cancel-key-deletion --key-id ${pair.replicaKeyArn} && aws kms enable-key --key-id ${pair.replicaKeyArn}`,
    });
    expect(check(report, 'primary.keyProtection')?.status).toBe('PASS');
    expect(code).toBe(1);
  });
});

describe('GIVEN a disabled replica key', () => {
  it('WHEN audited THEN replica.keyProtection FAILs saying it is disabled, not scheduled for deletion', async () => {
    const pair = await buildPair(clients);
    await clients.kms.send(new DisableKeyCommand({ KeyId: keyId(pair.replicaKeyArn) }));

    const { code, report } = await status(pair);

    expect(check(report, 'replica.keyProtection')).toEqual({
      id: 'replica.keyProtection',
      status: 'FAIL',
      message: `key ${pair.replicaKeyArn} of ${pair.names.replicaBucket} is Disabled: nothing encrypted with it can be read or replicated until it is enabled (a disabled key is not scheduled for deletion)`,
      fix: `aws kms enable-key --key-id ${pair.replicaKeyArn}`,
    });
    expect(code).toBe(1);
  });
});

describe('GIVEN a pair whose protection was removed', () => {
  it('WHEN the replica policy has only the SSL denies THEN replica.protection WARNs what is not denied', async () => {
    const pair = await buildPair(clients);
    await clients.s3.send(
      new PutBucketPolicyCommand({
        Bucket: pair.names.replicaBucket,
        Policy: JSON.stringify(sslOnlyPolicy(pair.names.replicaBucket)),
      }),
    );

    const { code, report } = await status(pair);

    expect(check(report, 'replica.protection')).toEqual({
      id: 'replica.protection',
      status: 'WARN',
      message: `the policy of ${pair.names.replicaBucket} does not deny version deletes (s3:DeleteObjectVersion) nor changes to its policy, replication, versioning and lifecycle: stolen credentials allowed by IAM could destroy or disable the replica`,
      fix: 'redeploy the stack with protectReplica on (the default: drop -c protectReplica=false)',
    });
    expect(check(report, 'replica.sslOnly')?.status).toBe('PASS');
    expect(code).toBe(0);
  });

  it('WHEN a deny is conditioned on something else than the principal THEN it does not count as protection', async () => {
    const pair = await buildPair(clients);
    const bucket = `arn:aws:s3:::${pair.names.replicaBucket}`;
    const ssl = sslOnlyPolicy(pair.names.replicaBucket) as { Statement: unknown[] };
    await clients.s3.send(
      new PutBucketPolicyCommand({
        Bucket: pair.names.replicaBucket,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            ...ssl.Statement,
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [bucket, `${bucket}/*`],
              Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
            },
          ],
        }),
      }),
    );

    const { report } = await status(pair);

    expect(check(report, 'replica.protection')?.status).toBe('WARN');
  });

  it('WHEN the replica key policy has no deny THEN replica.keyProtection WARNs that anyone IAM allows can delete it', async () => {
    const pair = await buildPair(clients);
    await clients.kms.send(
      new PutKeyPolicyCommand({
        KeyId: pair.replicaKeyArn,
        PolicyName: 'default',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
          ],
        }),
      }),
    );

    const { report } = await status(pair);

    expect(check(report, 'replica.keyProtection')).toEqual({
      id: 'replica.keyProtection',
      status: 'WARN',
      message: `the policy of key ${pair.replicaKeyArn} of ${pair.names.replicaBucket} does not deny kms:ScheduleKeyDeletion, kms:DisableKey, kms:PutKeyPolicy: any principal IAM allows can schedule its deletion`,
      fix: 'redeploy the stack with protectReplica on (the default: drop -c protectReplica=false)',
    });
  });

  it('WHEN a key deny exempts the deployer by a wildcard on all kms actions THEN it counts as protection', async () => {
    const pair = await buildPair(clients);
    await clients.kms.send(
      new PutKeyPolicyCommand({
        KeyId: pair.replicaKeyArn,
        PolicyName: 'default',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Effect: 'Deny',
              Principal: '*',
              Action: ['kms:Schedule*', 'kms:Disable*', 'kms:PutKeyPolicy'],
              Resource: '*',
              Condition: { ArnNotEquals: { 'aws:PrincipalArn': DEPLOYER } },
            },
          ],
        }),
      }),
    );

    const { report } = await status(pair);

    expect(check(report, 'replica.keyProtection')?.status).toBe('PASS');
  });
});

describe('GIVEN a broken tamper rule', () => {
  it('WHEN the rule was deleted THEN tamper.rule WARNs that nobody is told', async () => {
    const pair = await buildPair(clients);
    const events = eventBridgeClient();
    await events.send(new RemoveTargetsCommand({ Rule: pair.names.tamperRule, Ids: ['Target0'] }));
    await events.send(new DeleteRuleCommand({ Name: pair.names.tamperRule }));

    const { code, report } = await status(pair);

    expect(check(report, 'tamper.rule')).toEqual({
      id: 'tamper.rule',
      status: 'WARN',
      message: `EventBridge rule ${pair.names.tamperRule} does not exist: nobody is told when someone changes the buckets' replication, versioning, lifecycle or policy, or schedules a key's deletion`,
      fix: 'redeploy the stack (npx cdk deploy)',
    });
    expect(code).toBe(0);
  });

  it('WHEN the rule is disabled THEN tamper.rule WARNs with the command that enables it', async () => {
    const pair = await buildPair(clients);
    await eventBridgeClient().send(new DisableRuleCommand({ Name: pair.names.tamperRule }));

    const { report } = await status(pair);

    expect(check(report, 'tamper.rule')).toEqual({
      id: 'tamper.rule',
      status: 'WARN',
      message: `EventBridge rule ${pair.names.tamperRule} is DISABLED: tampering goes unreported`,
      fix: `aws events enable-rule --name ${pair.names.tamperRule}`,
    });
  });

  it('WHEN the rule notifies something else than the alarm topic THEN tamper.rule WARNs', async () => {
    const pair = await buildPair(clients);
    await eventBridgeClient().send(
      new RemoveTargetsCommand({ Rule: pair.names.tamperRule, Ids: ['Target0'] }),
    );

    const { report } = await status(pair);

    expect(check(report, 'tamper.rule')).toEqual(
      expect.objectContaining({
        status: 'WARN',
        message: `EventBridge rule ${pair.names.tamperRule} is ENABLED but does not notify the alarm topic ${pair.names.alarmTopic}`,
      }),
    );
  });
});

describe('GIVEN a replica bucket with Object Lock', () => {
  /** A pair whose replica bucket was created with Object Lock (`lock` then sets its default retention). */
  async function pairWithLockedReplica(lock?: {
    Mode: 'GOVERNANCE' | 'COMPLIANCE';
    Days: number;
  }): Promise<DrPair> {
    const suffix = uniqueSuffix();
    // buildPair creates the buckets; create the replica first, with Object Lock (S3 enables
    // versioning with it), so that buildPair's CreateBucket finds it already owned by the account.
    const replica = `replica-bucket-${suffix}-${MOTO_ACCOUNT}`;
    await clients.s3.send(new CreateBucketCommand({ Bucket: replica, ObjectLockEnabledForBucket: true }));
    const pair = await buildPair(clients, suffix);
    if (lock) {
      await clients.s3.send(
        new PutObjectLockConfigurationCommand({
          Bucket: replica,
          ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: lock } },
        }),
      );
    }
    return pair;
  }

  it('WHEN compliance mode with 30 days THEN replica.objectLock reports mode, retention and that nobody can delete', async () => {
    const pair = await pairWithLockedReplica({ Mode: 'COMPLIANCE', Days: 30 });

    const { report } = await status(pair);

    expect(check(report, 'replica.objectLock')).toEqual({
      id: 'replica.objectLock',
      status: 'PASS',
      message: `Object Lock is on for ${pair.names.replicaBucket}: COMPLIANCE, 30 days default retention (a version it applies to is undeletable for that long, by anyone, the root user included; whether replicas get it: replica.retention)`,
    });
  });

  it('WHEN governance mode with 1 day THEN it says who can still delete', async () => {
    const pair = await pairWithLockedReplica({ Mode: 'GOVERNANCE', Days: 1 });

    const { report } = await status(pair);

    expect(check(report, 'replica.objectLock')?.message).toBe(
      `Object Lock is on for ${pair.names.replicaBucket}: GOVERNANCE, 1 day default retention (a version it applies to is undeletable for that long, except by principals allowed s3:BypassGovernanceRetention; whether replicas get it: replica.retention)`,
    );
  });

  it('WHEN Object Lock has no default retention THEN replica.objectLock WARNs that versions are not locked', async () => {
    const pair = await pairWithLockedReplica();

    const { report } = await status(pair);

    expect(check(report, 'replica.objectLock')).toEqual(
      expect.objectContaining({
        status: 'WARN',
        message: `Object Lock is on for ${pair.names.replicaBucket} but it has no default retention: replica versions are not locked`,
      }),
    );
  });
});
