import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { listAll } from './versioned';

// S3 Inventory reports as S3 writes them
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html):
// <prefix>/<source bucket>/<config id>/<YYYY-MM-DDTHH-MMZ>/manifest.json, data files under
// <prefix>/<source bucket>/<config id>/data/. CSV: gzip, every field quoted, URL-encoded keys.

/** One row of a report (one version or delete marker). */
export interface InventoryRow {
  readonly key: string;
  readonly versionId: string;
  readonly isLatest: boolean;
  readonly deleteMarker: boolean;
  readonly size?: number;
  readonly lastModified: number;
  /** Without quotes, as inventory writes it. */
  readonly etag?: string;
  /** COMPLETED, PENDING, FAILED, REPLICA or '' (not replicated by a rule). */
  readonly replicationStatus: string;
  /** Object Lock: the retention mode (`COMPLIANCE`, `GOVERNANCE`) and retain-until date (epoch ms). */
  readonly lockMode?: string;
  readonly retainUntil?: number;
}

/** The fields of the reports written here, in column order (manifest `fileSchema`). */
export const FIELDS = [
  'Bucket',
  'Key',
  'VersionId',
  'IsLatest',
  'IsDeleteMarker',
  'Size',
  'LastModifiedDate',
  'ETag',
  'StorageClass',
  'ReplicationStatus',
  'ObjectLockRetainUntilDate',
  'ObjectLockMode',
] as const;

/** The fields of a report without the Object Lock ones (an inventory configured without them). */
export const FIELDS_WITHOUT_LOCKS = FIELDS.filter((f) => !f.startsWith('ObjectLock'));

// As storage-inventory-location.html shows a Parquet report's fileSchema (int64 TIMESTAMP_MILLIS times).
const PARQUET_SCHEMA =
  'message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); optional binary version_id (UTF8); optional boolean is_latest; optional boolean is_delete_marker; optional int64 size; optional int64 last_modified_date (TIMESTAMP_MILLIS); optional binary e_tag (UTF8); optional binary storage_class (UTF8); optional binary replication_status (UTF8); optional int64 object_lock_retain_until_date (TIMESTAMP_MILLIS); optional binary object_lock_mode (UTF8);}';

export interface ReportSpec {
  readonly destination: string;
  readonly prefix?: string;
  readonly sourceBucket: string;
  readonly configId?: string;
  /** When S3 started the report (epoch ms); the dated folder is named after it. */
  readonly createdAt: number;
  readonly format: 'CSV' | 'Parquet';
  readonly rows: readonly InventoryRow[];
  /** Data files the rows are split into. @default 2 */
  readonly files?: number;
  /** Whether the report has the Object Lock fields. @default true */
  readonly lockFields?: boolean;
  /**
   * How a CSV report encodes a space in a key: `+` (form encoding) or `%20`; the docs say only
   * "URL-encoded". @default '+'
   */
  readonly space?: '+' | '%20';
}

/** A report's files, built locally: data files and the manifest that lists them. */
export interface BuiltReport {
  /** `s3://destination/prefix/source/config/` */
  readonly root: string;
  readonly objects: readonly { key: string; body: Buffer }[];
}

/** Builds one report's objects (data files, then manifest.json) for `spec`. */
export async function buildReport(spec: ReportSpec): Promise<BuiltReport> {
  const prefix = spec.prefix ?? 'inventory';
  const configId = spec.configId ?? 's3-dr-test';
  const rootKey = `${prefix}/${spec.sourceBucket}/${configId}/`;
  const folder = `${new Date(spec.createdAt).toISOString().slice(0, 16).replace(':', '-')}Z`;
  const parts = Math.max(1, spec.files ?? 2);
  const size = Math.ceil(spec.rows.length / parts) || 1;
  const objects: { key: string; body: Buffer }[] = [];
  for (let i = 0; i < parts; i++) {
    const rows = spec.rows.slice(i * size, (i + 1) * size);
    const name = `${rootKey}data/${createHash('md5').update(`${spec.createdAt}-${i}`).digest('hex')}`;
    objects.push(
      spec.format === 'CSV'
        ? {
            key: `${name}.csv.gz`,
            body: csvFile(spec.sourceBucket, rows, spec.lockFields ?? true, spec.space ?? '+'),
          }
        : {
            key: `${name}.parquet`,
            body: await parquetFile(spec.sourceBucket, rows, spec.lockFields ?? true),
          },
    );
  }
  const manifest = {
    sourceBucket: spec.sourceBucket,
    destinationBucket: `arn:aws:s3:::${spec.destination}`,
    version: '2016-11-30',
    creationTimestamp: String(spec.createdAt),
    fileFormat: spec.format,
    fileSchema: schemaOf(spec.format, spec.lockFields ?? true),
    files: objects.map((o) => ({
      key: o.key,
      size: o.body.length,
      MD5checksum: createHash('md5').update(o.body).digest('hex'),
    })),
  };
  objects.push({ key: `${rootKey}${folder}/manifest.json`, body: Buffer.from(JSON.stringify(manifest)) });
  return { root: `s3://${spec.destination}/${rootKey}`, objects };
}

/** Writes a report to S3 (moto); returns its root, what --source/--replica-inventory take. */
export async function putReport(s3: S3Client, spec: ReportSpec): Promise<string> {
  const built = await buildReport(spec);
  for (const o of built.objects) {
    await s3.send(new PutObjectCommand({ Bucket: spec.destination, Key: o.key, Body: o.body }));
  }
  return built.root;
}

function schemaOf(format: ReportSpec['format'], lockFields: boolean): string {
  if (format === 'CSV') return (lockFields ? FIELDS : FIELDS_WITHOUT_LOCKS).join(', ');
  return lockFields ? PARQUET_SCHEMA : PARQUET_SCHEMA.replace(/ optional \S+ object_lock_[^;]*;/g, '');
}

/** The buckets of a pair and the bucket its reports go to. */
export interface ReportedPair {
  readonly source: string;
  readonly replica: string;
  readonly destination: string;
}

/**
 * Reports of both buckets of `p` with the rows given, made at `createdAt` (an hour ago by default);
 * returns the options that name them (--source-inventory, --replica-inventory).
 */
export async function putReports(
  s3: S3Client,
  p: ReportedPair,
  rows: { source: InventoryRow[]; replica: InventoryRow[] },
  spec: Partial<Pick<ReportSpec, 'createdAt' | 'format' | 'lockFields' | 'space'>> = {},
): Promise<string[]> {
  const common = {
    destination: p.destination,
    createdAt: Date.now() - 3_600_000,
    format: 'CSV' as const,
    ...spec,
  };
  const source = await putReport(s3, { ...common, sourceBucket: p.source, rows: rows.source });
  const replica = await putReport(s3, { ...common, sourceBucket: p.replica, rows: rows.replica });
  return ['--source-inventory', source, '--replica-inventory', replica];
}

/**
 * A CSV report file: gzip, every field quoted, keys URL-encoded (a space as `space`), times as
 * ISO-8601 text.
 */
export function csvFile(
  bucket: string,
  rows: readonly InventoryRow[],
  lockFields = true,
  space: '+' | '%20' = '+',
): Buffer {
  const lines = rows.map((r) =>
    [
      bucket,
      encodeKey(r.key, space),
      r.versionId,
      String(r.isLatest),
      String(r.deleteMarker),
      r.deleteMarker ? '' : String(r.size ?? 0),
      new Date(r.lastModified).toISOString(),
      r.deleteMarker ? '' : (r.etag ?? ''),
      r.deleteMarker ? '' : 'STANDARD',
      r.replicationStatus,
      ...(lockFields
        ? [r.retainUntil === undefined ? '' : new Date(r.retainUntil).toISOString(), r.lockMode ?? '']
        : []),
    ]
      .map((f) => `"${f.replace(/"/g, '""')}"`)
      .join(','),
  );
  return gzipSync(lines.length ? `${lines.join('\n')}\n` : '');
}

export function encodeKey(key: string, space: '+' | '%20' = '+'): string {
  return encodeURIComponent(key).replace(/%20/g, space);
}

/** A Parquet report file, written by DuckDB with the column names and types S3 uses. */
export async function parquetFile(
  bucket: string,
  rows: readonly InventoryRow[],
  lockFields = true,
): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'inventory-parquet-'));
  try {
    const json = join(dir, 'rows.json');
    writeFileSync(
      json,
      rows
        .map((r) =>
          JSON.stringify({
            bucket,
            key: r.key,
            version_id: r.versionId,
            is_latest: r.isLatest,
            is_delete_marker: r.deleteMarker,
            size: r.deleteMarker ? null : (r.size ?? 0),
            last_modified_date: r.lastModified,
            e_tag: r.deleteMarker ? null : (r.etag ?? null),
            storage_class: r.deleteMarker ? null : 'STANDARD',
            replication_status: r.replicationStatus,
            object_lock_retain_until_date: r.retainUntil ?? null,
            object_lock_mode: r.lockMode ?? null,
          }),
        )
        .join('\n'),
    );
    const out = join(dir, 'rows.parquet');
    await writeParquet(json, out, lockFields);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Converts JSON lines of report rows (epoch-ms times) to a Parquet file with DuckDB, the times as
 * TIMESTAMP_MILLIS as S3 writes them.
 */
export async function writeParquet(jsonLines: string, out: string, lockFields = true): Promise<void> {
  const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
    const time = (c: string) => `CAST(epoch_ms(${c}) AS TIMESTAMP_MS) AS ${c}`;
    const locks = lockFields ? `, ${time('object_lock_retain_until_date')}, object_lock_mode` : '';
    await connection.run(
      `COPY (SELECT bucket, "key", version_id, is_latest, is_delete_marker, size, ${time('last_modified_date')}, e_tag, storage_class, replication_status${locks}
        FROM read_json(${q(jsonLines)}, format = 'newline_delimited', columns = {bucket: 'VARCHAR', "key": 'VARCHAR', version_id: 'VARCHAR', is_latest: 'BOOLEAN', is_delete_marker: 'BOOLEAN', size: 'BIGINT', last_modified_date: 'BIGINT', e_tag: 'VARCHAR', storage_class: 'VARCHAR', replication_status: 'VARCHAR', object_lock_retain_until_date: 'BIGINT', object_lock_mode: 'VARCHAR'}))
        TO ${q(out)} (FORMAT parquet)`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * The rows a report of `bucket` (in moto) would hold now: every version and delete marker, with
 * the replication status `status(key)` gives.
 */
export async function rowsOf(
  s3: S3Client,
  bucket: string,
  status: (key: string) => string = () => 'COMPLETED',
): Promise<InventoryRow[]> {
  return (await listAll(s3, bucket)).map((e) => ({
    key: e.key,
    versionId: e.versionId,
    isLatest: e.isLatest,
    deleteMarker: e.deleteMarker,
    ...(e.deleteMarker ? {} : { size: e.size ?? 0, etag: (e.etag ?? '').replace(/"/g, '') }),
    lastModified: e.lastModified,
    replicationStatus: status(e.key),
  }));
}

/** One current version of `key`, two hours old and replicated, as a report would list it. */
export function inventoryRow(key: string, extra: Partial<InventoryRow> = {}): InventoryRow {
  return {
    key,
    versionId: `v-${key}`,
    isLatest: true,
    deleteMarker: false,
    size: 10,
    lastModified: Date.now() - 2 * 3_600_000,
    etag: 'd41d8cd98f00b204e9800998ecf8427e',
    replicationStatus: 'COMPLETED',
    ...extra,
  };
}
