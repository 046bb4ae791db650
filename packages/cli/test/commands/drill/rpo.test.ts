import { DRILL_PREFIX } from '../../../src/commands/drill/settings';
import { runCli } from '../../support/cli';
import { buildCrossRegion, motoS3In, PRIMARY_REGION } from '../../support/cross-region';
import { newReportDir, readEvidence } from '../../support/drill';
import { startReplicator } from '../../support/replicator';

const POLL_MS = 300;
/** What the test replicator itself adds: its listing interval and the copy's own requests. */
const COPY_MS = 150;

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
    expect(rpo?.measured_seconds).toBeGreaterThanOrEqual(delayMs / 1000);
    expect(rpo?.measured_seconds).toBeLessThanOrEqual((delayMs + POLL_MS + COPY_MS) / 1000);
    expect(evidence.probes.filter((p) => p.stage === 'rpo')).toHaveLength(3);
    expect(result.stdout).toContain('rpo');
  });
});
