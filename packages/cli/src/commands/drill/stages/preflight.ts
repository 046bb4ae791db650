import { CliError, EXIT } from '../../../shared/errors';
import { count } from '../../../shared/text';
import { checkReplicationCoversProbes, planProbesUnder } from '../../probe/probe';
import { CHECKS, runAudit } from '../../status/audit';
import type { StageName } from '../evidence';
import { probesPrefix } from '../settings';
import { requirePauseTemplate } from './fault';
import type { Stage, StageContext } from './types';

/** The `s3-dr status` checks each stage depends on. */
const CHECKS_FOR: Readonly<Record<StageName, readonly string[]>> = {
  preflight: [],
  rpo: ['primary.versioning', 'replica.versioning', 'replication.rule', 'replication.scope'],
  fault: [
    'primary.versioning',
    'replica.versioning',
    'replication.rule',
    'alarm.latency',
    'alarm.failed',
    'drill.fault',
  ],
  failover: ['accessPoint', 'accessPoint.routes', 'reverse.rule'],
  restore: ['primary.versioning'],
  locks: ['replica.versioning', 'replica.objectLock'],
};

/**
 * `preflight`: the `s3-dr status` checks the stages to run depend on, that the primary's rule
 * replicates the drill's keys, and (for `fault`) that the pause template exists and covers
 * --fault-duration. Writes nothing; any FAIL stops the drill before it writes (exit 2).
 */
export const preflightStage: Stage = {
  name: 'preflight',
  async run(ctx) {
    const stages = stagesToRun(ctx);
    const ids = new Set(stages.flatMap((stage) => CHECKS_FOR[stage]));
    const probes = stages.some((s) => s === 'rpo' || s === 'fault' || s === 'locks');
    const template = stages.includes('fault');
    // The drill's own checks besides status's: the rule covers the probes' keys; the pause template.
    const drillChecks = (probes ? 1 : 0) + (template ? 1 : 0);
    ctx.log(
      `preflight: ${count(ids.size, 'status check')}${drillChecks ? ` and ${count(drillChecks, 'drill check')}` : ''} for ${stages.join(', ')}`,
    );
    const report = await runAudit(ctx.clients.aws, ctx.deployment.target, {
      checks: CHECKS.filter((check) => ids.has(check.id)),
      regions: new Map([
        [ctx.deployment.record.primaryBucket, ctx.deployment.record.region],
        [ctx.deployment.record.replicaBucket, ctx.deployment.record.replicaRegion],
      ]),
    });
    const failed = report.checks.filter((c) => c.status === 'FAIL').map((c) => `${c.id}: ${c.message}`);
    if (probes) {
      const { record } = ctx.deployment;
      const plan = planProbesUnder(
        record.primaryBucket,
        record.replicaBucket,
        probesPrefix(ctx.runId, 'rpo'),
        1,
      );
      try {
        await checkReplicationCoversProbes(ctx.clients.s3, plan);
      } catch (err) {
        if (!(err instanceof CliError)) throw err;
        failed.push(`drill.replicated: ${err.message}`);
      }
    }
    if (template) {
      try {
        await requirePauseTemplate(ctx);
      } catch (err) {
        if (!(err instanceof CliError) || err.exitCode !== EXIT.usage) throw err;
        failed.push(`drill.template: ${err.message}`);
      }
    }
    const measurements = {
      checks: report.checks.length + drillChecks,
      fail: failed.length,
      warn: report.summary.WARN,
    };
    if (failed.length) {
      for (const line of failed) ctx.log(`preflight: FAIL ${line}`);
      return { status: 'failed', reason: failed.join('; '), measurements, objectives: [] };
    }
    return { status: 'passed', measurements, objectives: [] };
  },
};

function stagesToRun(ctx: StageContext): StageName[] {
  return (Object.keys(CHECKS_FOR) as StageName[]).filter(
    (s) => s !== 'preflight' && !ctx.settings.skip.includes(s),
  );
}
