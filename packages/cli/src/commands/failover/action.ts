import type { CommandContext } from '../../shared/context';
import { CliError, EXIT } from '../../shared/errors';
import { failbackCommand, runFailover } from './run';
import { formatOutcome, type SwitchResult } from './switch';

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

/** failover and failback act on a deployment's access point: --env names it. */
export function requireEnv(ctx: CommandContext, command: string): string {
  const suffix = ctx.options.env;
  if (!suffix) {
    throw new CliError(
      `${command} needs --env <suffix>: it moves the routes of the deployment's Multi-Region Access Point (s3-dr-<suffix>)`,
    );
  }
  return suffix;
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
  const suffix = requireEnv(ctx, 'failover');
  const result = await runFailover(
    { aws: ctx.clients() },
    {
      suffix,
      yes: options.yes,
      force: options.force,
      wait: options.wait,
      timeoutMs: options.timeout,
      pollIntervalMs: options.pollInterval,
      maxLagMs: options.maxLag,
      accessPointArn: options.accessPoint,
    },
    planPrinter(ctx),
  );
  const back = result.startedAt ? failbackCommand(suffix, result.startedAt, ctx.options.region) : undefined;
  const next = back
    ? `to come back once the primary region is healthy and what was written on the replica side has replicated back: ${back}`
    : undefined;
  ctx.print(formatOutcome(result, next), { ...result, failbackCommand: back ?? null });
  return exitCodeOf(result);
}
