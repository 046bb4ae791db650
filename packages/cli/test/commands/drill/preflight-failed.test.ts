import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLines, runCli } from '../../support/cli';
import { buildCrossRegion, type CrossRegionDeployment } from '../../support/cross-region';
import { newReportDir, readEvidence } from '../../support/drill';

// A drill whose preflight fails: what it prints and records (on moto; the primary has no
// replication configuration, so two checks FAIL, one with "; " in its own message).

let deployment: CrossRegionDeployment;
beforeAll(async () => {
  deployment = await buildCrossRegion({ forwardRule: false, accessPoint: false });
});

const drill = (dir: string, ...more: string[]) =>
  runCli([
    'drill',
    '--env',
    deployment.suffix,
    '--skip',
    'fault,failover',
    '--yes',
    '--report',
    dir,
    ...more,
  ]);

describe('GIVEN a deployment whose preflight fails', () => {
  it('WHEN the drill runs THEN the error counts the FAIL lines it printed, exit 2', async () => {
    const result = await drill(newReportDir());

    expect(result.code).toBe(2);
    const fails = result.stderr.split('\n').filter((line) => line.startsWith('preflight: FAIL '));
    expect(fails.map((line) => line.split(':')[1])).toEqual([
      ' FAIL replication.rule',
      ' FAIL drill.replicated',
    ]);
    expect(errorLines(result.stderr)).toEqual([
      's3-dr: preflight failed (2 checks, listed above): nothing written; fix them or --skip the stages that need them',
    ]);
  });

  it('WHEN the summary is printed THEN it claims no probe objects (none was written) and says the stages it never got to were not reached, the --skip ones skipped', async () => {
    const dir = newReportDir();

    const result = await drill(dir);

    expect(readEvidence(dir).probes).toEqual([]);
    const lines = result.stdout.split('\n');
    expect(lines.filter((line) => /^ {2}(rpo|fault|failover|restore|locks) /.test(line))).toEqual([
      '  rpo        not reached',
      '  fault      skipped     --skip',
      '  failover   skipped     --skip',
      '  restore    not reached',
      '  locks      not reached',
    ]);
    expect(lines).toContain('nothing to undo: the drill left the deployment as it found it');
    expect(result.stdout).not.toContain('probe objects');
    expect(lines).toContain(
      `outcome: error; stages skipped: fault, failover; stages not reached: rpo, restore, locks; evidence: ${join(dir, 'evidence.json')}`,
    );
    // The schema keeps its statuses: a stage not reached is `skipped`, with the reason that says so.
    expect(readEvidence(dir).stages.map((s) => [s.name, s.status, s.reason ?? null])).toEqual([
      ['preflight', 'failed', expect.stringMatching(/^replication\.rule: /)],
      ['rpo', 'skipped', 'not reached'],
      ['fault', 'skipped', '--skip'],
      ['failover', 'skipped', '--skip'],
      ['restore', 'skipped', 'not reached'],
      ['locks', 'skipped', 'not reached'],
    ]);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain(
      'stages skipped: fault, failover; stages not reached: rpo, restore, locks',
    );
  });

  it('WHEN the drill runs with --json THEN stdout holds the evidence and the error object every --json failure prints', async () => {
    const dir = newReportDir();

    const result = await drill(dir, '--json');

    expect(result.code).toBe(2);
    const printed = JSON.parse(result.stdout);
    expect(printed.error).toEqual({
      code: 'failed',
      message:
        'preflight failed (2 checks, listed above): nothing written; fix them or --skip the stages that need them',
      exitCode: 2,
    });
    const { error: _, ...evidence } = printed;
    expect(evidence).toEqual(readEvidence(dir));
  });
});
