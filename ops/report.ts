import { createWriteStream, type WriteStream } from 'node:fs';
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
 * usage error before any work starts if the file cannot be created.
 */
export async function openReport(
  path: string | undefined,
  options: { append?: boolean } = {},
): Promise<ReportWriter> {
  if (!path) return NO_REPORT;
  const stream = createWriteStream(path, { encoding: 'utf8', flags: options.append ? 'a' : 'w' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err) =>
      reject(new CliError(`cannot write report file ${path}: ${err.message.split('\n')[0]}`)),
    );
  });
  let failure: Error | undefined;
  stream.on('error', (err) => {
    failure ??= err;
  });
  return {
    async write(record) {
      if (failure) throw reportError(path, failure);
      if (!stream.write(`${JSON.stringify(record)}\n`)) await drained(stream);
    },
    close: () =>
      new Promise((resolve, reject) => {
        stream.end(() => (failure ? reject(reportError(path, failure)) : resolve()));
      }),
  };
}

function drained(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.once('drain', () => resolve()));
}

function reportError(path: string, err: Error): CliError {
  return new CliError(`writing report file ${path} failed: ${err.message.split('\n')[0]}`, 1);
}
