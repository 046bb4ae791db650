import type { CommandContext } from '../../shared/context';
import { parsePointInTime } from '../../shared/parse';
import { exitCodeOf, type FailoverOptions, planPrinter, switchSettings } from '../failover/action';
import { formatOutcome } from '../failover/switch';
import { switchTarget } from '../failover/target';
import { runFailback } from './run';

/** The options of `s3-dr failback` (see register.ts). */
export interface FailbackOptions extends FailoverOptions {
  readonly since?: string;
}

/** `s3-dr failback`: see run.ts. */
export async function failback(ctx: CommandContext, options: FailbackOptions): Promise<number> {
  const target = await switchTarget(ctx.options, 'failback', options.accessPoint);
  const since =
    options.since === undefined ? undefined : parsePointInTime(options.since, Date.now(), '--since');
  const result = await runFailback(
    { aws: ctx.clients() },
    { ...target, since, ...switchSettings(options) },
    planPrinter(ctx),
  );
  ctx.print(formatOutcome(result), {
    ...result,
    since: since === undefined ? null : new Date(since).toISOString(),
  });
  return exitCodeOf(result);
}
