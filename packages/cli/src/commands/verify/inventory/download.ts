import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CliError, describeAwsError } from '../../../shared/errors';
import { forEachConcurrent } from '../../../shared/pool';
import { count, formatBytes } from '../../../shared/text';
import { type InventoryReport, reportBytes } from './reports';

/** Room left free on the temporary directory's disk after the reports are in (bytes). */
const FREE_MARGIN = 1024 ** 3;

/** The reports' files on local disk, deleted by `remove()`. */
export interface LocalReports {
  readonly dir: string;
  /** The local files of each report, in manifest order. */
  readonly files: readonly (readonly string[])[];
  remove(): Promise<void>;
}

/**
 * Downloads every data file of `reports` into one new temporary directory, checking each file's MD5
 * against its manifest as it streams. Refuses before any download when the files would leave less
 * than 1 GiB free on that disk (disk use is bounded by the reports' own size). Gets only. Once
 * `signal` is aborted no further file is started (those in flight finish): the caller then has
 * incomplete files and compares nothing.
 */
export async function downloadReports(
  s3: S3Client,
  reports: readonly InventoryReport[],
  concurrency: number,
  signal?: AbortSignal,
): Promise<LocalReports> {
  const base = process.env.TMPDIR || tmpdir();
  const needed = reports.reduce((sum, r) => sum + reportBytes(r), 0);
  const disk = await statfs(base);
  const free = disk.bavail * disk.bsize;
  if (needed + FREE_MARGIN > free) {
    throw new CliError(
      `--engine local: the reports are ${formatBytes(needed)} and ${base} has ${formatBytes(free)} free (1 GiB must stay free): set TMPDIR to a larger disk, or use --engine athena`,
    );
  }
  const dir = await mkdtemp(join(base, 's3-dr-inventory-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const jobs = reports.flatMap((report, r) =>
      report.files.map((file, f) => ({ report, file, local: join(dir, `${r}-${f}${extension(file.key)}`) })),
    );
    await forEachConcurrent(
      jobs,
      Math.max(1, concurrency),
      async ({ report, file, local }) => {
        let body: NodeJS.ReadableStream;
        const uri = `s3://${report.destinationBucket}/${file.key}`;
        try {
          const out = await s3.send(
            new GetObjectCommand({ Bucket: report.destinationBucket, Key: file.key }),
          );
          body = out.Body as NodeJS.ReadableStream;
        } catch (err) {
          const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
          if (status === 404) {
            throw new CliError(
              `${report.root}${report.folder}/manifest.json lists ${uri}, which does not exist`,
            );
          }
          throw describeAwsError(err, uri);
        }
        const md5 = createHash('md5');
        const hashing = new Transform({
          transform(chunk, _encoding, done) {
            md5.update(chunk);
            done(null, chunk);
          },
        });
        await pipeline(body, hashing, createWriteStream(local));
        const digest = md5.digest('hex');
        if (digest !== file.md5) {
          throw new CliError(
            `${uri}: MD5 ${digest}, the manifest ${report.root}${report.folder}/manifest.json says ${file.md5}: the file is not the one the report wrote`,
          );
        }
      },
      signal,
    );
  } catch (err) {
    await remove();
    throw err;
  }
  return {
    dir,
    files: reports.map((report, r) =>
      report.files.map((file, f) => join(dir, `${r}-${f}${extension(file.key)}`)),
    ),
    remove,
  };
}

function extension(key: string): string {
  return /\.(csv\.gz|parquet|orc)$/.exec(key)?.[0] ?? '';
}

/** `3 files, 1.2 MiB` (`2 files, 3.4 KiB`: never 0.0 MiB of a small report) */
export function describeFiles(report: InventoryReport): string {
  return `${count(report.files.length, 'file')}, ${formatBytes(reportBytes(report))}`;
}
