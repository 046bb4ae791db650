import { type AuditReport, deploymentSuffix, runAudit } from '../../ops/audit';
import { createClients } from '../../ops/aws';
import { summarise } from '../../ops/checks/metrics';
import type { Target } from '../../ops/target';
import { buildPair, type DrPair, motoClients } from '../support/dr-pair';
import { motoEndpoint, motoEnv } from '../support/moto';
import { withFaithfulReplication } from '../support/moto-fidelity';

// runAudit gets CLI clients, which read credentials from process.env.
const savedEnv = { ...process.env };
beforeAll(() => {
  Object.assign(process.env, motoEnv());
});
afterAll(() => {
  process.env = savedEnv;
});

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
