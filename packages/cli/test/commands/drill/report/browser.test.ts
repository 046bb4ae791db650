// report.html as an auditor opens it: in a real browser (Debian's Chromium, driven by Playwright),
// offline. Locally, without Chromium, these tests are skipped with the reason printed; in CI
// (CI set) a missing Chromium fails them, since .ci/run installs it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OBJECTIVE_TEXT } from '../../../../src/commands/drill/report/facts';
import { writeReport } from '../../../../src/commands/drill/report/write';
import {
  ARTIFACTS_DIR,
  CHROMIUM,
  chromiumInstalled,
  type OpenedPage,
  openFile,
} from '../../../support/chromium';
import { fixtureEvidence, shortDrillEvidence } from './evidence-fixture';

const ARTIFACTS = join(ARTIFACTS_DIR, 'drill-report');
const MISSING = `Chromium is not installed at ${CHROMIUM} (apt-get update && apt-get install -y chromium)`;

if (!chromiumInstalled() && !process.env.CI) {
  console.warn(`skipping the browser tests of report.html: ${MISSING}`);
}
const describeInBrowser = chromiumInstalled() || process.env.CI ? describe : describe.skip;

describeInBrowser('GIVEN the report.html of a drill, opened in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3-dr-report-browser-'));
  let html: string;
  let opened: OpenedPage;

  beforeAll(async () => {
    if (!chromiumInstalled()) throw new Error(`${MISSING}: .ci/run installs it before the tests`);
    html = (await writeReport(dir, fixtureEvidence())).html;
    opened = await openFile(html);
  });

  afterAll(async () => {
    await opened?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('WHEN it loads THEN the page requests nothing but its own file and reports no error', () => {
    expect(opened.requests).toEqual([pathToFileURL(html).href]);
    expect(opened.problems).toEqual([]);
  });

  it('WHEN it is shown THEN every objective is visible with its verdict', async () => {
    const rows = opened.page.locator('table.objectives tbody tr');
    const titles = Object.values(OBJECTIVE_TEXT).map((t) => t.title);

    expect(await rows.count()).toBe(titles.length);
    for (const [i, title] of titles.entries()) {
      const row = rows.nth(i);
      expect(await row.isVisible()).toBe(true);
      expect(await row.locator('th').textContent()).toContain(title);
    }
    expect(await opened.page.locator('tr.verdict-missed th').textContent()).toContain(
      'Recovery time (RTO), failover',
    );
  });

  it('WHEN it is shown THEN both charts are drawn', async () => {
    for (const name of ['Timeline of the drill', 'Replication delay of each probe']) {
      const box = await opened.page.locator(`figure[aria-label="${name}"] svg`).boundingBox();
      expect(box?.width).toBeGreaterThan(600);
      expect(box?.height).toBeGreaterThan(150);
    }
  });

  it('WHEN it is shown THEN a screenshot is kept in test-artifacts/drill-report/report.png', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, 'report.png');

    await opened.page.screenshot({ path, fullPage: true });

    expect(readFileSync(path).subarray(1, 4).toString()).toBe('PNG');
  });

  it('WHEN it is printed to A4 THEN nothing is wider than the page, and the PDF is kept beside the screenshot', async () => {
    await opened.page.emulateMedia({ media: 'print' });
    await opened.page.setViewportSize({ width: 718, height: 1000 }); // A4 less the page margins, in CSS px
    const overflow = await opened.page.evaluate(() => {
      const root = (globalThis as any).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    const pdf = await opened.page.pdf({
      path: join(ARTIFACTS, 'report.pdf'),
      format: 'A4',
      preferCSSPageSize: true,
    });

    expect(overflow).toBeLessThanOrEqual(0);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describeInBrowser('GIVEN the report.html of a 12 s drill, opened in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3-dr-report-browser-short-'));
  let opened: OpenedPage;

  beforeAll(async () => {
    if (!chromiumInstalled()) throw new Error(`${MISSING}: .ci/run installs it before the tests`);
    opened = await openFile((await writeReport(dir, shortDrillEvidence())).html);
  });

  afterAll(async () => {
    await opened?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('WHEN it is shown THEN the time labels of the timeline stand apart (a screenshot is kept in test-artifacts/drill-report/short-drill.png)', async () => {
    const labels = opened.page.locator(
      'figure[aria-label="Timeline of the drill"] g[aria-label="x-axis tick label"] text',
    );
    const boxes: { x: number; width: number }[] = [];
    for (const label of await labels.all()) {
      const box = await label.boundingBox();
      if (box) boxes.push(box);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    await opened.page
      .locator('figure[aria-label="Timeline of the drill"]')
      .screenshot({ path: join(ARTIFACTS, 'short-drill.png') });

    expect(boxes.length).toBeGreaterThanOrEqual(2);
    // Between one label's right edge and the next one's left edge: at least 16 px of space.
    const gaps = boxes
      .slice(1)
      .map((box, i) => (box?.x ?? 0) - ((boxes[i]?.x ?? 0) + (boxes[i]?.width ?? 0)));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(16);
  });
});
