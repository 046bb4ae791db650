import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository's root. */
export const ROOT = join(__dirname, '..', '..');

/** The pages a reader is sent to: the README and everything under docs/. */
export function documentationFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => join(ROOT, 'docs', file));
  return [join(ROOT, 'README.md'), ...docs.sort()];
}

/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  /** Path relative to the repository's root. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's info string (`sh`, `text`, or empty). */
  readonly language: string;
  /** The HTML comment on the line right above the fence (`<!-- tour -->` gives `tour`), if any. */
  readonly marker?: string;
  readonly lines: readonly string[];
}

/** Every fenced code block of a Markdown file, in order. */
export function codeBlocks(path: string): CodeBlock[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] as string).startsWith('```'); i++) body.push(lines[i] as string);
    const marker = /^<!--\s*(\S+)\s*-->$/.exec(lines[start - 1] ?? '')?.[1];
    blocks.push({
      file: relative(ROOT, path),
      line: start + 1,
      language: open[1] ?? '',
      ...(marker === undefined ? {} : { marker }),
      lines: body,
    });
  }
  return blocks;
}

/**
 * The commands of a shell block as a shell reads them: lines ending in `\` joined with the next,
 * blank lines and whole-line comments left out.
 */
export function shellCommands(block: CodeBlock): string[] {
  const commands: string[] = [];
  let pending = '';
  for (const line of block.lines) {
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const command = (pending + line).trim();
    pending = '';
    if (command !== '' && !command.startsWith('#')) commands.push(command);
  }
  return commands;
}

/**
 * A command line split into words as a POSIX shell would for simple quoting ('…', "…"), without
 * expansions. Used for command lines shown in the docs, which contain no variables.
 */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const char of command) {
    if (quote) {
      if (char === quote) quote = undefined;
      else word = (word ?? '') + char;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The anchors GitHub gives a Markdown file's headings (`## The tamper alarm` → `the-tamper-alarm`). */
export function headingAnchors(path: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? undefined : /^#{1,6} (.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** A relative link of a Markdown file (`[text](target)` outside code blocks), with its line. */
export interface Link {
  readonly line: number;
  readonly target: string;
}

export function relativeLinks(path: string): Link[] {
  // Code blocks blanked out, their lines kept, so that a link's line number is the file's.
  const text = readFileSync(path, 'utf8').replace(/^```[\s\S]*?^```/gm, (block) =>
    block.replace(/[^\n]/g, ''),
  );
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .filter((match) => !/^[a-z][a-z0-9+.-]*:/i.test(match[1] as string))
    .map((match) => ({ line: text.slice(0, match.index).split('\n').length, target: match[1] as string }));
}
