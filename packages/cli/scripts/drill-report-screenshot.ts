// Draws docs/images/drill-report.png, the README's picture of a drill report: the test fixture's
// report.html (every stage, one objective missed), as Chromium shows it, from the top of the page
// to the end of the timeline's events. Needs Debian's Chromium (apt-get install -y chromium).
//   npx tsx packages/cli/scripts/drill-report-screenshot.ts
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Evidence } from '../src/commands/drill/evidence';
import { writeReport } from '../src/commands/drill/report/write';
import { CHROMIUM, chromiumInstalled, openFile } from '../test/support/chromium';

const repository = join(__dirname, '..', '..', '..');
const fixture = join(repository, 'packages', 'cli', 'test', 'commands', 'drill', 'fixtures', 'evidence.json');
const output = join(repository, 'docs', 'images', 'drill-report.png');

async function main(): Promise<void> {
  if (!chromiumInstalled()) throw new Error(`Chromium is not installed at ${CHROMIUM}`);
  const dir = mkdtempSync(join(tmpdir(), 's3-dr-drill-report-'));
  const evidence = JSON.parse(readFileSync(fixture, 'utf8')) as Evidence;
  const { html } = await writeReport(dir, evidence);
  // More pixels than a 1000-pixel-wide window has, so that the picture stays sharp when scaled.
  const opened = await openFile(html, { width: 1000, height: 900, deviceScaleFactor: 1.5 });
  try {
    const end = await opened.page.locator('table.events').boundingBox();
    if (!end) throw new Error("the report has no timeline's events");
    await opened.page.screenshot({
      path: output,
      fullPage: true,
      clip: { x: 0, y: 0, width: 1000, height: Math.ceil(end.y + end.height + 16) },
    });
  } finally {
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`drill-report-screenshot: ${output}`);
}

main().catch((err: Error) => {
  console.error(`drill-report-screenshot: ${err.message}`);
  process.exitCode = 1;
});
