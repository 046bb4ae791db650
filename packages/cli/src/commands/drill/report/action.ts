import { dirname } from 'node:path';
import type { CommandContext } from '../../../shared/context';
import { EXIT } from '../../../shared/errors';
import { outcomeText } from './facts';
import { readEvidenceFile } from './read';
import { writeReport } from './write';

/** The argument and options of `s3-dr drill report` (see register.ts). */
export interface DrillReportOptions {
  /** The evidence file to render. */
  readonly file: string;
  /** The folder to write into; by default the evidence file's own. */
  readonly report?: string;
}

/**
 * `s3-dr drill report <evidence.json>`: renders report.html and report.md again from the evidence a
 * drill wrote, into its folder or `--report`, with a copy of the evidence file there (its bytes
 * as they were). Exit 0 once written, whatever the drill's outcome: the outcome is in the report.
 */
export async function drillReport(ctx: CommandContext, options: DrillReportOptions): Promise<number> {
  const { evidence, text } = readEvidenceFile(options.file);
  const written = await writeReport(options.report ?? dirname(options.file), evidence, text);
  const lines = [
    `drill ${evidence.runId}: ${evidence.outcome.toUpperCase()}: ${outcomeText(evidence)}`,
    `  ${written.html}`,
    `  ${written.markdown}`,
    `  ${written.evidence}`,
  ];
  ctx.print(lines.join('\n'), {
    runId: evidence.runId,
    outcome: evidence.outcome,
    files: { evidence: written.evidence, html: written.html, markdown: written.markdown },
  });
  return EXIT.ok;
}
