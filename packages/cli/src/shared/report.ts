import { createWriteStream, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { CliError } from './errors';

/** A JSON-lines file: one record per line, written as the work goes, flushed on close. */
export interface ReportWriter {
  /** Appends one record; resolves at once unless the file is behind (then when it drained). */
  write(record: object): Promise<void>;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/** A writer that drops every record, for runs without --report. */
export const NO_REPORT: ReportWriter = {
  write: async () => undefined,
  close: async () => undefined,
};

/**
 * Opens `path` for a JSON-lines file (created or truncated; with `append`, added to). Fails with a
 * usage error before any work starts if the file cannot be created, naming it as `what` (e.g.
 * `restore journal`) and saying why in words.
 */
export async function openReport(
  path: string | undefined,
  options: { append?: boolean; what?: string } = {},
): Promise<ReportWriter> {
  if (!path) return NO_REPORT;
  const what = options.what ?? 'report file';
  const stream = createWriteStream(path, { encoding: 'utf8', flags: options.append ? 'a' : 'w' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err) => reject(new CliError(`cannot write ${what} ${path}: ${why(path, err)}`)));
  });
  let failure: Error | undefined;
  stream.on('error', (err) => {
    failure ??= err;
  });
  const writeError = (err: Error) => new CliError(`writing ${what} ${path} failed: ${why(path, err)}`, 1);
  return {
    async write(record) {
      if (failure) throw writeError(failure);
      if (!stream.write(`${JSON.stringify(record)}\n`)) await drained(stream);
    },
    close: () =>
      new Promise((resolve, reject) => {
        stream.end(() => (failure ? reject(writeError(failure)) : resolve()));
      }),
  };
}

function drained(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.once('drain', () => resolve()));
}

/** Why a file could not be read or written, in words: `directory /x does not exist`, not `ENOENT: …`. */
export function why(path: string, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return `directory ${dirname(path)} does not exist`;
    case 'ENOTDIR':
      return `a part of ${dirname(path)} is not a directory`;
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return err.message.split('\n')[0] ?? String(err);
  }
}
