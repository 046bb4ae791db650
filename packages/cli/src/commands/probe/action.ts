import type { CommandContext } from '../../shared/context';
import { formatDuration } from '../../shared/duration';
import { EXIT } from '../../shared/errors';
import { interruptSignal } from '../../shared/interrupt';
import { assertBucketsExist } from '../../shared/preflight';
import { createProgress } from '../../shared/progress';
import { s3ForBuckets } from '../../shared/regions';
import { checkReplicationCoversProbes, describePlan, formatProbe, planProbe, runProbe } from './probe';

/** The options of `s3-dr probe` (see register.ts). */
export interface ProbeCommandOptions {
  readonly count: number;
  readonly timeout: number;
  readonly pollInterval: number;
}

/**
 * `s3-dr probe`: checks that a rule covers the probes, writes them, waits for them in the replica,
 * prints their latencies and cleans up.
 */
export async function probe(ctx: CommandContext, options: ProbeCommandOptions): Promise<number> {
  const target = await ctx.target();
  const s3 = s3ForBuckets(ctx.clients(), await assertBucketsExist(ctx.clients(), target));
  const plan = planProbe(target.source, target.replica, options.count);
  const note = await checkReplicationCoversProbes(s3, plan);
  if (note) ctx.io.stderr(`${note}\n`);
  ctx.io.stderr(`${describePlan(plan, options.timeout)}\n`);
  const progress = createProgress(ctx.io, 'probes arrived', options.count);
  const interrupt = interruptSignal(() =>
    ctx.io.stderr('\ninterrupted: stopping and cleaning up the probes (Ctrl-C again quits at once)\n'),
  );
  let report: Awaited<ReturnType<typeof runProbe>>;
  try {
    report = await runProbe(s3, plan, {
      timeoutMs: options.timeout,
      pollIntervalMs: options.pollInterval,
      signal: interrupt.signal,
      concurrency: ctx.options.concurrency,
      onArrival: (_key, latencyMs) => progress.tick(1, `latest ${formatDuration(latencyMs)}`),
    });
  } finally {
    interrupt.release();
    progress.done();
  }
  ctx.print(formatProbe(report, options.timeout), report);
  const complete = report.arrived === report.probes.length && report.cleanup.errors.length === 0;
  return complete ? EXIT.ok : EXIT.findings;
}
