import { DRILL_PREFIX } from '../../../src/commands/drill/settings';
import { errorLines, runCli } from '../../support/cli';
import type { CrossRegionDeployment } from '../../support/cross-region';
import { motoS3In, PRIMARY_REGION } from '../../support/cross-region';
import {
  awsError,
  bucketContents,
  type FaultFixture,
  faultFixture,
  type MockedAlarmHistory,
  type MockedFis,
  type mockFis,
  newReportDir,
  readEvidence,
  readRunState,
  TEMPLATE_ID,
} from '../../support/drill';
import { startReplicator } from '../../support/replicator';

// The fault stage against moto's S3, with AWS FIS and CloudWatch's alarm history played by
// aws-sdk-client-mock (moto serves neither): the test replicator stops copying while the mocked
// experiment runs, as S3 does while replication is paused.

const PAUSE_MS = 1500;
const COPY_DELAY_MS = 300;

let f: FaultFixture;
let deployment: CrossRegionDeployment;
let fis: MockedFis;
let history: MockedAlarmHistory;

function faultArgs(dir: string, extra: string[] = []): string[] {
  return [
    'drill',
    '--env',
    deployment.suffix,
    '--skip',
    'rpo,failover,restore,locks',
    '--probes',
    '3',
    '--probe-interval',
    '300ms',
    '--poll-interval',
    '100ms',
    '--fault-duration',
    `${PAUSE_MS}ms`,
    '--detect',
    '3s',
    '--rpo',
    '5s',
    '--yes',
    '--report',
    dir,
    ...extra,
  ];
}

async function setUp(
  fisOptions: Parameters<typeof mockFis>[1] = {},
  alarmAfterMs: number | null = 800,
): Promise<void> {
  f = await faultFixture({ fis: fisOptions, alarmAfterMs, copyDelayMs: COPY_DELAY_MS });
  ({ deployment, fis, history } = f);
}

afterEach(() => f?.stop());

describe('GIVEN a drillable deployment whose latency alarm fires 0.8s into a pause', () => {
  beforeEach(() => setUp());

  it('WHEN the fault stage runs THEN detection and catch-up are measured, the experiment is stopped after --fault-duration, and only the drill prefix is written', async () => {
    const dir = newReportDir();

    const result = await runCli(faultArgs(dir));

    expect(errorLines(result.stderr)).toEqual([]);
    expect(result.code).toBe(0);
    const evidence = readEvidence(dir);
    const detection = evidence.objectives.find((o) => o.name === 'detection');
    expect(detection).toMatchObject({ target_seconds: 3, met: true });
    expect(detection?.measured_seconds).toBeGreaterThanOrEqual(0.8);
    expect(detection?.measured_seconds).toBeLessThanOrEqual(0.9);
    const catchUp = evidence.objectives.find((o) => o.name === 'catch-up');
    expect(catchUp?.met).toBe(true);
    expect(catchUp?.measured_seconds).toBeGreaterThanOrEqual(COPY_DELAY_MS / 1000);
    expect(evidence.events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['fault-start', 'fault-end', 'alarm']),
    );
    expect(evidence.events.find((e) => e.kind === 'alarm')?.detail).toBe(
      `${deployment.names.latencyAlarm} (${PRIMARY_REGION}): OK -> ALARM`,
    );
    // Request shapes as the FIS API reference has them (StartExperiment: clientToken, experimentTemplateId, tags).
    const start = fis.calls.find((c) => c.command === 'StartExperiment');
    expect(start?.input).toEqual({
      experimentTemplateId: TEMPLATE_ID,
      clientToken: expect.stringMatching(new RegExp(`^s3-dr-drill-${evidence.runId}-[0-9a-z]+$`)),
      tags: { 's3-dr-drill': evidence.runId },
    });
    expect(fis.calls.filter((c) => c.command === 'StopExperiment').map((c) => c.input)).toEqual([
      { id: 'EXP1' },
    ]);
    expect(fis.experiments.get('EXP1')?.state?.status).toBe('stopped');
    // DescribeAlarmHistory: state updates of both alarm types, oldest first, from the pause's start.
    expect(history.calls[0]).toEqual({
      AlarmName: expect.any(String),
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      HistoryItemType: 'StateUpdate',
      StartDate: new Date(Date.parse(evidence.events.find((e) => e.kind === 'fault-start')?.at as string)),
      EndDate: expect.any(Date),
      ScanBy: 'TimestampAscending',
      MaxRecords: 100,
    });
    const contents = await bucketContents(deployment.names);
    expect(contents.keys.every((key) => key.startsWith(`${DRILL_PREFIX}${evidence.runId}/`))).toBe(true);
    expect(contents.deleteMarkers).toBe(0);
    expect(readRunState(dir)).toMatchObject({ status: 'finished', pending: [] });
  });
});

describe('GIVEN a deployment whose alarms stay quiet during the pause', () => {
  beforeEach(() => setUp({}, null));

  it('WHEN the fault stage runs THEN detection is missed with its reason, the drill exits 1 and the experiment is stopped', async () => {
    const dir = newReportDir();

    const result = await runCli(faultArgs(dir));

    expect(result.code).toBe(1);
    expect(readEvidence(dir).objectives.find((o) => o.name === 'detection')).toEqual({
      name: 'detection',
      target_seconds: 3,
      measured_seconds: null,
      met: false,
      reason: 'no alarm of this deployment entered ALARM within 3s of the pause',
    });
    expect(result.stdout).toMatch(/detection +3s +- +NO: no alarm of this deployment entered ALARM/);
    expect(fis.experiments.get('EXP1')?.state?.status).toBe('stopped');
  });
});

describe('GIVEN a detection objective shorter than the pause, and quiet alarms', () => {
  beforeEach(() => setUp({}, null));

  it('WHEN --detect passes during the pause THEN the experiment is stopped at once, not at the end of --fault-duration', async () => {
    const dir = newReportDir();

    const result = await runCli([...faultArgs(dir), '--detect', '500ms', '--fault-duration', '20s']);

    expect(result.code).toBe(1);
    const evidence = readEvidence(dir);
    const start = Date.parse(evidence.events.find((e) => e.kind === 'fault-start')?.at as string);
    const end = evidence.events.find((e) => e.kind === 'fault-end');
    expect(end?.detail).toBe(
      'replication pause ended (experiment EXP1 stopped by the drill early: detection missed its objective)',
    );
    expect(Date.parse(end?.at as string) - start).toBeLessThan(5_000);
    expect(evidence.objectives.find((o) => o.name === 'detection')?.met).toBe(false);
    expect(fis.experiments.get('EXP1')?.state?.status).toBe('stopped');
  });
});

describe('GIVEN FIS that fails while the pause runs', () => {
  beforeEach(() =>
    setUp({
      failGetWhileRunning: awsError('ThrottlingException', 400, 'Rate exceeded'),
    }),
  );

  it('WHEN the fault stage runs THEN it stops the experiment, says so in one line, and exits 2 with the evidence', async () => {
    const dir = newReportDir();

    const result = await runCli(faultArgs(dir));

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^undone: stopped AWS FIS experiment EXP1: S3 resumes replication as the pause ends$/m,
    );
    expect(fis.experiments.get('EXP1')?.state?.status).toBe('stopped');
    expect(readEvidence(dir).outcome).toBe('error');
    expect(readRunState(dir)).toMatchObject({ status: 'error', pending: [] });
  });
});

describe('GIVEN FIS that refuses to start the experiment', () => {
  beforeEach(() =>
    setUp({
      failStart: awsError('AccessDeniedException', 403, 'User is not authorized'),
    }),
  );

  it('WHEN the fault stage runs THEN it says why in one line, exits 2, and has nothing to stop', async () => {
    const dir = newReportDir();

    const result = await runCli(faultArgs(dir));

    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(
        /^s3-dr: access denied to AWS FIS experiment template EXTdrill0000001 \(StartExperiment\)/,
      ),
    ]);
    expect(fis.calls.filter((c) => c.command === 'StopExperiment')).toEqual([]);
    expect(readRunState(dir).pending).toEqual([]);
  });
});

describe('GIVEN a replicator that the pause does not stop', () => {
  beforeEach(async () => {
    await setUp();
    await f.replicator.stop();
    f.replicator = startReplicator(
      motoS3In(PRIMARY_REGION),
      deployment.names.primaryBucket,
      deployment.names.replicaBucket,
      DRILL_PREFIX,
      20,
    );
  });

  it('WHEN the fault stage runs THEN catch-up is not claimed: the probes arrived during the pause', async () => {
    const dir = newReportDir();

    await runCli(faultArgs(dir));

    expect(readEvidence(dir).objectives.find((o) => o.name === 'catch-up')).toMatchObject({
      measured_seconds: null,
      met: false,
      reason:
        '3 probes arrived during the pause: replication was not paused, so no catch-up could be measured',
    });
  });
});

describe('GIVEN a template that pauses for at most 1s', () => {
  beforeEach(() => setUp({ maxPause: 'PT1S', maxPauseMs: 1000 }));

  it('WHEN --fault-duration is longer THEN preflight refuses before anything is written, exit 2', async () => {
    const dir = newReportDir();

    const result = await runCli(faultArgs(dir));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'preflight: FAIL drill.template: --fault-duration 1.5s is longer than template EXTdrill0000001 pauses at most (1s): choose at most that\n',
    );
    expect(errorLines(result.stderr)).toEqual([
      's3-dr: preflight failed (1 check, listed above): nothing written; fix them or --skip the stages that need them',
    ]);
    expect(fis.calls.filter((c) => c.command === 'StartExperiment')).toEqual([]);
    expect((await bucketContents(deployment.names)).versions).toBe(0);
  });
});
