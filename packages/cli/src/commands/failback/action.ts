import type { CommandContext } from '../../shared/context';
import { parsePointInTime } from '../../shared/parse';
import { exitCodeOf, planPrinter } from '../failover/action';
import { formatOutcome } from '../failover/switch';
import { switchTarget } from '../failover/target';
import { runFailback } from './run';

/** The options of `s3-dr failback` (see register.ts). */
export interface FailbackOptions {
  readonly since?: string;
  readonly yes: boolean;
  readonly force: boolean;
  readonly wait: boolean;
  readonly timeout: number;
  readonly pollInterval: number;
  readonly maxLag: number;
  readonly accessPoint?: string;
}

/** `s3-dr failback`: see run.ts. */
export async function failback(ctx: CommandContext, options: FailbackOptions): Promise<number> {
  const target = await switchTarget(ctx.options, 'failback', options.accessPoint);
  const since =
    options.since === undefined ? undefined : parsePointInTime(options.since, Date.now(), '--since');
  const result = await runFailback(
    { aws: ctx.clients() },
    {
      ...target,
      since,
      yes: options.yes,
      force: options.force,
      wait: options.wait,
      timeoutMs: options.timeout,
      pollIntervalMs: options.pollInterval,
      maxLagMs: options.maxLag,
    },
    planPrinter(ctx),
  );
  ctx.print(formatOutcome(result), {
    ...result,
    since: since === undefined ? null : new Date(since).toISOString(),
  });
  return exitCodeOf(result);
}
