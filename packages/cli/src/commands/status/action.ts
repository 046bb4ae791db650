import type { CommandContext } from '../../shared/context';
import { EXIT } from '../../shared/errors';
import { auditJson, CHECKS, formatAudit, runAudit } from './audit';
import { readSides, sideChecks } from './sides';

/**
 * `s3-dr status`: audits the target and prints the checklist; exit 1 with any FAIL. A pair with a
 * vault in another account is checked in both accounts, each with its side's credentials, and the
 * checklist opens with what each side's credentials could read.
 */
export async function status(ctx: CommandContext): Promise<number> {
  const resolved = await ctx.target();
  const clients = ctx.clients();
  const sides = await readSides(clients, resolved);
  const target =
    sides.replicaAccount !== undefined ? { ...resolved, replicaAccount: sides.replicaAccount } : resolved;
  const report = await runAudit(clients, target, {
    concurrency: Math.min(ctx.options.concurrency, 8),
    regions: sides.regions,
    checks: [...sideChecks(sides.access), ...CHECKS],
  });
  const json = auditJson(report);
  ctx.print(
    formatAudit(report),
    sides.access.length > 0 ? { ...(json as object), sides: sides.access } : json,
  );
  return report.summary.FAIL > 0 ? EXIT.findings : EXIT.ok;
}
