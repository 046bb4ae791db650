import { DRILL_PREFIX } from '../../../src/commands/drill/settings';
import { errorLines, runCli } from '../../support/cli';
import {
  buildCrossRegion,
  type CrossRegionDeployment,
  initialRoutes,
  type MockedControlPlane,
  mockControlPlane,
  motoS3In,
  PRIMARY_REGION,
  REPLICA_REGION,
} from '../../support/cross-region';
import {
  type AccessPointData,
  bucketContents,
  newReportDir,
  readEvidence,
  readRunState,
} from '../../support/drill';
import { type Replicator, startReplicator } from '../../support/replicator';

// The failover stage: S3 on moto (the buckets, and the access point's data path played by a test
// fixture), the failover control plane played by aws-sdk-client-mock (mockControlPlane), two test
// replicators for the two-way rules.

const mockAccessPoint: AccessPointData = { replicas: new Set(), requests: [] };
jest.mock('../../../src/shared/aws', () => {
  const actual = jest.requireActual('../../../src/shared/aws');
  const { withAccessPointData } = jest.requireActual('../../support/drill');
  const { withFaithfulReplication } = jest.requireActual('../../support/moto-fidelity');
  return {
    ...actual,
    createClients: (options: unknown) =>
      withAccessPointData(withFaithfulReplication(actual.createClients(options)), mockAccessPoint),
  };
});

let deployment: CrossRegionDeployment;
let control: MockedControlPlane;
let replicators: Replicator[] = [];

async function setUp({
  reverseRule = true,
  applyAfterReads = 1,
  downAfterSubmit = false,
} = {}): Promise<void> {
  deployment = await buildCrossRegion({ accessPoint: true, forwardRule: true, reverseRule });
  control = mockControlPlane(initialRoutes(deployment.names), { applyAfterReads, downAfterSubmit });
  mockAccessPoint.arn = deployment.arn;
  mockAccessPoint.routes = () => control.routes;
  mockAccessPoint.requests.length = 0;
  const { primaryBucket, replicaBucket } = deployment.names;
  const onCopy = (bucket: string, key: string) => mockAccessPoint.replicas.add(`${bucket}/${key}`);
  replicators = [
    startReplicator(motoS3In(PRIMARY_REGION), primaryBucket, replicaBucket, DRILL_PREFIX, 20, {
      delayMs: 200,
      onCopy,
    }),
    ...(reverseRule
      ? [
          startReplicator(motoS3In(REPLICA_REGION), replicaBucket, primaryBucket, DRILL_PREFIX, 20, {
            delayMs: 200,
            onCopy,
          }),
        ]
      : []),
  ];
}

afterEach(async () => {
  for (const r of replicators) await r.stop();
  control?.restore();
});

const args = (dir: string, extra: string[] = []) => [
  'drill',
  '--env',
  deployment.suffix,
  '--skip',
  'rpo,fault,restore,locks',
  '--poll-interval',
  '200ms',
  '--rto',
  '3s',
  '--yes',
  '--report',
  dir,
  ...extra,
];

describe('GIVEN a two-way deployment with a Multi-Region Access Point, primary active', () => {
  beforeEach(() => setUp());

  it('WHEN the failover stage runs THEN rto and failback are measured by probes served through the access point, and the routes end as they began', async () => {
    const dir = newReportDir();

    const result = await runCli(args(dir));

    expect(errorLines(result.stderr)).toEqual([]);
    expect(result.code).toBe(0);
    const evidence = readEvidence(dir);
    for (const name of ['rto', 'failback']) {
      const o = evidence.objectives.find((x) => x.name === name);
      expect(o).toMatchObject({ target_seconds: 3, met: true });
      expect(o?.measured_seconds).toBeGreaterThanOrEqual(0);
    }
    // Routes submitted twice (to the replica, then back), each in the API's request shape.
    const submits = control.calls.filter((c) => c.command === 'SubmitRoutes').map((c) => c.input);
    expect(submits).toEqual([
      {
        AccountId: '123456789012',
        Mrap: deployment.arn,
        RouteUpdates: [
          { Bucket: deployment.names.primaryBucket, Region: PRIMARY_REGION, TrafficDialPercentage: 0 },
          { Bucket: deployment.names.replicaBucket, Region: REPLICA_REGION, TrafficDialPercentage: 100 },
        ],
      },
      {
        AccountId: '123456789012',
        Mrap: deployment.arn,
        RouteUpdates: [
          { Bucket: deployment.names.primaryBucket, Region: PRIMARY_REGION, TrafficDialPercentage: 100 },
          { Bucket: deployment.names.replicaBucket, Region: REPLICA_REGION, TrafficDialPercentage: 0 },
        ],
      },
    ]);
    expect(control.routes).toEqual(initialRoutes(deployment.names));
    // Probes went through the access point (PutObject, then a GetObject of each).
    expect(new Set(mockAccessPoint.requests.map((r) => r.command))).toEqual(
      new Set(['PutObject', 'GetObject']),
    );
    expect(
      mockAccessPoint.requests.every((r) =>
        String(r.input.Key).startsWith(`${DRILL_PREFIX}${evidence.runId}/probes/`),
      ),
    ).toBe(true);
    expect(evidence.events.filter((e) => e.kind === 'route-change').map((e) => e.detail)).toEqual([
      expect.stringMatching(/^routes: replica 100, primary 0/),
      'the control plane reports the routes: replica 100, primary 0',
      expect.stringMatching(/^routes: primary 100, replica 0/),
      'the control plane reports the routes: primary 100, replica 0',
    ]);
    expect(evidence.deployment.accessPoint).toBe(deployment.arn);
    // The failback's readiness passed once the probes written on the replica side had come back.
    expect(evidence.stages.find((s) => s.name === 'failover')?.measurements?.failbackForced).toBe(false);
    const contents = await bucketContents(deployment.names);
    expect(contents.keys.every((key) => key.startsWith(`${DRILL_PREFIX}${evidence.runId}/`))).toBe(true);
    expect(contents.deleteMarkers).toBe(0);
    expect(readRunState(dir).pending).toEqual([]);
  });

  it('WHEN interrupted with Ctrl-C while failed over THEN it routes back to the primary, says so in one line, and exits 1', async () => {
    const dir = newReportDir();
    let sent = false;

    const result = await runCli(args(dir), {
      onStderr: (text) => {
        if (!sent && text.includes('until one lands in')) {
          sent = true;
          setTimeout(() => process.emit('SIGINT'), 50);
        }
      },
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^undone: routed the access point ${deployment.arn} back to the primary \\(primary 100, replica 0\\)$`,
        'm',
      ),
    );
    expect(control.routes).toEqual(initialRoutes(deployment.names));
    expect(readEvidence(dir).outcome).toBe('interrupted');
    expect(readRunState(dir)).toMatchObject({ status: 'interrupted', pending: [] });
  });
});

describe('GIVEN a control plane that stops answering once the routes were moved', () => {
  beforeEach(() => setUp({ downAfterSubmit: true }));

  it('WHEN the failover stage runs THEN it cannot route back: one line says so and what to run by hand, the run state keeps it for --resume, exit 2', async () => {
    const dir = newReportDir();

    const result = await runCli(args(dir));

    expect(result.code).toBe(2);
    const runId = readRunState(dir).runId;
    expect(result.stderr).toContain(
      `NOT undone: route the access point ${deployment.arn} back to the primary ${deployment.names.primaryBucket} failed: no failover control region answered`,
    );
    expect(result.stderr).toContain(
      `to finish: aws s3control submit-multi-region-access-point-routes --region us-west-2 --account-id 123456789012 --mrap ${deployment.arn} --route-updates Bucket=${deployment.names.primaryBucket},Region=${PRIMARY_REGION},TrafficDialPercentage=100 Bucket=${deployment.names.replicaBucket},Region=${REPLICA_REGION},TrafficDialPercentage=0, or s3-dr drill --env ${deployment.suffix} --report ${dir} --resume ${runId} --yes`,
    );
    expect(readRunState(dir).pending).toEqual([
      expect.objectContaining({ kind: 'routes', accessPointArn: deployment.arn }),
    ]);
    expect(readEvidence(dir).undo).toEqual([
      expect.objectContaining({ done: false, howToFinish: expect.any(String) }),
    ]);
  });
});

describe('GIVEN a one-way deployment with an access point', () => {
  beforeEach(() => setUp({ reverseRule: false }));

  it('WHEN the failover stage runs THEN it is skipped with the reason, and the routes are never touched', async () => {
    const dir = newReportDir();

    const result = await runCli(args(dir));

    expect(result.code).toBe(0);
    expect(readEvidence(dir).stages.find((s) => s.name === 'failover')).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('one-way replication'),
    });
    expect(control.calls.filter((c) => c.command === 'SubmitRoutes')).toEqual([]);
  });
});
