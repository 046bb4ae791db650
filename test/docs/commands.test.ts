import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError, loadConfig } from '../../lib/config';
import { cliWorkDir, runCli } from '../../packages/cli/test/support/cli';
import { noCredentialsEnv } from '../support/moto';
import { type CodeBlock, codeBlocks, documentationFiles, ROOT, shellCommands, shellWords } from './markdown';

// The commands the README and docs/ show, other than the tour (test/docs/tour.test.ts runs that
// against moto), need an AWS account: a deployed stack, S3 Control, CloudWatch. Here each is
// checked as far as it can be without one:
// - every `s3-dr …` command (in a code block, or inline with a target: `--env`, `--outputs`,
//   `--source`) runs through the real CLI with no credentials at all: it must get past the CLI's
//   own checks of its options and values (no usage error) and stop at the first AWS request;
// - every `npx cdk …` command's `-c key=value` context must pass the app's validation.
// Not checked: what AWS would answer, and `aws …` commands (the AWS CLI's own).

/** A command as the docs show it, and where. */
interface Shown {
  readonly where: string;
  readonly words: readonly string[];
}

/** Placeholders in commands, and a value of the kind each stands for. */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  '<suffix>': 'dev',
  '<start time>': '2026-11-26T04:12:09.512Z',
  '<affected prefix>': 'invoices/',
  '<primary bucket>': 'primary-bucket-dev-123456789012',
  '<replica bucket>': 'replica-bucket-dev-123456789012',
  '<id>': '2f5b8a0e-4c1d-4e6f-9a7b-3c2d1e0f9a8b',
};

/** The command with each known placeholder replaced by a value of its kind. */
const filledIn = (command: string) =>
  Object.entries(PLACEHOLDERS).reduce((c, [name, value]) => c.replaceAll(name, value), command);

/** The commands of a line: split at `&&`, `||`, `|` and `;`, a trailing `# comment` dropped. */
function commandsOfLine(line: string): string[][] {
  const words = shellWords(filledIn(line.replace(/^\$ /, '')));
  const comment = words.findIndex((w) => w.startsWith('#'));
  const commands: string[][] = [[]];
  for (const word of comment < 0 ? words : words.slice(0, comment)) {
    if (['&&', '||', '|', ';'].includes(word)) commands.push([]);
    else commands.at(-1)?.push(word);
  }
  return commands.filter((c) => c.length > 0);
}

/** The command lines of a block: in a block that shows a session (`$ ` lines), only those. */
function commandLines(block: CodeBlock): string[] {
  const lines = shellCommands(block);
  const prompted = lines.filter((line) => line.startsWith('$ '));
  return prompted.length > 0 ? prompted : lines;
}

/** Every command shown in a code block that is not part of the tour, with the words it starts with. */
function shownInBlocks(starts: readonly string[]): Shown[] {
  return documentationFiles().flatMap((path) =>
    codeBlocks(path)
      .filter((block) => block.marker !== 'tour' && block.marker !== 'tour-output')
      .flatMap((block) =>
        commandLines(block).flatMap((line) =>
          commandsOfLine(line)
            .filter((words) => starts.some((start) => words.join(' ').startsWith(`${start} `)))
            .map((words) => ({ where: `${block.file}:${block.line}`, words })),
        ),
      ),
  );
}

/** `s3-dr` commands in inline code that name a target (complete commands, not option mentions). */
function shownInline(): Shown[] {
  return documentationFiles().flatMap((path) => {
    // Code blocks blanked out, their lines kept, so that a match's line number is the file's.
    const text = readFileSync(path, 'utf8').replace(/^```[\s\S]*?^```/gm, (block) =>
      block.replace(/[^\n]/g, ''),
    );
    return [...text.matchAll(/`((?:npx )?s3-dr [^`]*)`/g)]
      .filter((match) => /--(env|outputs|source)\b/.test(match[1] as string) && !match[1]?.includes('…'))
      .map((match) => ({
        where: `${relative(ROOT, path)}:${text.slice(0, match.index).split('\n').length}`,
        words: shellWords(filledIn(match[1] as string)),
      }));
  });
}

/** The arguments after `s3-dr` (or `npx s3-dr`). */
const argsOf = (words: readonly string[]) => words.slice(words.indexOf('s3-dr') + 1);

const s3drCommands = [...shownInBlocks(['s3-dr', 'npx s3-dr']), ...shownInline()];
const cdkCommands = shownInBlocks(['npx cdk']).filter((c) => c.words.includes('-c'));

beforeAll(() => {
  // Files the docs' commands name, as a deployment pipeline or an earlier verify leaves them.
  const work = cliWorkDir();
  mkdirSync(join(work, 'cfn-outputs'), { recursive: true });
  writeFileSync(
    join(work, 'cfn-outputs', 'flat-outputs.json'),
    JSON.stringify({
      PrimaryBucketArn: 'arn:aws:s3:::primary-bucket-prod-123456789012',
      ReplicaBucketArn: 'arn:aws:s3:::replica-bucket-prod-123456789012',
      ReplicationRuleId: 'replicate-all-prod',
      ReplicaRegion: 'eu-west-1',
      MultiRegionAccessPointArn: 'arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap',
    }),
  );
  writeFileSync(join(work, 'diff.jsonl'), '');
});

test('GIVEN the docs WHEN their commands are collected THEN every page of s3-dr commands is found', () => {
  const pages = new Set(s3drCommands.map((c) => c.where.split(':')[0]));

  expect(s3drCommands.length).toBeGreaterThan(30);
  for (const page of ['README.md', 'docs/commands/restore.md', 'docs/runbooks.md'])
    expect(pages).toContain(page);
  expect(cdkCommands.length).toBeGreaterThan(0);
});

test('GIVEN the shown commands WHEN placeholders are filled in THEN none is left unknown', () => {
  const unknown = [...s3drCommands, ...cdkCommands].filter((c) => c.words.some((w) => /<[^>]+>/.test(w)));

  expect(unknown).toEqual([]);
});

test.each(s3drCommands.map((c) => [`${c.where}: ${c.words.join(' ')}`, c] as const))(
  'GIVEN %s WHEN run without credentials THEN its options and values pass the CLI',
  async (_, command) => {
    const result = await runCli([...argsOf(command.words), '--json'], { env: noCredentialsEnv() });

    const error = result.code === 0 ? undefined : JSON.parse(result.stdout || '{}').error;
    expect({ code: result.code, error: error?.code, message: error?.message }).not.toMatchObject({
      error: 'usage',
    });
    expect([0, 2]).toContain(result.code);
  },
);

test.each(cdkCommands.map((c) => [`${c.where}: ${c.words.join(' ')}`, c] as const))(
  'GIVEN %s WHEN its context is read THEN the app accepts it',
  (_, command) => {
    const context: Record<string, string> = {};
    command.words.forEach((word, i) => {
      if (word !== '-c') return;
      const [key, ...value] = (command.words[i + 1] ?? '').split('=');
      context[key as string] = value.join('=');
    });

    const load = () => loadConfig(context);

    expect(load).not.toThrow(ConfigError);
  },
);
