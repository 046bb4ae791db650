import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FisClient, StartExperimentCommand } from '@aws-sdk/client-fis';
import { RUN_STATE_SCHEMA, type RunState } from '../../../src/commands/drill/run-state';
import { DRILL_DEFAULTS, DRILL_PREFIX } from '../../../src/commands/drill/settings';
import { errorLines, runCli } from '../../support/cli';
import { type CrossRegionDeployment, motoS3In, PRIMARY_REGION } from '../../support/cross-region';
import {
  bucketContents,
  type FaultFixture,
  faultFixture,
  type MockedFis,
  newReportDir,
  readEvidence,
  readRunState,
  TEMPLATE_ID,
} from '../../support/drill';
import { startReplicator } from '../../support/replicator';

// Ctrl-C, a second Ctrl-C and --resume, with FIS and the alarm history mocked and S3 on moto.

let f: FaultFixture;
let deployment: CrossRegionDeployment;
let fis: MockedFis;

beforeEach(async () => {
  f = await faultFixture({ alarmAfterMs: 300 });
  ({ deployment, fis } = f);
});

afterEach(async () => {
  await f.stop();
  jest.restoreAllMocks();
});

const args = (dir: string, skip = 'failover,restore,locks') => [
  'drill',
  '--env',
  deployment.suffix,
  '--skip',
  skip,
  '--probes',
  '2',
  '--probe-interval',
  '300ms',
  '--poll-interval',
  '100ms',
  '--fault-duration',
  '2s',
  '--detect',
  '3s',
  '--rpo',
  '5s',
  '--yes',
  '--report',
  dir,
];

/** Sends Ctrl-C once stderr shows `marker` (and again after `second` ms, if given). */
function interruptAt(marker: string, second?: number): { onStderr: (text: string) => void } {
  let sent = false;
  return {
    onStderr: (text) => {
      if (sent || !text.includes(marker)) return;
      sent = true;
      setTimeout(() => {
        process.emit('SIGINT');
        if (second !== undefined) setTimeout(() => process.emit('SIGINT'), second);
      }, 50);
    },
  };
}

describe('GIVEN a drill in its rpo stage', () => {
  it('WHEN interrupted THEN it stops, has nothing to undo, keeps the evidence as interrupted and exits 1', async () => {
    await f.replicator.stop();
    const dir = newReportDir();

    const result = await runCli(args(dir, 'fault,failover,restore,locks'), interruptAt('rpo: writing'));

    expect(result.code).toBe(1);
    expect(readEvidence(dir)).toMatchObject({ outcome: 'interrupted' });
    expect(readEvidence(dir).stages.find((s) => s.name === 'rpo')?.status).toBe('interrupted');
    expect(readRunState(dir)).toMatchObject({ status: 'interrupted', pending: [] });
    expect((await bucketContents(deployment.names)).deleteMarkers).toBe(0);
    const runId = readRunState(dir).runId;
    expect(result.stdout).toContain(
      `nothing to undo: the drill left the deployment as it found it (its probe objects stay under _s3-dr/drill/${runId}/)`,
    );
    expect(result.stdout).toMatch(
      new RegExp(
        `to run the stages it did not finish: s3-dr drill --env ${deployment.suffix} --report ${dir} --resume ${runId} --yes\\n?$`,
      ),
    );
  });
});

describe('GIVEN a drill interrupted in its rpo stage, then resumed', () => {
  it('WHEN the resumed run finishes THEN the probes the first attempt stopped watching read "not watched to the end", not "never arrived", in evidence.json, report.html and report.md, and the timeline shows the interruption and the resume', async () => {
    await f.replicator.stop();
    const dir = newReportDir();
    const first = await runCli(args(dir, 'fault,failover,restore,locks'), interruptAt('rpo: writing'));
    expect(first.code).toBe(1);
    const firstKeys = readEvidence(dir).probes.map((p) => p.key);
    expect(firstKeys.length).toBeGreaterThan(0);
    const { primaryBucket, replicaBucket } = deployment.names;
    f.replicator = startReplicator(motoS3In(PRIMARY_REGION), primaryBucket, replicaBucket, DRILL_PREFIX, 20);

    const resumed = await runCli(['drill', '--resume', readRunState(dir).runId, '--report', dir, '--yes']);

    expect(errorLines(resumed.stderr)).toEqual([]);
    expect(resumed.code).toBe(0);
    const evidence = readEvidence(dir);
    expect(evidence.outcome).toBe('met');
    expect(evidence.probes.filter((p) => p.interrupted === true).map((p) => p.key)).toEqual(firstKeys);
    expect(evidence.probes.filter((p) => p.seenAt === null && p.interrupted !== true)).toEqual([]);
    expect(evidence.stages.find((s) => s.name === 'rpo')).toMatchObject({
      status: 'passed',
      measurements: { probes: 2, arrived: 2 },
    });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const markdown = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(html).not.toContain('never arrived');
    expect(markdown).not.toContain('Never arrived');
    const n = firstKeys.length;
    expect(html).toContain(
      `${n === 1 ? '1 probe was' : `${n} probes were`} not watched to the end: the drill was interrupted before`,
    );
    expect(html).toContain('Replication probes (2)');
    expect(markdown).toContain(`| Replication probes | ${n + 2} | 2 | ${n} |`);
    expect(markdown).toContain('Not watched to the end (the drill was interrupted before they arrived');
    expect(evidence.events.filter((e) => e.kind === 'note').map((e) => e.detail)).toEqual([
      'interrupted (Ctrl-C or SIGTERM): the drill ended the stage, stopped watching its probes and undid what it changed',
      `resumed (--resume ${evidence.runId}): running the stages it did not finish`,
    ]);
  });
});

describe('GIVEN a drill pausing replication', () => {
  it('WHEN interrupted THEN it stops the experiment, says so in one line and exits 1; --resume then runs the fault stage again to its end', async () => {
    const dir = newReportDir();

    const first = await runCli(args(dir), interruptAt('fault: pause holds until'));

    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(
      /^undone: stopped AWS FIS experiment EXP1: S3 resumes replication as the pause ends$/m,
    );
    expect(fis.experiments.get('EXP1')?.state?.status).toBe('stopped');
    const interrupted = readRunState(dir);
    expect(interrupted).toMatchObject({ status: 'interrupted', pending: [] });

    const resumed = await runCli(['drill', '--resume', interrupted.runId, '--report', dir, '--yes']);

    expect(errorLines(resumed.stderr)).toEqual([]);
    expect(resumed.code).toBe(0);
    expect(fis.experiments.get('EXP2')?.state?.status).toBe('stopped');
    const evidence = readEvidence(dir);
    expect(evidence.runId).toBe(interrupted.runId);
    expect(evidence.outcome).toBe('met');
    expect(evidence.stages.find((s) => s.name === 'fault')?.status).toBe('passed');
    expect(readRunState(dir)).toMatchObject({ status: 'finished', pending: [] });
  });

  it('WHEN sent SIGTERM (a cancelled CI job) THEN it stops the experiment as on Ctrl-C', async () => {
    const dir = newReportDir();
    let sent = false;

    const result = await runCli(args(dir), {
      onStderr: (text) => {
        if (sent || !text.includes('fault: pause holds until')) return;
        sent = true;
        setTimeout(() => process.emit('SIGTERM'), 50);
      },
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^undone: stopped AWS FIS experiment EXP1/m);
    expect(fis.experiments.get('EXP1')?.state?.status).toBe('stopped');
    expect(readRunState(dir)).toMatchObject({ status: 'interrupted', pending: [] });
  });

  it('WHEN interrupted twice THEN the second Ctrl-C says what is left to undo by hand and exits 130', async () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const dir = newReportDir();

    const result = await runCli(args(dir), interruptAt('fault: pause holds until', 1));

    expect(exit).toHaveBeenCalledWith(130);
    const runId = readRunState(dir).runId;
    expect(result.stderr).toContain(
      `quitting at once; left to undo by hand: stop AWS FIS experiment EXP1: aws fis stop-experiment --id EXP1 --region us-east-1, or s3-dr drill --env ${deployment.suffix} --report ${dir} --resume ${runId} --yes`,
    );
  });
});

describe('GIVEN a drill that died while its experiment ran (its run state says so)', () => {
  it('WHEN resumed without --yes THEN it says what it would undo and writes nothing; with --yes it stops the experiment first, then finishes', async () => {
    const dir = newReportDir();
    const runId = '20261205T101500Z-3fa94c';
    const started = await new FisClient({ region: 'us-east-1' }).send(
      new StartExperimentCommand({
        experimentTemplateId: TEMPLATE_ID,
        clientToken: 'x',
        tags: { 's3-dr-drill': runId },
      }),
    );
    const state: RunState = {
      schema: RUN_STATE_SCHEMA,
      runId,
      startedAt: new Date().toISOString(),
      status: 'running',
      target: { env: deployment.suffix },
      settings: {
        ...DRILL_DEFAULTS,
        probes: 2,
        probeIntervalMs: 300,
        pollIntervalMs: 100,
        faultDurationMs: 2000,
        detectMs: 3000,
        rpoMs: 5000,
        skip: ['failover', 'restore', 'locks'],
      },
      stages: [],
      probes: [],
      events: [],
      objectives: [],
      undo: [],
      pending: [
        { kind: 'experiment', id: started.experiment?.id, templateId: TEMPLATE_ID, region: 'us-east-1' },
      ],
    };
    writeFileSync(join(dir, 'run-state.json'), JSON.stringify(state));

    const plan = await runCli(['drill', '--env', deployment.suffix, '--resume', runId, '--report', dir]);

    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      `s3-dr drill --resume ${runId}: would first undo stop AWS FIS experiment EXP1, then run the stages it did not finish`,
    );
    expect(readRunState(dir).pending).toHaveLength(1);

    const result = await runCli(['drill', '--resume', runId, '--report', dir, '--yes']);

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^undone: stopped AWS FIS experiment EXP1/m);
    expect(fis.experiments.get('EXP1')?.state?.status).toBe('stopped');
    expect(readEvidence(dir).undo[0]).toMatchObject({
      done: true,
      action: expect.stringMatching(/^stopped AWS FIS experiment EXP1/),
    });
    expect(readRunState(dir)).toMatchObject({ status: 'finished', pending: [] });
  });
});
