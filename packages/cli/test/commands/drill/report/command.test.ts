import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { type DrillReportOptions, drillReport } from '../../../../src/commands/drill/report/action';
import { registerDrillReport } from '../../../../src/commands/drill/report/register';
import { createContext } from '../../../../src/shared/context';
import { CliError } from '../../../../src/shared/errors';
import type { Io } from '../../../../src/shared/progress';
import { drillFolder, FIXTURE_PATH } from './evidence-fixture';

const root = mkdtempSync(join(tmpdir(), 's3-dr-drill-report-'));

/** Runs the command's action as the CLI does, capturing what it prints. */
async function report(options: DrillReportOptions, json = false) {
  let stdout = '';
  const io: Io = { stdout: (t) => (stdout += t), stderr: () => undefined, stderrIsTTY: false };
  const code = await drillReport(createContext(io, { json, debug: false, concurrency: 1 }), options);
  return { code, stdout };
}

describe('GIVEN the folder a drill left', () => {
  it('WHEN its evidence is rendered again THEN report.html and report.md are written beside it and listed', async () => {
    const dir = drillFolder(root);
    const file = join(dir, 'evidence.json');
    const before = readFileSync(file, 'utf8');

    const { code, stdout } = await report({ file });

    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'drill 20261207T093000Z-7f3c: MISSED: Objective missed: Recovery time (RTO), failover',
        `  ${join(dir, 'report.html')}`,
        `  ${join(dir, 'report.md')}`,
        `  ${file}`,
        '',
      ].join('\n'),
    );
    expect(readdirSync(dir).sort()).toEqual(['evidence.json', 'report.html', 'report.md']);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('WHEN it is rendered into another folder THEN that folder gets the reports and the evidence byte for byte', async () => {
    const dir = drillFolder(root);
    const out = join(root, 'handed-to-audit');

    const { stdout } = await report({ file: join(dir, 'evidence.json'), report: out }, true);

    expect(JSON.parse(stdout)).toEqual({
      runId: '20261207T093000Z-7f3c',
      outcome: 'missed',
      files: {
        evidence: join(out, 'evidence.json'),
        html: join(out, 'report.html'),
        markdown: join(out, 'report.md'),
      },
    });
    expect(readFileSync(join(out, 'evidence.json'))).toEqual(readFileSync(FIXTURE_PATH));
  });

  it('WHEN the file is not drill evidence THEN a usage error names it and nothing is written', async () => {
    const dir = join(root, 'other');
    mkdirSync(dir);
    const file = join(dir, 'package.json');
    writeFileSync(file, '{"name": "x"}');

    await expect(report({ file })).rejects.toThrow(
      new CliError(
        `evidence file ${file}: no "schema" field: not a drill evidence file (expected "s3-dr/drill-evidence/v1")`,
      ),
    );
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });
});

describe('GIVEN `s3-dr drill report` on the command line', () => {
  /** Parses argv with the drill command as the CLI declares it (with a --report of its own). */
  async function parse(argv: string[]): Promise<DrillReportOptions | undefined> {
    let seen: DrillReportOptions | undefined;
    const program = new Command('s3-dr')
      .exitOverride()
      .configureOutput({ writeErr: () => undefined })
      .option('--json');
    const drill = program.command('drill').option('--report <dir>').option('--yes');
    registerDrillReport(drill, <O>() => async (options: O) => {
      seen = options as DrillReportOptions;
    });
    await program.parseAsync(argv, { from: 'user' });
    return seen;
  }

  it.each([
    [['drill', 'report', 'e.json'], { file: 'e.json', report: undefined }],
    [['drill', 'report', 'e.json', '--report', 'out'], { file: 'e.json', report: 'out' }],
    [['drill', '--report', 'out', 'report', 'e.json', '--json'], { file: 'e.json', report: 'out' }],
  ])('WHEN it reads %p THEN the command gets %p', async (argv, options) => {
    expect(await parse(argv)).toEqual(options);
  });

  it('WHEN the evidence file is missing THEN commander refuses the command', async () => {
    await expect(parse(['drill', 'report'])).rejects.toThrow("missing required argument 'evidence.json'");
  });
});
