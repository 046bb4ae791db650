import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install -y chromium`; .ci/run installs it). Playwright drives it as
 * it is: it never downloads a browser of its own.
 */
export const CHROMIUM = '/usr/bin/chromium';

/** Where tests and scripts keep what a browser showed them (gitignored). */
export const ARTIFACTS_DIR = join(__dirname, '..', '..', '..', '..', 'test-artifacts');

/**
 * Headless, and quiet on the network: no QUIC, no background, component-update or sync traffic of
 * the browser's own, so that every request seen comes from the page. `--no-sandbox` because CI
 * runs as root, where Chromium's sandbox cannot start.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM);
}

/** A page open on a local file, with everything it asked for and complained about. */
export interface OpenedPage {
  readonly page: Page;
  /** Every URL the page requested, the file itself included, in order. */
  readonly requests: string[];
  /** Console errors and uncaught exceptions (a Content-Security-Policy refusal is one). */
  readonly problems: string[];
  close(): Promise<void>;
}

/**
 * Opens `file` in Chromium with a fresh profile (a new --user-data-dir, removed on close) and
 * waits until it has loaded.
 */
export async function openFile(
  file: string,
  viewport: { width: number; height: number; deviceScaleFactor?: number } = { width: 1100, height: 900 },
): Promise<OpenedPage> {
  const profile = mkdtempSync(join(tmpdir(), 's3-dr-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: viewport.width, height: viewport.height },
      deviceScaleFactor: viewport.deviceScaleFactor ?? 1,
      offline: true,
    });
    const requests: string[] = [];
    const problems: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const opened = context;
    return {
      page,
      requests,
      problems,
      async close() {
        await opened.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}
