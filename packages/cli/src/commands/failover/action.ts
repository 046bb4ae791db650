import type { CommandContext } from '../../shared/context';
import { EXIT } from '../../shared/errors';
import { failbackCommand, runFailover } from './run';
import { formatOutcome, type SwitchResult } from './switch';
import { switchTarget } from './target';

/** The options of `s3-dr failover` (see register.ts). */
export interface FailoverOptions {
  readonly yes: boolean;
  readonly force: boolean;
  readonly wait: boolean;
  readonly timeout: number;
  readonly pollInterval: number;
  readonly maxLag: number;
  readonly accessPoint?: string;
}

/** The switch settings both commands take from their options, in the names run.ts uses. */
export function switchSettings(options: FailoverOptions) {
  return {
    yes: options.yes,
    force: options.force,
    wait: options.wait,
    timeoutMs: options.timeout,
    pollIntervalMs: options.pollInterval,
    maxLagMs: options.maxLag,
  };
}

/** Prints the plan (stdout, or stderr under --json) as soon as it is known. */
export function planPrinter(ctx: CommandContext): (text: string) => void {
  return (text) => (ctx.options.json ? ctx.io.stderr(text) : ctx.io.stdout(text));
}

/** Exit code: 1 when refused or when --wait did not see the routes applied. */
export function exitCodeOf(result: SwitchResult): number {
  if (result.outcome === 'refused') return EXIT.findings;
  if (result.waited && !result.waited.applied) return EXIT.findings;
  return EXIT.ok;
}

/** `s3-dr failover`: see run.ts. */
export async function failover(ctx: CommandContext, options: FailoverOptions): Promise<number> {
  const target = await switchTarget(ctx.options, 'failover', options.accessPoint);
  const result = await runFailover(
    { aws: ctx.clients() },
    { ...target, ...switchSettings(options) },
    planPrinter(ctx),
  );
  const back = result.startedAt
    ? failbackCommand(target.flags, result.startedAt, ctx.options.region)
    : undefined;
  const next = back
    ? `to come back once the primary region is healthy and what was written on the replica side has replicated back: ${back}`
    : undefined;
  ctx.print(formatOutcome(result, next), { ...result, failbackCommand: back ?? null });
  return exitCodeOf(result);
}
