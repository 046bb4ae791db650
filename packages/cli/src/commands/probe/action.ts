import type { S3Client } from '@aws-sdk/client-s3';
import type { CommandContext } from '../../shared/context';
import { formatDuration } from '../../shared/duration';
import { CliError, EXIT } from '../../shared/errors';
import { interruptSignal } from '../../shared/interrupt';
import { assertBucketsExist, s3ForTarget } from '../../shared/preflight';
import { createProgress } from '../../shared/progress';
import {
  checkReplicationCoversProbes,
  describePlan,
  formatProbe,
  type ProbePlan,
  type ProbeReport,
  planProbe,
  runProbe,
} from './probe';

/** The options of `s3-dr probe` (see register.ts). */
export interface ProbeCommandOptions {
  readonly count: number;
  readonly timeout: number;
  readonly pollInterval: number;
}

/**
 * `s3-dr probe`: checks that a rule covers the probes, writes them, waits for them in the replica,
 * prints their latencies and cleans up. When the replica also replicates back to the source (a
 * two-way deployment), it measures that direction too, at the same time.
 */
export async function probe(ctx: CommandContext, options: ProbeCommandOptions): Promise<number> {
  const target = await ctx.target();
  // The probes are written with the primary's credentials and awaited with the replica side's.
  const s3 = s3ForTarget(ctx.clients(), target, await assertBucketsExist(ctx.clients(), target));
  const plan = planProbe(target.source, target.replica, options.count);
  const note = await checkReplicationCoversProbes(s3, plan);
  if (note) ctx.io.stderr(`${note}\n`);
  const back = await reversePlan(s3, target.replica, target.source, options.count);
  const plans = back ? [plan, back] : [plan];
  for (const p of plans) ctx.io.stderr(`${describePlan(p, options.timeout)}\n`);
  const progress = createProgress(ctx.io, 'probes arrived', options.count * plans.length);
  const interrupt = interruptSignal(() =>
    ctx.io.stderr('\ninterrupted: stopping and cleaning up the probes (Ctrl-C again quits at once)\n'),
  );
  let reports: ProbeReport[];
  try {
    reports = await Promise.all(
      plans.map((p) =>
        runProbe(s3, p, {
          timeoutMs: options.timeout,
          pollIntervalMs: options.pollInterval,
          signal: interrupt.signal,
          concurrency: ctx.options.concurrency,
          onArrival: (_key, latencyMs) => progress.tick(1, `latest ${formatDuration(latencyMs)}`),
        }),
      ),
    );
  } finally {
    interrupt.release();
    progress.done();
  }
  const [forward, reverse] = reports as [ProbeReport, ProbeReport | undefined];
  const text = reports.map((r) => formatProbe(r, options.timeout)).join('\n');
  ctx.print(text, reverse ? { ...forward, reverse } : forward);
  const complete = reports.every(
    (r) => r.probes.length === r.planned && r.arrived === r.planned && r.cleanup.errors.length === 0,
  );
  return complete ? EXIT.ok : EXIT.findings;
}

/**
 * The probes of the other direction, when the replica has an enabled rule back to the source that
 * covers them (two-way); undefined for a one-way pair (or when the replica's configuration cannot
 * be read: the forward direction is then all that is measured).
 */
async function reversePlan(
  s3: S3Client,
  replica: string,
  source: string,
  count: number,
): Promise<ProbePlan | undefined> {
  const plan = planProbe(replica, source, count);
  try {
    const note = await checkReplicationCoversProbes(s3, plan);
    return note ? undefined : plan;
  } catch (err) {
    if (err instanceof CliError && err.code === 'not-replicated') return undefined;
    throw err;
  }
}
