import { readdirSync } from 'node:fs';
import { FisClient, ListExperimentTemplatesCommand } from '@aws-sdk/client-fis';
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { cliWorkDir, errorLines, runCli } from '../../support/cli';
import {
  buildCrossRegion,
  type CrossRegionDeployment,
  motoS3In,
  PRIMARY_REGION,
  REPLICA_REGION,
} from '../../support/cross-region';

let deployment: CrossRegionDeployment;
beforeAll(async () => {
  deployment = await buildCrossRegion({ forwardRule: true, accessPoint: false });
});

/** Versions and delete markers of both buckets: a drill that was refused wrote none. */
async function objectsInBuckets(): Promise<number> {
  let n = 0;
  for (const [region, bucket] of [
    [PRIMARY_REGION, deployment.names.primaryBucket],
    [REPLICA_REGION, deployment.names.replicaBucket],
  ] as const) {
    const res = await motoS3In(region).send(new ListObjectVersionsCommand({ Bucket: bucket }));
    n += (res.Versions?.length ?? 0) + (res.DeleteMarkers?.length ?? 0);
  }
  return n;
}

function reportDirs(): string[] {
  return readdirSync(cliWorkDir()).filter((name) => name.startsWith('s3-dr-drill-'));
}

describe('GIVEN bad input to s3-dr drill', () => {
  it.each([
    [
      ['--rpo', '15'],
      "--rpo needs a unit: 15s, 15m or 15h? (a duration such as 90s, 20m, 1h30m, 1d or 500ms), got '15'",
    ],
    [['--detect', 'soon'], "--detect must be a duration such as 90s, 20m, 1h30m, 1d or 500ms, got 'soon'"],
    [['--rto', '0'], "--rto must be longer than zero, got '0'"],
    [
      ['--fault-duration', '3 minutes'],
      "--fault-duration must be a duration such as 90s, 20m, 1h30m, 1d or 500ms, got '3 minutes'",
    ],
    [['--probes', '0'], "--probes must be a positive whole number, got '0'"],
    [
      ['--skip', 'fault,chaos'],
      "--skip 'chaos' is not a stage of the drill: the stages are preflight, rpo, fault, failover, restore, locks",
    ],
    [
      ['--skip', 'preflight,rpo,fault,failover,restore,locks'],
      '--skip preflight,rpo,fault,failover,restore,locks skips every stage that measures something (rpo, fault, failover, restore, locks): nothing would be drilled; s3-dr status checks the deployment without writing',
    ],
    [
      ['--skip', 'rpo,fault,failover,restore,locks'],
      expect.stringMatching(/^s3-dr: --skip .*: nothing would be drilled/),
    ],
    [
      ['--resume', 'last-tuesday'],
      expect.stringMatching(/^s3-dr: --resume 'last-tuesday' is not a drill run id/),
    ],
    [
      ['--resume', '20261205T101500Z-3fa94c'],
      'no drill run 20261205T101500Z-3fa94c to resume: s3-dr-drill-20261205T101500Z-3fa94c/run-state.json does not exist (pass --report <dir> with the folder the drill wrote its report to)',
    ],
    [
      ['--target-prefix', '../elsewhere/'],
      expect.stringMatching(/^s3-dr: --target-prefix '..\/elsewhere\/' must be a relative folder/),
    ],
  ])(
    'WHEN run with %p and --yes THEN one line says what is wrong, it exits 2 and writes nothing',
    async (args, line) => {
      const result = await runCli(['drill', '--env', deployment.suffix, ...(args as string[]), '--yes']);

      expect(result.code).toBe(2);
      expect(errorLines(result.stderr)).toEqual([typeof line === 'string' ? `s3-dr: ${line}` : line]);
      expect(result.stderr.split('\n').filter((l) => l.trim() !== '')).toHaveLength(1);
      expect(result.stdout).toBe('');
      expect(reportDirs()).toEqual([]);
      expect(await objectsInBuckets()).toBe(0);
    },
  );
});

describe('GIVEN no --yes', () => {
  it('WHEN run THEN it prints the plan of every stage for the buckets of the deployment, exits 0 and writes nothing', async () => {
    const result = await runCli(['drill', '--env', deployment.suffix]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `target: s3://${deployment.names.primaryBucket} -> s3://${deployment.names.replicaBucket}`,
    );
    for (const stage of ['preflight', 'rpo', 'fault', 'failover', 'restore', 'locks'])
      expect(result.stdout).toContain(`  ${stage}`);
    expect(result.stdout).toContain('costs:');
    expect(result.stdout).toContain('Nothing written: add --yes to run the drill.');
    expect(reportDirs()).toEqual([]);
    expect(await objectsInBuckets()).toBe(0);
  });

  it('WHEN the deployment does not exist THEN the plan is not shown: one line, exit 2', async () => {
    const result = await runCli(['drill', '--env', 'nosuchdeployment']);

    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(/^s3-dr: source bucket primary-bucket-nosuchdeployment-\d{12} .*does not exist/),
    ]);
  });

  it('WHEN run with --skip THEN the plan shows those stages as skipped', async () => {
    const result = await runCli(['drill', '--env', deployment.suffix, '--skip', 'fault,failover']);

    expect(result.stdout).toContain('  fault      skipped (--skip)');
    expect(result.stdout).toContain('  failover   skipped (--skip)');
  });
});

describe('GIVEN a deployment without the pause template (deployed without -c drill=true)', () => {
  let fis: ReturnType<typeof mockClient>;
  beforeEach(() => {
    // @aws-sdk/client-fis is built on an older smithy than aws-sdk-client-mock's types.
    fis = mockClient(FisClient as never) as unknown as ReturnType<typeof mockClient>;
    fis.on(ListExperimentTemplatesCommand as never).resolves({ experimentTemplates: [] } as never);
  });
  afterEach(() => fis.restore());

  it('WHEN the plan is shown THEN fault reads as refused by preflight, with no cost, and how to skip it', async () => {
    const result = await runCli(['drill', '--env', deployment.suffix]);

    expect(result.code).toBe(0);
    expect(fis.commandCalls(ListExperimentTemplatesCommand as never).map((c) => c.args[0].input)).toEqual([
      { maxResults: 100 },
    ]);
    const fault = result.stdout.split('\n').filter((line) => /^ {2}fault /.test(line));
    expect(fault).toEqual([
      `  fault      WILL NOT RUN: preflight refuses it (no AWS FIS experiment template to pause replication (none tagged Name=${deployment.names.drillExperimentTemplate}): deploy with -c drill=true, or --skip fault); add --skip fault`,
    ]);
    expect(result.stdout).not.toContain('AWS FIS:');
    expect(result.stdout).toMatch(/^Objectives: rpo <= 15m, rto and failback <= 3m, /m);
  });

  it('WHEN the plan is shown with --json THEN the fault stage carries the refusal', async () => {
    const result = await runCli(['drill', '--env', deployment.suffix, '--json']);

    const fault = JSON.parse(result.stdout).plan.find((p: { stage: string }) => p.stage === 'fault');
    expect(fault).toMatchObject({
      run: true,
      refused: expect.stringMatching(/^no AWS FIS experiment template/),
    });
  });
});
