import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploymentNames } from 's3-dr-naming';
import { motoEndpoint, useMotoEnv } from '../../../../../test/support/moto';
import { runFailover } from '../../../src/commands/failover/run';
import { formatOutcome, type SwitchResult } from '../../../src/commands/failover/switch';
import { CONTROL_REGIONS } from '../../../src/shared/access-point';
import { type AwsClients, createClients } from '../../../src/shared/aws';
import { runCli } from '../../support/cli';
import {
  buildCrossRegion,
  type CrossRegionDeployment,
  initialRoutes,
  type MockedControlPlane,
  mockControlPlane,
  PRIMARY_REGION,
  putReplicationMetric,
  REPLICA_REGION,
  SWITCH_OPTIONS,
} from '../../support/cross-region';
import { MOTO_ACCOUNT, uniqueSuffix } from '../../support/dr-pair';
import { type FixedServer, notFoundServer } from '../../support/fixed-server';

// failover's logic (runFailover) runs with real moto clients (STS, S3 in two regions, CloudWatch,
// GetMultiRegionAccessPoint); moto has no route calls, so the S3 Control client is mocked for
// Get/SubmitMultiRegionAccessPointRoutes only (test/support/cross-region.ts).

useMotoEnv();

let control: MockedControlPlane | undefined;
afterEach(() => control?.restore());

const clients = (region = PRIMARY_REGION): AwsClients =>
  createClients({ endpointUrl: motoEndpoint(), region });

async function failover(
  d: CrossRegionDeployment,
  options: Partial<typeof SWITCH_OPTIONS> = {},
  aws: AwsClients = clients(),
): Promise<{ result: SwitchResult; plan: string }> {
  let plan = '';
  const result = await runFailover({ aws }, { suffix: d.suffix, ...SWITCH_OPTIONS, ...options }, (t) => {
    plan += t;
  });
  return { result, plan };
}

/** The forward rule's metrics, as S3 publishes them in the primary's region. */
const forwardRule = (d: CrossRegionDeployment) => ({
  source: d.names.primaryBucket,
  destination: d.names.replicaBucket,
  ruleId: d.names.replicationRuleId,
});

/** Puts a ReplicationLatency datapoint of the forward rule in the primary's region. */
const replicaBehind = (d: CrossRegionDeployment, seconds: number) =>
  putReplicationMetric(PRIMARY_REGION, forwardRule(d), 'ReplicationLatency', seconds, 2 * 60_000);

const submits = (c: MockedControlPlane) => c.calls.filter((call) => call.command === 'SubmitRoutes');

test('GIVEN a ready replica WHEN failing over with --yes THEN it submits replica 100 and primary 0 for the access point, as the API reference shapes the request', async () => {
  const d = await buildCrossRegion();
  control = mockControlPlane(initialRoutes(d.names));

  const { result } = await failover(d);

  expect(result.outcome).toBe('switched');
  expect(submits(control)).toHaveLength(1);
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_SubmitMultiRegionAccessPointRoutes.html
  expect(submits(control)[0]?.input).toEqual({
    AccountId: MOTO_ACCOUNT,
    Mrap: d.arn,
    RouteUpdates: [
      { Bucket: d.names.primaryBucket, Region: PRIMARY_REGION, TrafficDialPercentage: 0 },
      { Bucket: d.names.replicaBucket, Region: REPLICA_REGION, TrafficDialPercentage: 100 },
    ],
  });
  expect(control.calls.find((c) => c.command === 'GetRoutes')).toMatchObject({
    input: { AccountId: MOTO_ACCOUNT, Mrap: d.arn },
  });
});

test('GIVEN the primary region is the one failing WHEN failing over THEN the control plane is asked in another region first, the primary region last', async () => {
  const d = await buildCrossRegion();
  control = mockControlPlane(initialRoutes(d.names));

  await failover(d);

  expect(submits(control)[0]?.region).not.toBe(PRIMARY_REGION);
  expect(control.calls.map((c) => c.region)).not.toContain(PRIMARY_REGION);
});

test('GIVEN the replica is further behind than --max-lag WHEN failing over THEN it refuses, names the backlog and changes no route', async () => {
  const d = await buildCrossRegion();
  await replicaBehind(d, 600);
  control = mockControlPlane(initialRoutes(d.names));

  const { result, plan } = await failover(d);

  expect(result.outcome).toBe('refused');
  expect(submits(control)).toHaveLength(0);
  expect(result.findings.find((f) => f.id === 'replication.backlog')).toMatchObject({ status: 'FAIL' });
  expect(plan).toMatch(/FAIL\s+replication\.backlog\s+.*600 s behind.*more than --max-lag 1m/);
});

test('GIVEN the replica is behind WHEN failing over with --force THEN it switches and says it was forced', async () => {
  const d = await buildCrossRegion();
  await replicaBehind(d, 600);
  control = mockControlPlane(initialRoutes(d.names));

  const { result } = await failover(d, { force: true });

  expect(result).toMatchObject({ outcome: 'switched', forced: true, ready: false });
  expect(submits(control)).toHaveLength(1);
});

test('GIVEN the replica within --max-lag WHEN failing over THEN the backlog passes and the failover is not forced', async () => {
  const d = await buildCrossRegion();
  await replicaBehind(d, 20);
  control = mockControlPlane(initialRoutes(d.names));

  const { result } = await failover(d);

  expect(result.findings.find((f) => f.id === 'replication.backlog')?.message).toContain('20 s behind');
  expect(result).toMatchObject({ outcome: 'switched', forced: false, ready: true });
});

test('GIVEN replication operations failed recently WHEN failing over THEN it warns that up to that many objects may be missing from the replica, and switches', async () => {
  const d = await buildCrossRegion();
  // Two datapoints in the same minute: their Sum (5), not their Maximum (3).
  await putReplicationMetric(PRIMARY_REGION, forwardRule(d), 'OperationsFailedReplication', 3);
  await putReplicationMetric(PRIMARY_REGION, forwardRule(d), 'OperationsFailedReplication', 2);
  control = mockControlPlane(initialRoutes(d.names));

  const { result, plan } = await failover(d);

  expect(result.findings.find((f) => f.id === 'replication.failed')).toMatchObject({
    status: 'WARN',
    message: expect.stringContaining(
      `5 replication operations failed in the last 15m: up to 5 objects or delete markers may be missing from ${d.names.replicaBucket}`,
    ),
  });
  expect(plan).toMatch(/WARN\s+replication\.failed\s+.*s3-dr backfill --status failed/);
  expect(result).toMatchObject({ outcome: 'switched', forced: false });
});

describe('GIVEN the primary region cannot be asked at all', () => {
  /** The CLI's clients in the replica region, with every request to the primary region going nowhere. */
  function primaryRegionDown(): AwsClients {
    const aws = clients(REPLICA_REGION);
    const down = createClients({ endpointUrl: 'http://127.0.0.1:9', region: PRIMARY_REGION });
    return new Proxy(aws, {
      get: (target, property, receiver) =>
        property === 'inRegion'
          ? (region: string) => (region === PRIMARY_REGION ? down : target.inRegion(region))
          : Reflect.get(target, property, receiver),
    });
  }

  test('WHEN failing over THEN it refuses: the backlog cannot be read', async () => {
    const d = await buildCrossRegion();
    control = mockControlPlane(initialRoutes(d.names));

    const { result } = await failover(d, {}, primaryRegionDown());

    expect(result.outcome).toBe('refused');
    expect(result.findings.find((f) => f.id === 'replication.backlog')?.message).toMatch(
      // (under jest the SDK wraps the socket error, which comes from another realm, in a plain Error)
      /cannot read the replication backlog .* metrics in us-east-1\): .*ECONNREFUSED/,
    );
  });

  test('WHEN failing over with --force THEN the routes move all the same', async () => {
    const d = await buildCrossRegion();
    control = mockControlPlane(initialRoutes(d.names));

    const { result } = await failover(d, { force: true }, primaryRegionDown());

    expect(result).toMatchObject({ outcome: 'switched', forced: true });
    expect(submits(control)).toHaveLength(1);
  });
});

test('GIVEN the first control regions are down WHEN failing over THEN it uses the next one that answers and names those that did not', async () => {
  const d = await buildCrossRegion();
  control = mockControlPlane(initialRoutes(d.names), { down: ['us-west-2', 'ap-southeast-2'] });

  const { result, plan } = await failover(d);

  expect(result.outcome).toBe('switched');
  expect(result.controlRegion).toBe('ap-northeast-1');
  expect(submits(control).map((c) => c.region)).toEqual(['us-west-2', 'ap-southeast-2', 'ap-northeast-1']);
  expect(result.controlFailures.map((f) => f.region)).toEqual([
    'us-west-2',
    'ap-southeast-2',
    'us-west-2',
    'ap-southeast-2',
  ]);
  expect(plan).toContain('note: control region us-west-2 did not answer');
});

test('GIVEN every control region is down WHEN failing over THEN it fails with exit 2 naming each region', async () => {
  const d = await buildCrossRegion();
  control = mockControlPlane(initialRoutes(d.names), {
    down: ['us-east-1', 'us-west-2', 'ap-southeast-2', 'ap-northeast-1', 'eu-west-1'],
  });

  await expect(failover(d)).rejects.toMatchObject({
    exitCode: 2,
    code: 'unreachable',
    message: expect.stringMatching(
      /no failover control region answered for .*: us-west-2, ap-southeast-2, ap-northeast-1, eu-west-1, us-east-1: cannot reach .* \(ECONNREFUSED\)/,
    ),
  });
});

test('GIVEN --wait WHEN the routes apply after a few reads THEN it polls until they are reported and says how long it took', async () => {
  const d = await buildCrossRegion();
  control = mockControlPlane(initialRoutes(d.names), { applyAfterReads: 2 });
  let clock = 0;

  const { result } = await failover(d, {
    wait: true,
    pollIntervalMs: 5000,
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
    },
  } as Partial<typeof SWITCH_OPTIONS>);

  expect(result.waited).toEqual({ applied: true, seconds: 10 });
  expect(control.calls.filter((c) => c.command === 'GetRoutes')).toHaveLength(4);
});

test('GIVEN --wait WHEN the routes never apply within --timeout THEN it stops and says so', async () => {
  const d = await buildCrossRegion();
  control = mockControlPlane(initialRoutes(d.names), { applyAfterReads: 1000 });
  let clock = 0;

  const { result } = await failover(d, {
    wait: true,
    timeoutMs: 30_000,
    pollIntervalMs: 10_000,
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
    },
  } as Partial<typeof SWITCH_OPTIONS>);

  expect(result.waited).toEqual({ applied: false, seconds: 30 });
});

test('GIVEN --wait WHEN no control region answers after the routes were submitted THEN it reports the switch and that the routes could not be read back', async () => {
  const d = await buildCrossRegion();
  control = mockControlPlane(initialRoutes(d.names), { downAfterSubmit: true });

  const { result } = await failover(d, { wait: true });

  expect(result.outcome).toBe('switched');
  expect(result.waited).toMatchObject({
    applied: false,
    error: expect.stringContaining('no failover control region answered'),
  });
  expect(formatOutcome(result)).toMatch(
    /^routes submitted at .*\ncould not read the routes back after \d+m?s \(no failover control region answered/,
  );
});

test('GIVEN no --yes WHEN failing over THEN it shows the routes and the plan and changes nothing', async () => {
  const d = await buildCrossRegion();
  control = mockControlPlane(initialRoutes(d.names));

  const { result, plan } = await failover(d, { yes: false });

  expect(result.outcome).toBe('planned');
  expect(submits(control)).toHaveLength(0);
  expect(plan).toMatch(
    /current routes[^\n]*:\n\s+primary\s+primary-bucket-\S+\s+\(us-east-1\)\s+100 active\n\s+replica\s+replica-bucket-\S+\s+\(eu-west-1\)\s+0 passive\nplan:\n\s+primary\s+\S+\s+\(us-east-1\)\s+0 passive\n\s+replica\s+\S+\s+\(eu-west-1\)\s+100 active/,
  );
});

test('GIVEN the replica is already the only active side WHEN failing over THEN there is nothing to do', async () => {
  const d = await buildCrossRegion();
  control = mockControlPlane([
    { Bucket: d.names.primaryBucket, Region: PRIMARY_REGION, TrafficDialPercentage: 0 },
    { Bucket: d.names.replicaBucket, Region: REPLICA_REGION, TrafficDialPercentage: 100 },
  ]);

  const { result } = await failover(d);

  expect(result.outcome).toBe('already');
  expect(submits(control)).toHaveLength(0);
});

test.each([
  ['GLACIER', 'WARN'],
  ['DEEP_ARCHIVE', 'WARN'],
  ['GLACIER_IR', 'PASS'],
])(
  'GIVEN a replica archiving to %s WHEN failing over THEN the archive finding is %s',
  async (archiveClass, status) => {
    const d = await buildCrossRegion({ archiveClass });
    control = mockControlPlane(initialRoutes(d.names));

    const { result } = await failover(d, { yes: false });

    const finding = result.findings.find((f) => f.id === 'replica.archive');
    expect(finding?.status).toBe(status);
    if (status === 'WARN') expect(finding?.message).toContain(`versions to ${archiveClass} after 90 days`);
    expect(result.ready).toBe(true);
  },
);

test('GIVEN a deployment without an access point WHEN failing over THEN it exits 2 naming the replica bucket and the region the applications must use', async () => {
  const d = await buildCrossRegion({ accessPoint: false });

  await expect(failover(d)).rejects.toMatchObject({
    exitCode: 2,
    code: 'not-found',
    message: `deployment ${d.suffix} has no Multi-Region Access Point (s3-dr-${d.suffix}), so there are no routes to move: to fail over, point the applications at bucket ${d.names.replicaBucket} in region ${REPLICA_REGION} (and back at ${d.names.primaryBucket} in region ${PRIMARY_REGION} afterwards)`,
  });
});

describe('through the CLI', () => {
  test('GIVEN --json WHEN failing over THEN stdout is the result with the failback command and its start time', async () => {
    const d = await buildCrossRegion();
    control = mockControlPlane(initialRoutes(d.names));

    const run = await runCli(['--env', d.suffix, '--json', 'failover', '--yes']);

    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({
      command: 'failover',
      outcome: 'switched',
      accessPoint: { name: `s3-dr-${d.suffix}`, arn: d.arn },
      after: { replica: { bucket: d.names.replicaBucket, region: REPLICA_REGION, dial: 100 } },
    });
    expect(json.failbackCommand).toBe(`s3-dr failback --env ${d.suffix} --since ${json.startedAt}`);
    expect(run.stderr).toContain('plan:');
  });

  test('GIVEN a refusal WHEN failing over in text THEN it exits 1 with REFUSED and the reason', async () => {
    const d = await buildCrossRegion();
    await replicaBehind(d, 900);
    control = mockControlPlane(initialRoutes(d.names));

    const run = await runCli(['--env', d.suffix, 'failover', '--yes']);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /REFUSED: rule replicate-all-\S+ .*900 s behind.*Nothing changed; --force fails over anyway/,
    );
  });

  test('GIVEN a switch WHEN failing over in text THEN it prints the exact failback command to run', async () => {
    const d = await buildCrossRegion();
    control = mockControlPlane(initialRoutes(d.names));

    const run = await runCli(['--env', d.suffix, 'failover', '--yes']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `s3-dr failback --env ${d.suffix} --since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\n`,
      ),
    );
  });
});

test('GIVEN --access-point and neither STS nor us-west-2 answering WHEN failing over THEN the ARN alone finds the routes and the account', async () => {
  const d = await buildCrossRegion();
  control = mockControlPlane(initialRoutes(d.names));
  const aws = clients(REPLICA_REGION);
  const noSts = new Proxy(aws, {
    get: (target, property, receiver) => {
      if (property === 'sts') throw new Error('STS must not be asked');
      return Reflect.get(target, property, receiver);
    },
  });

  const { result } = await failover(d, { accessPointArn: d.arn } as Partial<typeof SWITCH_OPTIONS>, noSts);

  expect(result.outcome).toBe('switched');
  expect(control.calls.map((c) => c.command)).not.toContain('GetAccessPoint');
  expect(submits(control)[0]?.input).toMatchObject({ AccountId: MOTO_ACCOUNT, Mrap: d.arn });
});

describe('GIVEN us-west-2 does not answer GetMultiRegionAccessPoint', () => {
  /** The top-level stack with the access point's ARN among its outputs, as the stack outputs it. */
  async function stackNaming(d: CrossRegionDeployment, outputs: Record<string, string>): Promise<void> {
    const { CloudFormationClient, CreateStackCommand } = await import('@aws-sdk/client-cloudformation');
    const cfn = new CloudFormationClient({
      region: PRIMARY_REGION,
      endpoint: motoEndpoint(),
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const template = {
      Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
      Outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { Value: v }])),
    };
    await cfn.send(
      new CreateStackCommand({ StackName: `TapStack${d.suffix}`, TemplateBody: JSON.stringify(template) }),
    );
  }

  test("WHEN the stack outputs the access point's ARN THEN failover finds it there", async () => {
    const d = await buildCrossRegion();
    await stackNaming(d, { MultiRegionAccessPointArn: d.arn as string });
    control = mockControlPlane(initialRoutes(d.names), { managementDown: true });

    const { result } = await failover(d);

    expect(result.outcome).toBe('switched');
    expect(submits(control)[0]?.input).toMatchObject({ Mrap: d.arn });
  });

  test('WHEN the stack names no access point either THEN it exits 2 and points at --access-point', async () => {
    const d = await buildCrossRegion();
    control = mockControlPlane(initialRoutes(d.names), { managementDown: true });

    await expect(failover(d)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        new RegExp(
          `access point s3-dr-${d.suffix} \\(GetMultiRegionAccessPoint in us-west-2, and stack TapStack${d.suffix} has no output naming it; --access-point <arn> names it\\)`,
        ),
      ),
    });
  });
});

describe('GIVEN an endpoint that answers HTTP 404 to everything (not AWS)', () => {
  let server: FixedServer;
  beforeAll(async () => {
    server = await notFoundServer();
  });
  afterAll(() => server.close());

  test('WHEN failing over THEN the STS line says the endpoint is not STS, not that a bucket is missing', async () => {
    const aws = createClients({ endpointUrl: server.endpoint, region: PRIMARY_REGION });

    await expect(
      runFailover({ aws }, { suffix: 'dev', ...SWITCH_OPTIONS }, () => undefined),
    ).rejects.toMatchObject({
      exitCode: 2,
      message:
        'the caller identity (STS GetCallerIdentity, for the account id): the endpoint answered HTTP 404 without an error code, so it is not STS: check --endpoint-url and --region',
    });
  });
});

test('GIVEN nothing deployed for the suffix WHEN failing over THEN it says there is no deployment: no stack, no buckets (exit 2, not-found)', async () => {
  const suffix = uniqueSuffix();
  const names = deploymentNames(suffix, MOTO_ACCOUNT);

  await expect(
    runFailover({ aws: clients() }, { suffix, ...SWITCH_OPTIONS }, () => undefined),
  ).rejects.toMatchObject({
    exitCode: 2,
    code: 'not-found',
    message: `no deployment ${suffix}: stack TapStack${suffix} not found in ${PRIMARY_REGION} and buckets ${names.primaryBucket} and ${names.replicaBucket} do not exist: check --env and --region`,
  });
});

describe('GIVEN the deployment named by its access point ARN and buckets instead of --env', () => {
  test('WHEN failing over with the buckets and the ARN THEN it switches the routes and finds the forward rule in the primary', async () => {
    const d = await buildCrossRegion({ forwardRule: true });
    control = mockControlPlane(initialRoutes(d.names));
    let plan = '';

    const result = await runFailover(
      { aws: clients() },
      {
        ...SWITCH_OPTIONS,
        accessPointArn: d.arn,
        buckets: { primary: d.names.primaryBucket, replica: d.names.replicaBucket },
      },
      (t) => {
        plan += t;
      },
    );

    expect(result.outcome).toBe('switched');
    expect(submits(control)[0]?.input).toMatchObject({ AccountId: MOTO_ACCOUNT, Mrap: d.arn });
    expect(plan).toContain(`access point ${d.alias} (${d.arn})`);
    expect(plan).toMatch(new RegExp(`PASS\\s+replication\\.backlog\\s+.*rule ${d.names.replicationRuleId} `));
  });

  test('WHEN failing over with --outputs holding MultiRegionAccessPointArn THEN the CLI switches that access point and prints the failback command with --outputs', async () => {
    const d = await buildCrossRegion({ forwardRule: true });
    control = mockControlPlane(initialRoutes(d.names));
    const file = join(mkdtempSync(join(tmpdir(), 's3-dr-outputs-')), 'o3.json');
    writeFileSync(
      file,
      JSON.stringify({
        PrimaryBucketArn: `arn:aws:s3:::${d.names.primaryBucket}`,
        ReplicaBucketArn: `arn:aws:s3:::${d.names.replicaBucket}`,
        ReplicaRegion: REPLICA_REGION,
        MultiRegionAccessPointArn: d.arn,
      }),
    );

    const run = await runCli(['--outputs', file, 'failover', '--yes']);

    expect(run.code).toBe(0);
    expect(submits(control)[0]?.input).toMatchObject({ Mrap: d.arn });
    expect(run.stdout).toMatch(new RegExp(`s3-dr failback --outputs ${file} --since \\d{4}-`));
  });

  test('WHEN failing over with --source/--replica and --access-point THEN the CLI switches that access point', async () => {
    const d = await buildCrossRegion({ forwardRule: true });
    control = mockControlPlane(initialRoutes(d.names));

    const run = await runCli([
      '--source',
      d.names.primaryBucket,
      '--replica',
      d.names.replicaBucket,
      'failover',
      '--access-point',
      d.arn as string,
      '--yes',
    ]);

    expect(run.code).toBe(0);
    expect(submits(control)[0]?.input).toMatchObject({ Mrap: d.arn });
  });
});

test('GIVEN no control region can read the routes WHEN failing over THEN it still prints the readiness and the plan, then exits 2 with why', async () => {
  const d = await buildCrossRegion();
  control = mockControlPlane(initialRoutes(d.names), { down: [...CONTROL_REGIONS] });
  let plan = '';

  const failing = runFailover({ aws: clients() }, { suffix: d.suffix, ...SWITCH_OPTIONS }, (t) => {
    plan += t;
  });

  await expect(failing).rejects.toMatchObject({ exitCode: 2, code: 'unreachable' });
  await expect(failing).rejects.toThrow(/^no failover control region answered for the routes of /);
  expect(plan).toContain('current routes: unknown (no control region could read them)');
  expect(plan).toMatch(
    new RegExp(`plan:\\n  primary  ${d.names.primaryBucket} +\\(${PRIMARY_REGION}\\) +0 passive`),
  );
  expect(plan).toMatch(/PASS\s+replica\.answers /);
  expect(submits(control)).toHaveLength(0);
});

test('GIVEN --outputs and no control region answering WHEN failing over THEN the plan shows the replica in its ReplicaRegion output, then exits 2', async () => {
  control = mockControlPlane([], { down: [...CONTROL_REGIONS] });
  const file = join(mkdtempSync(join(tmpdir(), 's3-dr-outputs-')), 'o3.json');
  writeFileSync(
    file,
    JSON.stringify({
      PrimaryBucketArn: 'arn:aws:s3:::gone-primary-bucket',
      ReplicaBucketArn: 'arn:aws:s3:::gone-replica-bucket',
      ReplicaRegion: REPLICA_REGION,
      MultiRegionAccessPointArn: `arn:aws:s3::${MOTO_ACCOUNT}:accesspoint/abc.mrap`,
    }),
  );

  const run = await runCli(['--outputs', file, 'failover']);

  expect(run.code).toBe(2);
  expect(run.stdout).toMatch(
    new RegExp(`plan:\\n.*\\n  replica  gone-replica-bucket +\\(${REPLICA_REGION}\\) +100 active`),
  );
  expect(run.stderr).toMatch(/^s3-dr: no failover control region answered/m);
});
