import type { CommandContext } from '../../shared/context';
import { EXIT } from '../../shared/errors';
import { assertBucketsExist } from '../../shared/preflight';
import { auditJson, formatAudit, runAudit } from './audit';

/** `s3-dr status`: audits the target and prints the checklist; exit 1 with any FAIL. */
export async function status(ctx: CommandContext): Promise<number> {
  const target = await ctx.target();
  const clients = ctx.clients();
  const regions = await assertBucketsExist(clients, target);
  const report = await runAudit(clients, target, {
    concurrency: Math.min(ctx.options.concurrency, 8),
    regions,
  });
  ctx.print(formatAudit(report), auditJson(report));
  return report.summary.FAIL > 0 ? EXIT.findings : EXIT.ok;
}
