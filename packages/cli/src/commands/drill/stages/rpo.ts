import { formatDuration } from '../../../shared/duration';
import { createProgress } from '../../../shared/progress';
import { count } from '../../../shared/text';
import { type ProbePlan, type ProbeReport, planProbesUnder, runProbe } from '../../probe/probe';
import type { ProbeRecord, StageName } from '../evidence';
import { probesPrefix } from '../settings';
import { distribution, judged, objective, type Stage, type StageContext } from './types';

/**
 * `rpo`: writes --probes probe objects --probe-interval apart under the run's folder and times each
 * one's arrival in the replica (and, two-way, probes written to the replica in the primary).
 * Objective `rpo`: the longest delay is at most --rpo. Nothing is deleted: the probes stay for the
 * restore and locks stages, and the lifecycle rule of the reserved prefix expires them.
 */
export const rpoStage: Stage = {
  name: 'rpo',
  async run(ctx) {
    const { settings } = ctx;
    const reports = await probeStage(ctx, 'rpo', {
      probes: settings.probes,
      intervalMs: settings.probeIntervalMs,
    });
    const delays = reports.flatMap((r) =>
      r.probes.flatMap((p) => (p.latencyMs === undefined ? [] : [p.latencyMs])),
    );
    const total = reports.reduce((n, r) => n + r.probes.length, 0);
    const missing = total - delays.length;
    const stats = distribution(delays);
    const interrupted = reports.some((r) => r.ended === 'interrupted');
    const measurements = { probes: total, arrived: delays.length, ...stats };
    if (interrupted) {
      return {
        status: 'interrupted',
        reason: 'interrupted while the probes were on their way',
        measurements,
        objectives: [],
      };
    }
    const rpo =
      missing > 0
        ? objective(
            'rpo',
            settings.rpoMs,
            null,
            `${count(missing, 'probe')} of ${total} did not arrive within ${formatDuration(waitFor(ctx, settings.probes))}${failedNote(reports)}`,
          )
        : objective('rpo', settings.rpoMs, Math.max(...delays));
    return judged([rpo], measurements);
  },
};

function failedNote(reports: readonly ProbeReport[]): string {
  const failed = reports.flatMap((r) => r.probes).filter((p) => p.state === 'failed').length;
  return failed ? ` (${count(failed, 'probe')} FAILED: S3 does not retry a failed replication)` : '';
}

/** How long probes written `interval` apart are waited for: the writing, then --rpo, then one poll. */
export function waitFor(ctx: StageContext, probes: number, interval = ctx.settings.probeIntervalMs): number {
  return (probes - 1) * interval + ctx.settings.rpoMs + ctx.settings.pollIntervalMs;
}

/** How a stage probes: how many probes, how far apart, waited for how long, which ways. */
export interface ProbeRun {
  readonly probes: number;
  readonly intervalMs: number;
  /** @default the writing, then --rpo, then one poll */
  readonly timeoutMs?: number;
  /** @default the drill's (Ctrl-C) */
  readonly signal?: AbortSignal;
  /** Probe the replica-to-primary direction too when the deployment is two-way. @default true */
  readonly back?: boolean;
}

/**
 * Writes the probes to the primary (and, two-way, as many to the replica) under the stage's
 * folder, `intervalMs` apart, and waits for each on the other side; records them in the evidence.
 */
export async function probeStage(ctx: StageContext, stage: StageName, run: ProbeRun): Promise<ProbeReport[]> {
  const { probes, intervalMs: interval } = run;
  const timeoutMs = run.timeoutMs ?? waitFor(ctx, probes, interval);
  const signal = run.signal ?? ctx.signal;
  const { record } = ctx.deployment;
  const plans: { plan: ProbePlan; direction: ProbeRecord['direction'] }[] = [
    {
      plan: planProbesUnder(
        record.primaryBucket,
        record.replicaBucket,
        probesPrefix(ctx.runId, stage),
        probes,
      ),
      direction: 'forward',
    },
  ];
  const twoWay = record.bidirectional && run.back !== false;
  if (twoWay) {
    plans.push({
      plan: planProbesUnder(
        record.replicaBucket,
        record.primaryBucket,
        probesPrefix(ctx.runId, `${stage}-back`),
        probes,
      ),
      direction: 'back',
    });
  }
  ctx.log(
    `${stage}: writing ${count(probes, 'probe')}${interval ? ` ${formatDuration(interval)} apart` : ''} to s3://${record.primaryBucket}/${plans[0]?.plan.prefix}${twoWay ? ` and as many to s3://${record.replicaBucket}` : ''}, timing their arrival on the other side (about ${formatDuration((probes - 1) * interval)} of writing, then each probe waited for up to ${formatDuration(ctx.settings.rpoMs)})`,
  );
  const progress = createProgress(
    ctx.io,
    `${stage}: probes arrived (each expected within ${formatDuration(ctx.settings.rpoMs)})`,
    probes * plans.length,
    ctx.now,
  );
  let reports: ProbeReport[];
  try {
    reports = await Promise.all(
      plans.map(({ plan }) =>
        runProbe(ctx.clients.s3, plan, {
          timeoutMs,
          pollIntervalMs: ctx.settings.pollIntervalMs,
          writeIntervalMs: interval,
          cleanUp: false,
          signal,
          now: ctx.now,
          sleep: ctx.sleep,
          onArrival: (_key, latencyMs) => progress.tick(1, `latest ${formatDuration(latencyMs)}`),
        }),
      ),
    );
  } finally {
    progress.done();
  }
  ctx.probes(
    reports.flatMap((report, i) =>
      report.probes
        .filter((p) => p.writtenAt !== undefined)
        .map(
          (p): ProbeRecord => ({
            stage,
            direction: plans[i]?.direction ?? 'forward',
            key: p.key,
            writtenAt: new Date(p.writtenAt as number).toISOString(),
            seenAt: p.seenAt === undefined ? null : new Date(p.seenAt).toISOString(),
            delaySeconds: p.latencyMs === undefined ? null : Math.round(p.latencyMs / 100) / 10,
            // Not seen before Ctrl-C: not watched to the end, which is not "never arrived".
            ...(p.seenAt === undefined && report.ended === 'interrupted' ? { interrupted: true } : {}),
          }),
        ),
    ),
  );
  return reports;
}
