import type { CommandContext } from '../../shared/context';
import type { CliError } from '../../shared/errors';

/** What restore does between an interruption (Ctrl-C, or an error that stops the writes) and its summary. */
export const STOPPING = 'finishing the requests in flight (Ctrl-C again to quit at once)\n';

/**
 * The end of a run an error stopped, after its summary: the error once more as the last line of
 * stderr (and its exit code), so that it is not lost above the summary.
 */
export function stopped(ctx: CommandContext, error: CliError): number {
  ctx.io.stderr(`s3-dr: ${error.message}\n`);
  return error.exitCode;
}
