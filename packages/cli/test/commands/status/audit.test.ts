import { deploymentNames } from 's3-dr-naming';
import { motoEndpoint, useMotoEnv } from '../../../../../test/support/moto';
import { type AuditReport, CHECKS, deploymentSuffix, runAudit } from '../../../src/commands/status/audit';
import type { Facts } from '../../../src/commands/status/checks/facts';
import { summarise } from '../../../src/commands/status/checks/metrics';
import {
  alarmSubscriptionCheck,
  PENDING_CONFIRMATION,
  partitionOf,
} from '../../../src/commands/status/checks/subscriptions';
import { createClients } from '../../../src/shared/aws';
import type { Target } from '../../../src/shared/target';
import { createAlarmTopic } from '../../support/alarm-topic';
import { buildPair, type DrPair, MOTO_ACCOUNT, motoClients, uniqueSuffix } from '../../support/dr-pair';
import { withFaithfulReplication } from '../../support/moto-fidelity';

// runAudit gets CLI clients, which read credentials from process.env.
useMotoEnv();

/** CLI clients whose `client` answers `commandName` with `error`, as IAM or an endpoint would. */
function clientsFailing(service: 's3' | 'kms', commandName: string, error: object) {
  const clients = withFaithfulReplication(
    createClients({ endpointUrl: motoEndpoint(), region: 'us-east-1' }),
  );
  // One signature for both clients' middleware stacks (their type parameters differ).
  const stack = clients[service].middlewareStack as unknown as {
    add(middleware: unknown, options: object): void;
  };
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        if (context.commandName === commandName)
          throw Object.assign(new Error(`${commandName} failed`), error);
        return next(args);
      },
    { step: 'initialize', name: 'failOneCommand' },
  );
  return clients;
}

function targetOf(pair: DrPair): Target {
  return {
    source: pair.names.primaryBucket,
    replica: pair.names.replicaBucket,
    origin: 'naming',
    suffix: pair.suffix,
    replicationRuleId: pair.names.replicationRuleId,
  };
}

function nonPassing(report: AuditReport): { id: string; status: string; message: string }[] {
  return report.checks
    .filter((c) => c.status !== 'PASS')
    .map(({ id, status, message }) => ({ id, status, message }));
}

describe('GIVEN a correct pair and a caller denied kms:GetKeyRotationStatus', () => {
  it('WHEN audited THEN only the two key rotation checks WARN "could not check", naming the action', async () => {
    const pair = await buildPair(motoClients());
    await createAlarmTopic(pair.names, ['oncall@example.com']);
    const clients = clientsFailing('kms', 'GetKeyRotationStatusCommand', {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });

    const report = await runAudit(clients, targetOf(pair));

    expect(nonPassing(report)).toEqual([
      {
        id: 'primary.keyRotation',
        status: 'WARN',
        message: `could not check: access denied to kms:GetKeyRotationStatus on key ${pair.primaryKeyArn}`,
      },
      {
        id: 'replica.keyRotation',
        status: 'WARN',
        message: `could not check: access denied to kms:GetKeyRotationStatus on key ${pair.replicaKeyArn}`,
      },
    ]);
  });
});

describe('GIVEN a correct pair behind an endpoint without GetBucketAccelerateConfiguration', () => {
  it('WHEN audited THEN the acceleration check WARNs that the endpoint does not implement it', async () => {
    const pair = await buildPair(motoClients());
    await createAlarmTopic(pair.names, ['oncall@example.com']);
    const clients = clientsFailing('s3', 'GetBucketAccelerateConfigurationCommand', {
      name: 'NotImplemented',
      $metadata: { httpStatusCode: 501 },
    });

    const report = await runAudit(clients, targetOf(pair));

    expect(nonPassing(report)).toEqual([
      {
        id: 'primary.acceleration',
        status: 'WARN',
        message: `could not check: the endpoint does not implement s3:GetAccelerateConfiguration on bucket ${pair.names.primaryBucket}`,
      },
    ]);
  });
});

describe('GIVEN the alarm topic that the stack outputs name', () => {
  const checks = [alarmSubscriptionCheck()];
  const cliClients = () => createClients({ endpointUrl: motoEndpoint(), region: 'us-east-1' });
  /** A target as --outputs gives it: the buckets of the contract and the topic's ARN. */
  function outputsTarget(suffix: string, alarmTopicArn: string): Target {
    const names = deploymentNames(suffix, MOTO_ACCOUNT);
    return { source: names.primaryBucket, replica: names.replicaBucket, origin: 'outputs', alarmTopicArn };
  }

  it('WHEN the topic has no subscription THEN the check WARNs that the alarms notify nobody, with a fix', async () => {
    const suffix = uniqueSuffix();
    const topicArn = await createAlarmTopic(deploymentNames(suffix, MOTO_ACCOUNT));

    const report = await runAudit(cliClients(), outputsTarget(suffix, topicArn), { checks });

    expect(report.checks).toEqual([
      {
        id: 'alarm.subscription',
        status: 'WARN',
        message: `alarm topic s3-replication-alarms-${suffix} has no subscription: the alarms notify nobody`,
        fix: `redeploy with -c alarmEmail=oncall@example.com and confirm the e-mail SNS sends, or: aws sns subscribe --topic-arn ${topicArn} --protocol email --notification-endpoint oncall@example.com`,
      },
    ]);
  });

  // moto 5.2 confirms an e-mail subscription at once, so this is the confirmed case.
  it('WHEN the topic has a confirmed e-mail subscription THEN the check passes and names it', async () => {
    const suffix = uniqueSuffix();
    const topicArn = await createAlarmTopic(deploymentNames(suffix, MOTO_ACCOUNT), ['oncall@example.com']);

    const report = await runAudit(cliClients(), outputsTarget(suffix, topicArn), { checks });

    expect(report.checks).toEqual([
      {
        id: 'alarm.subscription',
        status: 'PASS',
        message: `alarm topic s3-replication-alarms-${suffix} has 1 confirmed subscription: email oncall@example.com`,
      },
    ]);
  });

  // moto never answers PendingConfirmation, so the facts stand in for SNS with what it lists for an
  // e-mail address that has not clicked the confirmation link yet.
  it('WHEN its only subscription is PendingConfirmation THEN the check WARNs that none is confirmed', async () => {
    const topicArn = `arn:aws:sns:us-east-1:${MOTO_ACCOUNT}:s3-replication-alarms-pending`;
    const facts = {
      subscriptions: async () => [
        {
          SubscriptionArn: PENDING_CONFIRMATION,
          Protocol: 'email',
          Endpoint: 'oncall@example.com',
          TopicArn: topicArn,
        },
      ],
    } as unknown as Facts;

    const report = await runAudit(cliClients(), outputsTarget('pending', topicArn), { checks, facts });

    expect(report.checks).toEqual([
      {
        id: 'alarm.subscription',
        status: 'WARN',
        message:
          'alarm topic s3-replication-alarms-pending has 1 subscription, none confirmed (email oncall@example.com): the alarms notify nobody',
        fix: `open the confirmation link SNS sent to each endpoint; to have it sent again, subscribe the endpoint again: aws sns subscribe --topic-arn ${topicArn} --protocol email --notification-endpoint oncall@example.com`,
      },
    ]);
  });

  it('WHEN the topic does not exist THEN the check WARNs, with redeploying as the fix', async () => {
    const suffix = uniqueSuffix();
    const topicArn = `arn:aws:sns:us-east-1:${MOTO_ACCOUNT}:s3-replication-alarms-${suffix}`;

    const report = await runAudit(cliClients(), outputsTarget(suffix, topicArn), { checks });

    expect(report.checks).toEqual([
      {
        id: 'alarm.subscription',
        status: 'WARN',
        message: `alarm topic s3-replication-alarms-${suffix} does not exist: the alarms notify nobody`,
        fix: 'redeploy the stack (npx cdk deploy -c alarmEmail=oncall@example.com)',
      },
    ]);
  });

  it('WHEN the buckets belong to no known deployment and no topic is named THEN the check does not apply', async () => {
    const report = await runAudit(
      cliClients(),
      { source: 'my-data', replica: 'my-data-dr', origin: 'explicit' },
      { checks },
    );

    expect(report.checks).toEqual([]);
  });
});

describe('GIVEN a region', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['cn-north-1', 'aws-cn'],
  ])('WHEN the alarm topic ARN is built for %s THEN its partition is %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});

describe('GIVEN a check that throws an unexpected error', () => {
  it('WHEN audited THEN that check WARNs "could not check" with the error and the audit completes', async () => {
    const clients = createClients({ endpointUrl: motoEndpoint() });
    const checks = [
      {
        id: 'test.throws',
        run: async () => {
          throw new TypeError('boom');
        },
      },
      { id: 'test.passes', run: async () => ({ status: 'PASS' as const, message: 'fine' }) },
    ];

    const report = await runAudit(clients, { source: 's', replica: 'r', origin: 'explicit' }, { checks });

    expect(report.checks).toEqual([
      { id: 'test.throws', status: 'WARN', message: 'could not check: TypeError: boom' },
      { id: 'test.passes', status: 'PASS', message: 'fine' },
    ]);
  });
});

describe('GIVEN buckets named by the naming contract on the command line', () => {
  it('WHEN the suffix is derived THEN it is the one in both bucket names', () => {
    const target: Target = {
      source: 'primary-bucket-my-env-123456789012',
      replica: 'replica-bucket-my-env-123456789012',
      origin: 'explicit',
    };

    expect(deploymentSuffix(target)).toBe('my-env');
  });

  it('WHEN the buckets do not follow the contract THEN the suffix is unknown', () => {
    expect(
      deploymentSuffix({ source: 'my-data', replica: 'my-data-dr', origin: 'explicit' }),
    ).toBeUndefined();
  });
});

describe('GIVEN a metric series', () => {
  const series = {
    timestamps: [
      new Date('2026-01-01T00:01:00Z'),
      new Date('2026-01-01T00:03:00Z'),
      new Date('2026-01-01T00:02:00Z'),
    ],
    values: [5, 2, 9],
  };

  it('WHEN a Maximum metric is summarised THEN its value is the maximum and latest is the newest datapoint', () => {
    expect(summarise('latency', series)).toEqual({ datapoints: 3, value: 9, latest: 2 });
  });

  it('WHEN a Sum metric is summarised THEN its value is the total', () => {
    expect(summarise('failedOperations', series)).toEqual({ datapoints: 3, value: 16, latest: 2 });
  });

  it('WHEN there are no datapoints THEN there is no value, not zero', () => {
    expect(summarise('latency', { timestamps: [], values: [] })).toEqual({ datapoints: 0 });
  });
});

describe('GIVEN every check of s3-dr status', () => {
  it('WHEN their names are read THEN all are written in one style: dotted parts in camelCase', () => {
    const oneStyle = /^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)*$/;

    expect(CHECKS.map((check) => check.id).filter((id) => !oneStyle.test(id))).toEqual([]);
  });
});
