import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { ensureExecutable } from '../../../support/cli';
import { FIXTURE_PATH } from './evidence-fixture';

const SOURCES = join(__dirname, '..', '..', '..', '..', 'src', 'commands', 'drill', 'report', 'charts.ts');
const TSX = join(__dirname, '..', '..', '..', '..', '..', '..', 'node_modules', '.bin', 'tsx');

/**
 * The fixture's two charts, drawn by `module` in a Node process of its own (`runner` runs it):
 * outside Jest, where Observable Plot draws as in the CLI (under a test runner it aligns strokes
 * differently: see `offset` in its style.js).
 */
function drawn(runner: string[], module: string): string[] {
  const script = `
    const charts = require(${JSON.stringify(module)});
    const evidence = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(FIXTURE_PATH)}, 'utf8'));
    process.stdout.write(JSON.stringify([charts.timelineSvg(evidence), charts.delaySvg(evidence)]));
  `;
  const [command = process.execPath, ...args] = runner;
  return JSON.parse(execFileSync(command, [...args, '-e', script], { encoding: 'utf8' }));
}

// The CLI's build puts the charts and their libraries in dist/s3-dr-charts.js, apart from the
// executable (scripts/build.mjs). Loaded by plain Node, as the installed CLI loads it, it must draw
// what the sources draw.
describe('GIVEN the built CLI', () => {
  it('WHEN its charts file draws the fixture in plain Node THEN the SVG is the one the sources draw', () => {
    const file = join(dirname(ensureExecutable()), 's3-dr-charts.js');

    const built = drawn([process.execPath], file);

    expect(built).toHaveLength(2);
    expect(built[0]).toMatch(/^<svg /);
    expect(built).toEqual(drawn([TSX], SOURCES));
  });
});
