/**
 * Inventory benchmark: `s3-dr verify --inventory --engine local` over S3 Inventory reports of
 * BENCH_KEYS objects per bucket (CSV gzip and Parquet, in the documented layout), beside listing-
 * based `s3-dr verify` of the same keys on bench/list-server.ts. Both servers answer every request
 * after BENCH_LATENCY_MS. Run through bench/inventory.sh (builds the CLI first).
 *
 *   BENCH_KEYS=1000000 BENCH_LATENCY_MS=50 BENCH_FORMATS=CSV,Parquet BENCH_LISTING=1 bash bench/inventory.sh
 *
 * BENCH_GENERATE_ONLY=1 writes the reports and stops (nothing timed): the load of writing 10M-row
 * reports then stays out of a later, timed run.
 *
 * Reports are generated once per size under bench/.work/ (DuckDB writes them: one data file per
 * million rows, as S3 splits large reports). Prints JSON, a Markdown table for BENCHMARKS.md, and the
 * Athena estimate: bytes a query would scan per 10^9 objects (from the Parquet sizes) and its cost.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, relative } from 'node:path';
import { ATHENA_USD_PER_TB } from '../packages/cli/src/commands/verify/inventory/athena';
import { startListServer } from './list-server';
import { machine, median, type TimedRun, timeCommand } from './measure';

const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const FORMATS = (process.env.BENCH_FORMATS ?? 'CSV,Parquet').split(',') as ('CSV' | 'Parquet')[];
const LISTING = process.env.BENCH_LISTING !== '0';
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1);
/** Only write the reports (untimed), e.g. ahead of a run on a quiet machine. */
const GENERATE_ONLY = process.env.BENCH_GENERATE_ONLY === '1';
const ROWS_PER_FILE = 1_000_000;
const BIN = join(__dirname, '..', 'packages', 'cli', 'dist', 's3-dr.js');
const WORK = join(__dirname, '.work', `inventory-${KEYS}`);
const DESTINATION = 'bench-ops';
const BUCKETS = { source: 'bench-src', replica: 'bench-rep' } as const;
const CREATED_AT = Date.parse('2026-12-01T01:00:00Z');
const FOLDER = '2026-12-01T01-00Z';

/** The keys of bench/list.ts's `numbered` layout, so that both comparisons see the same key set. */
const KEY_SQL = `'data/' || lpad(CAST(i AS VARCHAR), 8, '0') || ' é+%.bin'`;

function rootOf(format: string, bucket: string): string {
  return `inventory-${format.toLowerCase()}/${bucket}/s3-dr-bench/`;
}

/** Writes one report of `bucket` in `format` under WORK/DESTINATION (skipped when present). */
async function generate(format: 'CSV' | 'Parquet', bucket: string, status: string): Promise<number> {
  const root = join(WORK, DESTINATION, rootOf(format, bucket));
  const manifestPath = join(root, FOLDER, 'manifest.json');
  if (existsSync(manifestPath)) return sizeOf(join(root, 'data'));
  mkdirSync(join(root, 'data'), { recursive: true });
  mkdirSync(join(root, FOLDER), { recursive: true });
  const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const files: { key: string; size: number; MD5checksum: string }[] = [];
  try {
    for (let start = 0; start < KEYS; start += ROWS_PER_FILE) {
      const end = Math.min(KEYS, start + ROWS_PER_FILE);
      const name = `data/${createHash('md5').update(`${bucket}-${format}-${start}`).digest('hex')}`;
      const file = join(root, `${name}${format === 'CSV' ? '.csv.gz' : '.parquet'}`);
      const key = format === 'CSV' ? `url_encode(${KEY_SQL})` : KEY_SQL;
      const select = `SELECT '${bucket}' AS bucket, ${key} AS "key", substr(md5(CAST(i AS VARCHAR)), 1, 32) AS version_id,
        true AS is_latest, false AS is_delete_marker, CAST(i % 100000 AS BIGINT) AS size,
        ${format === 'CSV' ? `'2026-11-30T12:00:00.000Z'` : `TIMESTAMP '2026-11-30 12:00:00'`} AS last_modified_date,
        md5(${KEY_SQL}) AS e_tag, 'STANDARD' AS storage_class, '${status}' AS replication_status
        FROM range(${start}, ${end}) t(i)`;
      const options =
        format === 'CSV'
          ? `FORMAT csv, HEADER false, FORCE_QUOTE *, QUOTE '"', COMPRESSION gzip`
          : 'FORMAT parquet, COMPRESSION snappy';
      await connection.run(`COPY (${select}) TO '${file}' (${options})`);
      files.push({
        key: `${rootOf(format, bucket)}${name}${format === 'CSV' ? '.csv.gz' : '.parquet'}`,
        size: statSync(file).size,
        MD5checksum: await md5Of(file),
      });
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  const schema =
    format === 'CSV'
      ? 'Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, StorageClass, ReplicationStatus'
      : 'message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); optional binary version_id (UTF8); optional boolean is_latest; optional boolean is_delete_marker; optional int64 size; optional int64 last_modified_date (TIMESTAMP_MILLIS); optional binary e_tag (UTF8); optional binary storage_class (UTF8); optional binary replication_status (UTF8);}';
  writeFileSync(
    manifestPath,
    JSON.stringify({
      sourceBucket: bucket,
      destinationBucket: `arn:aws:s3:::${DESTINATION}`,
      version: '2016-11-30',
      creationTimestamp: String(CREATED_AT),
      fileFormat: format,
      fileSchema: schema,
      files,
    }),
  );
  return files.reduce((sum, f) => sum + f.size, 0);
}

function md5Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

function sizeOf(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

/**
 * An S3 endpoint over WORK (path style): HeadBucket (every bucket exists), ListObjectsV2 with a
 * delimiter (the dated folders), GetObject, GetBucketEncryption (none); LATENCY_MS before every answer.
 */
async function startReportServer(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    setTimeout(() => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const [bucket, ...rest] = url.pathname.slice(1).split('/').map(decodeURIComponent);
      const key = rest.join('/');
      if (req.method === 'HEAD' && !key) {
        res.writeHead(200, { 'x-amz-bucket-region': 'us-east-1' });
        res.end();
        return;
      }
      if (url.searchParams.has('encryption')) {
        res.writeHead(404, { 'content-type': 'application/xml' });
        res.end(
          '<Error><Code>ServerSideEncryptionConfigurationNotFoundError</Code><Message>none</Message></Error>',
        );
        return;
      }
      if (url.searchParams.get('list-type') === '2') {
        const prefix = url.searchParams.get('prefix') ?? '';
        const dir = join(WORK, bucket ?? '', prefix);
        const names = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : [];
        const prefixes = names
          .filter((n) => n.isDirectory())
          .map((n) => `<CommonPrefixes><Prefix>${prefix}${n.name}/</Prefix></CommonPrefixes>`);
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${prefix}</Prefix><KeyCount>${prefixes.length}</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><IsTruncated>false</IsTruncated>${prefixes.join('')}</ListBucketResult>`,
        );
        return;
      }
      const file = join(WORK, bucket ?? '', key);
      if (!key || !existsSync(file) || !relative(WORK, file).startsWith(DESTINATION)) {
        res.writeHead(404, { 'content-type': 'application/xml' });
        res.end('<Error><Code>NoSuchKey</Code><Message>none</Message></Error>');
        return;
      }
      res.writeHead(200, {
        'content-length': statSync(file).size,
        'content-type': 'application/octet-stream',
      });
      createReadStream(file).pipe(res);
    }, LATENCY_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const env = (endpoint: string) => ({
  // The CLI measured runs with Node's defaults, not the larger heap this process was given.
  NODE_OPTIONS: undefined,
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: endpoint,
});

async function measure(args: string[], endpoint: string): Promise<TimedRun> {
  const runs: TimedRun[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const run = await timeCommand('node', [BIN, ...args], env(endpoint));
    if (run.code !== 0) log(`exited ${run.code}: ${run.stderr.slice(-400)}`);
    runs.push(run);
  }
  return median(runs);
}

async function main(): Promise<void> {
  const sizes: Record<string, number> = {};
  for (const format of FORMATS) {
    log(`generating ${format} reports of ${KEYS} objects per bucket under ${WORK}`);
    sizes[format] =
      (await generate(format, BUCKETS.source, 'COMPLETED')) +
      (await generate(format, BUCKETS.replica, 'REPLICA'));
  }
  if (GENERATE_ONLY) return;
  const results: Record<string, TimedRun & { reportBytes: number }> = {};
  const server = await startReportServer();
  try {
    for (const format of FORMATS) {
      log(`verify --inventory --engine local, ${format}`);
      const run = await measure(
        [
          '--source',
          BUCKETS.source,
          '--replica',
          BUCKETS.replica,
          'verify',
          '--inventory',
          '--engine',
          'local',
          '--source-inventory',
          `s3://${DESTINATION}/${rootOf(format, BUCKETS.source)}`,
          '--replica-inventory',
          `s3://${DESTINATION}/${rootOf(format, BUCKETS.replica)}`,
        ],
        server.endpoint,
      );
      results[`inventory ${format}`] = { ...run, reportBytes: sizes[format] ?? 0 };
      log(JSON.stringify({ format, seconds: run.seconds, peakRssMB: run.peakRssMB, code: run.code }));
    }
  } finally {
    await server.close();
  }
  if (LISTING) {
    log(`listing-based verify of the same ${KEYS} keys per bucket`);
    const keys = Array.from({ length: KEYS }, (_, i) => `data/${String(i).padStart(8, '0')} é+%.bin`);
    const list = await startListServer({ keys, latencyMs: LATENCY_MS });
    try {
      const run = await measure(
        ['--source', 'bench-src', '--replica', 'bench-rep', 'verify', '--grace', '0'],
        list.endpoint,
      );
      results.listing = { ...run, reportBytes: 0 };
      log(JSON.stringify({ listing: true, seconds: run.seconds, peakRssMB: run.peakRssMB, code: run.code }));
    } finally {
      await list.close();
    }
  }
  // Athena reads each report twice (the differences, then the count): an upper bound, since Parquet
  // lets it read only the columns the query names.
  const parquet = sizes.Parquet;
  const athena = parquet
    ? (() => {
        // One bucket's Parquet report of 10^9 objects, scaled from this run's.
        const perBucket = (parquet / 2 / KEYS) * 1e9;
        // The query reads both buckets' reports, twice.
        const scanned = 2 * 2 * perBucket;
        return {
          parquetBytesPer1e9ObjectsPerBucket: Math.round(perBucket),
          scannedBytesAtMostFor1e9ObjectsInEachBucket: Math.round(scanned),
          usdAtMost: Math.round((scanned / 1024 ** 4) * ATHENA_USD_PER_TB * 100) / 100,
        };
      })()
    : undefined;
  const output = {
    machine: machine(),
    date: new Date().toISOString(),
    keys: KEYS,
    latencyMs: LATENCY_MS,
    sizes,
    results,
    athena,
  };
  console.log(JSON.stringify(output, null, 2));
  console.log(table(results));
}

function table(results: Record<string, TimedRun & { reportBytes: number }>): string {
  const listing = results.listing;
  const lines = [
    '| objects per bucket | comparison | reports (both) | wall | CPU s | peak RSS | vs listing |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [name, r] of Object.entries(results)) {
    lines.push(
      `| ${KEYS.toLocaleString('en')} | ${name} | ${r.reportBytes ? `${(r.reportBytes / 1024 ** 2).toFixed(1)} MiB` : '-'} | ${r.seconds} s | ${r.cpuSeconds} | ${r.peakRssMB} MB | ${listing && name !== 'listing' ? `**${(listing.seconds / r.seconds).toFixed(1)}x faster**` : '-'} |`,
    );
  }
  return lines.join('\n');
}

const log = (text: string): void => {
  process.stderr.write(`bench: ${text}\n`);
};

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
