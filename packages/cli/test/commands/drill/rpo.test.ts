import { DRILL_PREFIX } from '../../../src/commands/drill/settings';
import { runCli } from '../../support/cli';
import { buildCrossRegion, motoS3In, PRIMARY_REGION } from '../../support/cross-region';
import { newReportDir, readEvidence } from '../../support/drill';
import { startReplicator } from '../../support/replicator';

const POLL_MS = 300;
/** The GetObject that sees a probe arrive takes time too: under load, up to this. */
const READ_MS = 200;

describe('GIVEN a deployment on moto whose replication takes 1.5s', () => {
  it('WHEN drilled without fault and failover THEN the measured RPO is the injected delay within one poll interval, and the report says so', async () => {
    const pair = await buildCrossRegion({ forwardRule: true, accessPoint: false });
    const delayMs = 1500;
    const replicator = startReplicator(
      motoS3In(PRIMARY_REGION),
      pair.names.primaryBucket,
      pair.names.replicaBucket,
      DRILL_PREFIX,
      20,
      { delayMs },
    );
    const dir = newReportDir();
    let result: Awaited<ReturnType<typeof runCli>>;
    try {
      result = await runCli([
        'drill',
        '--env',
        pair.suffix,
        '--skip',
        'fault,failover',
        '--probes',
        '3',
        '--probe-interval',
        '200ms',
        '--poll-interval',
        `${POLL_MS}ms`,
        '--yes',
        '--report',
        dir,
      ]);
    } finally {
      await replicator.stop();
    }

    expect(result.stderr).not.toMatch(/s3-dr: /);
    expect(result.code).toBe(0);
    const evidence = readEvidence(dir);
    const rpo = evidence.objectives.find((o) => o.name === 'rpo');
    expect(rpo?.met).toBe(true);
    // Each probe's delay as the drill measured it, against the delay the helper produced: from the
    // end of the probe's write to the end of its copy (the injected delay, plus the copy's own
    // requests). The drill sees an arrival within one poll interval (and the read that sees it).
    const probes = evidence.probes.filter((p) => p.stage === 'rpo');
    for (const probe of probes) {
      const produced = (replicator.landed.get(probe.key) as number) - Date.parse(probe.writtenAt);
      expect(produced).toBeGreaterThanOrEqual(delayMs);
      expect((probe.delaySeconds as number) * 1000).toBeGreaterThanOrEqual(produced - 100);
      expect((probe.delaySeconds as number) * 1000).toBeLessThanOrEqual(produced + POLL_MS + READ_MS);
    }
    expect(rpo?.measured_seconds).toBe(Math.max(...probes.map((p) => p.delaySeconds as number)));
    expect(evidence.probes.filter((p) => p.stage === 'rpo')).toHaveLength(3);
    expect(result.stdout).toContain('rpo');
    // The console and the evidence count the same checks: status's and the drill's own (rpo: one).
    const said = /preflight: (\d+) status checks? and 1 drill check for /.exec(result.stderr + result.stdout);
    expect(evidence.stages.find((s) => s.name === 'preflight')?.measurements?.checks).toBe(
      Number(said?.[1]) + 1,
    );
    // The outcome line says what was not measured, as the reports do.
    expect(result.stdout).toMatch(/^outcome: met; stages skipped: fault, failover\b.*; evidence: /m);
  });
});
