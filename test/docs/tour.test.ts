import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { ensureExecutable } from '../../packages/cli/test/support/cli';
import {
  currentContents,
  type ListedEntry,
  listAll,
  motoS3,
} from '../../packages/cli/test/support/versioned';
import { freePort } from '../support/moto-server';
import { type CodeBlock, codeBlocks, ROOT, shellCommands } from './markdown';
import { type CommandResult, ShellSession } from './shell-session';

// The README's tour, run as a newcomer runs it: every block marked `<!-- tour -->` is sent, command
// by command, to one bash session at the repository's root (where `npx s3-dr` finds the CLI), with
// a clean environment (no AWS variables of the developer's). The one change: the tour's fixed port
// becomes a free one, so that two test runs on one machine do not collide. The tour starts its own
// moto_server with the README's command (the session's process group is ended afterwards).
// A `<!-- tour-output -->` block after a tour block lists lines that its output must contain.

const README = join(ROOT, 'README.md');
const README_PORT = '5055';
const PRIMARY = 'tour-primary';
const REPLICA = 'tour-replica';

interface TourBlock {
  readonly block: CodeBlock;
  /** The lines the README shows as this block's output. */
  readonly expected?: CodeBlock;
}

/** The README's tour blocks in order, each with the output block that follows it, if any. */
function tourBlocks(): TourBlock[] {
  const blocks = codeBlocks(README);
  return blocks.flatMap((block, i) => {
    if (block.marker !== 'tour') return [];
    const next = blocks[i + 1];
    return [next?.marker === 'tour-output' ? { block, expected: next } : { block }];
  });
}

/** The process environment without the developer's AWS settings and npm's script variables. */
function newcomerEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AWS_|npm_|NPM_)/i.test(name)));
}

/** The buckets as moto holds them right after a command (moto stops with the tour's last command). */
interface Buckets {
  readonly primary: readonly ListedEntry[];
  readonly primaryContents: Record<string, string>;
  readonly replicaContents: Record<string, string>;
}

interface TourRun {
  readonly results: readonly (CommandResult & { readonly block: TourBlock; readonly after?: Buckets })[];
  readonly endpoint: string;
  readonly leftInRoot: readonly string[];
}

let tour: TourRun;
const session: { current?: ShellSession } = {};

beforeAll(async () => {
  ensureExecutable(); // npx s3-dr runs packages/cli/dist/s3-dr.js: built from the current sources
  const port = String(await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const s3 = motoS3(endpoint);
  const before = new Set(readdirSync(ROOT));
  const shell = new ShellSession(ROOT, newcomerEnv());
  session.current = shell;
  const tools = await shell.run(
    'for tool in moto_server aws curl; do command -v "$tool" > /dev/null || echo "$tool"; done',
  );
  if (tools.output.trim() !== '') {
    throw new Error(`the README's tour needs on the PATH: ${tools.output.trim().split('\n').join(', ')}`);
  }
  const results: TourRun['results'][number][] = [];
  for (const block of tourBlocks()) {
    for (const shown of shellCommands(block.block)) {
      const command = shown
        .replaceAll(`-p ${README_PORT}`, `-p ${port}`)
        .replaceAll(`:${README_PORT}`, `:${port}`);
      const result = await shell.run(command);
      // What the assertions below compare: the buckets around each s3-dr command.
      const after = command.startsWith('npx s3-dr') ? await bucketsNow(s3) : undefined;
      results.push({ ...result, block, ...(after ? { after } : {}) });
    }
  }
  const leftInRoot = readdirSync(ROOT).filter((entry) => !before.has(entry));
  tour = { results, endpoint, leftInRoot };
}, 180_000);

async function bucketsNow(s3: S3Client): Promise<Buckets> {
  return {
    primary: await listAll(s3, PRIMARY),
    primaryContents: await currentContents(s3, PRIMARY),
    replicaContents: await currentContents(s3, REPLICA),
  };
}

afterAll(async () => {
  await session.current?.close();
  for (const entry of tour?.leftInRoot ?? []) {
    if (entry === 'moto.log' || entry.endsWith('.journal.jsonl')) rmSync(join(ROOT, entry));
  }
});

/** The results of the commands that start with `prefix`, in order. */
const resultsOf = (prefix: string) => tour.results.filter((r) => r.command.startsWith(prefix));
/** The one restore of the tour with (or without) --yes. */
function restoreRun(yes: boolean): TourRun['results'][number] {
  const runs = resultsOf('npx s3-dr restore').filter((r) => r.command.includes('--yes') === yes);
  if (runs.length !== 1)
    throw new Error(`the tour has ${runs.length} restores ${yes ? 'with' : 'without'} --yes`);
  return runs[0] as TourRun['results'][number];
}
/** The command run right before `result`. */
const previous = (result: TourRun['results'][number]) => tour.results[tour.results.indexOf(result) - 1];

test('GIVEN the README WHEN its tour is read THEN it starts moto on the port its endpoint names', () => {
  const text = tourBlocks()
    .flatMap((b) => shellCommands(b.block))
    .join('\n');

  expect(text).toContain(`moto_server -p ${README_PORT}`);
  expect(text).toContain(`AWS_ENDPOINT_URL=http://127.0.0.1:${README_PORT}`);
  expect(text).toMatch(/npx s3-dr verify[\s\S]*npx s3-dr restore[\s\S]*--yes[\s\S]*npx s3-dr verify/);
});

test('GIVEN the tour WHEN each command runs THEN status and the first verify exit 1 and every other command 0', () => {
  const [status] = resultsOf('npx s3-dr status');
  const verifies = resultsOf('npx s3-dr verify');

  const exits = tour.results.map((r) => ({ command: r.command, code: r.code, output: r.output }));
  const expected = tour.results.map((r) => ({
    command: r.command,
    code: r === status || r === verifies[0] ? 1 : 0,
    output: r.output,
  }));
  expect(exits).toEqual(expected);
});

test('GIVEN the accident WHEN verify runs THEN it names the overwritten, the deleted and the stray key', () => {
  const [first] = resultsOf('npx s3-dr verify');

  expect(first?.output).toMatch(/mismatch +"invoices\/1\.txt"/);
  expect(first?.output).toMatch(/extra +"invoices\/2\.txt"/);
  expect(first?.output).toMatch(/missing +"invoices\/3\.txt"/);
  expect(first?.output).toMatch(/^FAIL: /m);
});

test('GIVEN the restore without --yes WHEN it has run THEN the primary holds exactly the versions it held before', () => {
  const plan = restoreRun(false);

  expect(plan.after?.primary).toEqual(previous(plan)?.after?.primary);
  expect(plan.after?.primary.length).toBeGreaterThan(0);
});

test('GIVEN restore --yes WHEN it has run THEN the primary is back to its state at T and no version was deleted', () => {
  const apply = restoreRun(true);
  const ids = (entries: readonly ListedEntry[] | undefined) =>
    (entries ?? []).map((e) => `${e.key}@${e.versionId}`);

  // The replica holds the state at T: the tour copied the primary to it before T and never after.
  expect(apply.after?.primaryContents).toEqual({
    'invoices/1.txt': 'invoice 1: 100 EUR\n',
    'invoices/2.txt': 'invoice 2: 250 EUR\n',
  });
  expect(apply.after?.primaryContents).toEqual(apply.after?.replicaContents);
  expect(ids(apply.after?.primary)).toEqual(expect.arrayContaining(ids(previous(apply)?.after?.primary)));
  const stray = apply.after?.primary.filter((e) => e.key === 'invoices/3.txt' && e.isLatest);
  expect(stray).toMatchObject([{ deleteMarker: true }]);
});

test('GIVEN the restored primary WHEN verify runs again THEN it finds the replica holding every key', () => {
  const last = resultsOf('npx s3-dr verify').at(-1);

  expect(last?.code).toBe(0);
  expect(last?.output).toMatch(/^OK: the replica holds every key of the source/m);
});

test('GIVEN the output the README shows WHEN the tour runs THEN each shown line is printed by its block, in order', () => {
  const shown = tourBlocks().filter((b) => b.expected);
  expect(shown.length).toBeGreaterThan(0);

  for (const { block, expected } of shown) {
    const printed = tour.results
      .filter((r) => r.block.block.line === block.line)
      .map((r) => r.output)
      .join('\n')
      .split('\n')
      .map(squeeze);
    let from = 0;
    for (const line of expected?.lines ?? []) {
      // `…` stands for the rest of the line (a version id, sizes): the parts around it must match.
      const parts = squeeze(line).split('…');
      const at = printed.findIndex((p, n) => n >= from && inOrder(p, parts));
      expect({ line, block: `${block.file}:${block.line}`, found: at >= 0 }).toEqual({
        line,
        block: `${block.file}:${block.line}`,
        found: true,
      });
      from = at + 1;
    }
  }
});

test('GIVEN the tour WHEN it is over THEN it left only moto.log and its restore journal in the working directory, and moto stopped', async () => {
  const unexpected = tour.leftInRoot.filter((e) => e !== 'moto.log' && !e.endsWith('.journal.jsonl'));

  expect(unexpected).toEqual([]);
  expect(resultsOf('kill %1')).toMatchObject([{ code: 0 }]);
  expect(await stopsAnswering(tour.endpoint)).toBe(true);
});

/** Whether nothing answers at `endpoint` within a few seconds (a killed server may take a moment). */
async function stopsAnswering(endpoint: string): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** Whitespace runs as one space, ends trimmed: column alignment is not what the README promises. */
function squeeze(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}

/** Whether `line` contains every part, in order; the first part at the start of the line. */
function inOrder(line: string, parts: readonly string[]): boolean {
  let at = 0;
  for (const [n, part] of parts.map((p) => p.trim()).entries()) {
    if (part === '') continue;
    const found = line.indexOf(part, at);
    if (found < 0 || (n === 0 && found !== 0)) return false;
    at = found + part.length;
  }
  return true;
}
