import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorLines, runCli, runCliProcess } from '../../../support/cli';
import { drillFolder, FIXTURE_PATH } from './evidence-fixture';

// `s3-dr drill report` as a user types it: through the CLI's wiring (src/cli.ts, drill/register.ts).
const root = mkdtempSync(join(tmpdir(), 's3-dr-drill-report-cli-'));

describe('GIVEN the folder a drill left', () => {
  it('WHEN `s3-dr drill report <evidence.json>` runs THEN the reports are written beside it, exit 0', async () => {
    const dir = drillFolder(root);

    const { code, stdout, stderr } = await runCli(['drill', 'report', join(dir, 'evidence.json')]);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.split('\n')[0]).toBe(
      'drill 20261207T093000Z-7f3c: MISSED: Objective missed: Recovery time (RTO), failover',
    );
    expect(readdirSync(dir).sort()).toEqual(['evidence.json', 'report.html', 'report.md']);
  });

  it('WHEN the built executable renders it into --report THEN it loads its charts file and draws both charts', async () => {
    const dir = drillFolder(root);
    const out = join(root, 'from-executable');

    const { code, stderr } = await runCliProcess([
      'drill',
      'report',
      join(dir, 'evidence.json'),
      '--report',
      out,
    ]);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('Recovery time (RTO), failover');
  });
});

describe('GIVEN `s3-dr drill report --help`', () => {
  it('WHEN read THEN it lists its own options and the program’s, not the drill’s', async () => {
    const { code, stdout } = await runCli(['drill', 'report', '--help']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: s3-dr drill report \[options\] <evidence\.json>\n/);
    expect(stdout).toContain('--json');
    expect(stdout).not.toContain('--probes');
    expect(stdout.match(/--report <dir>/g)).toHaveLength(2); // the option and an example
  });
});

describe('GIVEN a mistake on the command line', () => {
  it.each([
    [['drill', 'report'], "missing required argument 'evidence.json' (run s3-dr drill report --help)"],
    [
      ['drill', 'report', 'e.json', '--reprot', 'x'],
      "unknown option '--reprot', did you mean --report? (run s3-dr drill report --help)",
    ],
  ])(
    'WHEN it reads %p THEN one line says what is wrong and which help to read, exit 2',
    async (argv, message) => {
      const { code, stderr } = await runCli(argv);

      expect(code).toBe(2);
      expect(stderr).toBe(`s3-dr: ${message}\n`);
    },
  );

  it('WHEN the file is not drill evidence THEN one line names it, exit 2, and --json prints the error object', async () => {
    const { code, stdout, stderr } = await runCli([
      'drill',
      'report',
      FIXTURE_PATH.replace('evidence.json', 'nope.json'),
      '--json',
    ]);

    expect(code).toBe(2);
    expect(errorLines(stderr)).toEqual([
      `s3-dr: cannot read evidence file ${FIXTURE_PATH.replace('evidence.json', 'nope.json')}: no such file`,
    ]);
    expect(JSON.parse(stdout)).toEqual({
      error: { code: 'usage', message: expect.stringContaining('cannot read evidence file'), exitCode: 2 },
    });
  });
});
