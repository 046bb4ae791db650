import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { MultiRegionAccessPointRoute } from '@aws-sdk/client-s3-control';
import { motoEndpoint, useMotoEnv } from '../../../../../test/support/moto';
import { runFailback } from '../../../src/commands/failback/run';
import type { SwitchResult } from '../../../src/commands/failover/switch';
import { createClients } from '../../../src/shared/aws';
import { runCli } from '../../support/cli';
import {
  buildCrossRegion,
  type CrossRegionDeployment,
  type MockedControlPlane,
  mockControlPlane,
  motoS3In,
  PRIMARY_REGION,
  putReplicationMetric,
  REPLICA_REGION,
  SWITCH_OPTIONS,
} from '../../support/cross-region';
import { MOTO_ACCOUNT } from '../../support/dr-pair';

// failback's logic runs with real moto clients (S3 in both regions, CloudWatch, STS,
// GetMultiRegionAccessPoint) and a mocked control plane for the route calls moto lacks.

useMotoEnv();

let control: MockedControlPlane | undefined;
afterEach(() => control?.restore());

/** The routes after a failover: replica active, primary passive. */
function failedOver(d: CrossRegionDeployment): MultiRegionAccessPointRoute[] {
  return [
    { Bucket: d.names.primaryBucket, Region: PRIMARY_REGION, TrafficDialPercentage: 0 },
    { Bucket: d.names.replicaBucket, Region: REPLICA_REGION, TrafficDialPercentage: 100 },
  ];
}

async function failback(
  d: CrossRegionDeployment,
  options: Partial<typeof SWITCH_OPTIONS> & { since?: number } = {},
): Promise<SwitchResult> {
  const aws = createClients({ endpointUrl: motoEndpoint(), region: PRIMARY_REGION });
  return runFailback({ aws }, { suffix: d.suffix, ...SWITCH_OPTIONS, ...options }, () => undefined);
}

const primaryS3 = () => motoS3In(PRIMARY_REGION);
const replicaS3 = () => motoS3In(REPLICA_REGION);

async function put(side: 'primary' | 'replica', d: CrossRegionDeployment, key: string, body: string) {
  const s3 = side === 'primary' ? primaryS3() : replicaS3();
  const bucket = side === 'primary' ? d.names.primaryBucket : d.names.replicaBucket;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** A time strictly after everything written so far (listings carry whole seconds). */
async function nextSecond(): Promise<number> {
  const t = Math.ceil((Date.now() + 1) / 1000) * 1000;
  await new Promise((r) => setTimeout(r, t - Date.now() + 50));
  return t;
}

/** The reverse rule's metrics, as S3 publishes them in the replica's region. */
const reverseRuleOf = (d: CrossRegionDeployment) => ({
  source: d.names.replicaBucket,
  destination: d.names.primaryBucket,
  ruleId: d.names.reverseReplicationRuleId,
});

const submits = (c: MockedControlPlane) => c.calls.filter((call) => call.command === 'SubmitRoutes');
const finding = (r: SwitchResult, id: string) => r.findings.find((f) => f.id === id);

test('GIVEN what was written on the replica side is back in the primary WHEN failing back THEN it submits primary 100 and replica 0', async () => {
  const d = await buildCrossRegion({ reverseRule: true });
  const since = await nextSecond();
  for (const side of ['replica', 'primary'] as const)
    await put(side, d, 'during-failover.txt', 'written on the replica side');
  control = mockControlPlane(failedOver(d));

  const result = await failback(d, { since });

  expect(result.outcome).toBe('switched');
  expect(finding(result, 'reverse.verify')).toMatchObject({ status: 'PASS' });
  expect(finding(result, 'reverse.verify')?.message).toContain('1 key compared');
  expect(submits(control)[0]?.input).toEqual({
    AccountId: MOTO_ACCOUNT,
    Mrap: d.arn,
    RouteUpdates: [
      { Bucket: d.names.primaryBucket, Region: PRIMARY_REGION, TrafficDialPercentage: 100 },
      { Bucket: d.names.replicaBucket, Region: REPLICA_REGION, TrafficDialPercentage: 0 },
    ],
  });
});

test('GIVEN a key written on the replica side since the failover is not in the primary WHEN failing back THEN it refuses and names the key', async () => {
  const d = await buildCrossRegion({ reverseRule: true });
  const since = await nextSecond();
  await put('replica', d, 'orders/42.json', '{"paid":true}');
  control = mockControlPlane(failedOver(d));

  const result = await failback(d, { since });

  expect(result.outcome).toBe('refused');
  expect(submits(control)).toHaveLength(0);
  expect(finding(result, 'reverse.verify')?.message).toMatch(
    /1 missing, 0 different, 0 deleted .*missing "orders\/42\.json"/,
  );
});

test('GIVEN a key changed on the replica side since the failover WHEN failing back with --force THEN the routes move all the same', async () => {
  const d = await buildCrossRegion({ reverseRule: true });
  const since = await nextSecond();
  await put('replica', d, 'orders/42.json', '{"paid":true}');
  control = mockControlPlane(failedOver(d));

  const result = await failback(d, { since, force: true });

  expect(result).toMatchObject({ outcome: 'switched', forced: true });
  expect(submits(control)).toHaveLength(1);
});

test('GIVEN a key written before --since and deleted on the replica side after it WHEN failing back THEN it refuses: deleted on the replica side but current in the primary', async () => {
  const d = await buildCrossRegion({ reverseRule: true });
  for (const side of ['replica', 'primary'] as const) await put(side, d, 'contracts/7.pdf', 'signed');
  const since = await nextSecond();
  await replicaS3().send(new DeleteObjectCommand({ Bucket: d.names.replicaBucket, Key: 'contracts/7.pdf' }));
  control = mockControlPlane(failedOver(d));

  const result = await failback(d, { since });

  expect(result.outcome).toBe('refused');
  expect(finding(result, 'reverse.verify')?.message).toMatch(
    /0 missing, 0 different, 1 deleted on the replica side but current in the primary .*extra "contracts\/7\.pdf"/,
  );
});

test('GIVEN a difference older than --since WHEN failing back THEN only the keys changed since are compared', async () => {
  const d = await buildCrossRegion({ reverseRule: true });
  await put('replica', d, 'before-the-failover.txt', 'old difference');
  const since = await nextSecond();
  control = mockControlPlane(failedOver(d));

  const result = await failback(d, { since });

  expect(finding(result, 'reverse.verify')).toMatchObject({ status: 'PASS' });
  expect(finding(result, 'reverse.verify')?.message).toContain('0 keys compared');
});

test('GIVEN no --since WHEN failing back THEN every key is compared, and it says so', async () => {
  const d = await buildCrossRegion({ reverseRule: true });
  await put('replica', d, 'before-the-failover.txt', 'old difference');
  control = mockControlPlane(failedOver(d));

  const result = await failback(d);

  expect(result.outcome).toBe('refused');
  expect(finding(result, 'reverse.verify')?.message).toContain('every key (no --since');
});

test('GIVEN the replica has no rule back to the primary WHEN failing back THEN it refuses: nothing flows back by itself', async () => {
  const d = await buildCrossRegion();
  control = mockControlPlane(failedOver(d));

  const result = await failback(d, { since: await nextSecond() });

  expect(result.outcome).toBe('refused');
  expect(finding(result, 'reverse.rule')).toMatchObject({
    status: 'FAIL',
    message: expect.stringContaining(`${d.names.replicaBucket} has no replication configuration`),
  });
});

test("GIVEN the reverse rule's destination is behind WHEN failing back THEN it refuses, reading the metrics in the replica's region", async () => {
  const d = await buildCrossRegion({ reverseRule: true });
  await putReplicationMetric(REPLICA_REGION, reverseRuleOf(d), 'ReplicationLatency', 300);
  control = mockControlPlane(failedOver(d));

  const result = await failback(d, { since: await nextSecond() });

  expect(result.outcome).toBe('refused');
  expect(finding(result, 'reverse.backlog')?.message).toMatch(
    /metrics in eu-west-1\): the destination is 300 s behind/,
  );
});

test('GIVEN the reverse rule failed to replicate objects back since the failover, longer ago than 15 minutes WHEN failing back THEN it refuses: those objects would be out of sight', async () => {
  const d = await buildCrossRegion({ reverseRule: true });
  const since = Date.now() - 2 * 3600_000;
  await putReplicationMetric(REPLICA_REGION, reverseRuleOf(d), 'OperationsFailedReplication', 1, 3600_000);
  control = mockControlPlane(failedOver(d));

  const result = await failback(d, { since, force: false });

  expect(result.outcome).toBe('refused');
  expect(finding(result, 'reverse.failed')).toMatchObject({
    status: 'FAIL',
    message: expect.stringContaining(
      `metrics in eu-west-1): 1 replication operations failed since ${new Date(since).toISOString()}: up to 1 objects or delete markers may be missing from ${d.names.primaryBucket}`,
    ),
  });
  expect(submits(control)).toHaveLength(0);
});

test('GIVEN --json and a refusal WHEN failing back through the CLI THEN it exits 1 with the findings and --since on stdout', async () => {
  const d = await buildCrossRegion({ reverseRule: true });
  const since = await nextSecond();
  await put('replica', d, 'late.txt', 'x');
  control = mockControlPlane(failedOver(d));

  const run = await runCli([
    '--env',
    d.suffix,
    '--json',
    'failback',
    '--since',
    new Date(since).toISOString(),
    '--yes',
  ]);

  expect(run.code).toBe(1);
  expect(JSON.parse(run.stdout)).toMatchObject({
    command: 'failback',
    outcome: 'refused',
    since: new Date(since).toISOString(),
    findings: expect.arrayContaining([expect.objectContaining({ id: 'reverse.verify', status: 'FAIL' })]),
  });
});

test('GIVEN a deployment without an access point WHEN failing back THEN it exits 2 with failback advice: the primary bucket and its region', async () => {
  const d = await buildCrossRegion({ accessPoint: false });

  await expect(failback(d)).rejects.toMatchObject({
    exitCode: 2,
    code: 'not-found',
    message: `deployment ${d.suffix} has no Multi-Region Access Point (s3-dr-${d.suffix}), so there are no routes to move: to fail back, point the applications at bucket ${d.names.primaryBucket} in region ${PRIMARY_REGION} again`,
  });
});
