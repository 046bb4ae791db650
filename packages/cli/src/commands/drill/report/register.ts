import type { Command } from 'commander';
import type { CommandAction } from '../../../shared/context';
import type { DrillReportOptions } from './action';

const HELP = `
Reads the evidence.json a drill wrote (its schema and every field the reports show are checked
first) and writes report.html and report.md beside it, or into --report <dir> with a copy of the
evidence file. report.html is one self-contained page (no script, nothing loaded from the network):
open it offline, print it to PDF, archive it with evidence.json.

Exit codes: 0 written (whatever the drill's outcome: the report says it), 2 the file cannot be read,
is not JSON or not drill evidence this version knows, or the folder cannot be written.

Examples:
  $ s3-dr drill report s3-dr-drill-20261207T093000Z-7f3c/evidence.json
  $ s3-dr drill report evidence.json --report audit-2026/drill
`;

/**
 * Registers `drill report` on the `drill` command: `registerDrillReport(drill, bind)`, with the
 * `bind` that src/cli.ts gives every command's registration.
 */
export function registerDrillReport(
  drill: Command,
  bind: <O>(action: CommandAction<O>) => (options: O) => Promise<void>,
): void {
  const action = bind<DrillReportOptions>(async (ctx, options) => {
    // Required on first use, not at start-up: rendering loads the charting library.
    const { drillReport } = require('./action') as typeof import('./action');
    return drillReport(ctx, options);
  });
  drill
    .command('report')
    .description("render report.html and report.md again from a drill's evidence.json")
    .argument('<evidence.json>', 'the evidence file a drill wrote')
    .option('--report <dir>', 'folder to write into (default: the folder of the evidence file)')
    .addHelpText('after', HELP)
    // The program's options (--json, --debug) apply here; the drill's own (--probes...) do not.
    .configureHelp({
      showGlobalOptions: true,
      visibleGlobalOptions: (command) => (command.parent?.parent?.options ?? []).filter((o) => !o.hidden),
    })
    // The drill has a --report of its own, and commander gives an option to the first command up
    // the line that knows it: after `drill report` it lands on the drill's. Either one will do.
    .action((file: string, options: { report?: string }) =>
      action({ file, report: options.report ?? drill.opts<{ report?: string }>().report }),
    );
}
