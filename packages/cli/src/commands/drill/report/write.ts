// Writes a drill's report folder: evidence.json (the record), report.html and report.md (its
// renderings). Each file is written under a temporary name and renamed, so that an interruption
// never leaves a half-written file, nor truncates an evidence.json being rendered again in place.
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../../../shared/errors';
import { why } from '../../../shared/report';
import type { Evidence } from '../evidence';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';

/** The files of a report folder, by role. */
export const REPORT_FILES = {
  evidence: 'evidence.json',
  html: 'report.html',
  markdown: 'report.md',
} as const;

export interface WrittenReport {
  readonly dir: string;
  readonly evidence: string;
  readonly html: string;
  readonly markdown: string;
}

/**
 * Writes evidence.json, report.html and report.md into `dir`, creating it (and its parents) when
 * needed. `evidenceText` is the evidence as it should be stored, when it was read from a file
 * (its bytes are kept as they were); by default the evidence is written as indented JSON.
 * Fails with a usage error naming the folder or file when it cannot be created or written.
 */
export async function writeReport(
  dir: string,
  evidence: Evidence,
  evidenceText?: string,
): Promise<WrittenReport> {
  const written: WrittenReport = {
    dir,
    evidence: join(dir, REPORT_FILES.evidence),
    html: join(dir, REPORT_FILES.html),
    markdown: join(dir, REPORT_FILES.markdown),
  };
  // Rendered before anything is written: a rendering that fails leaves nothing behind.
  const contents: [string, string][] = [
    [written.evidence, evidenceText ?? `${JSON.stringify(evidence, null, 2)}\n`],
    [written.html, renderHtml(evidence)],
    [written.markdown, renderMarkdown(evidence)],
  ];
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new CliError(
      `cannot create report folder ${dir}: ${await folderProblem(dir, err as NodeJS.ErrnoException)}`,
    );
  }
  const done: string[] = [];
  for (const [path, text] of contents) {
    await writeWhole(path, text, done);
    done.push(path);
  }
  return written;
}

/** Writes one file whole; a failure says which files were already written. */
async function writeWhole(path: string, text: string, done: readonly string[]): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    const already = done.length > 0 ? ` (already written: ${done.join(', ')})` : ' (nothing was written)';
    throw new CliError(`cannot write ${path}: ${why(path, err as NodeJS.ErrnoException)}${already}`);
  }
}

/** Why a folder could not be created: mkdir's EEXIST and ENOTDIR mean a file is in the way. */
async function folderProblem(dir: string, err: NodeJS.ErrnoException): Promise<string> {
  if (err.code === 'EEXIST' || err.code === 'ENOTDIR') {
    const isFile = await stat(dir).then(
      (s) => s.isFile(),
      () => false,
    );
    return isFile ? 'a file of that name is in the way' : 'a part of the path is a file, not a folder';
  }
  return why(dir, err);
}
