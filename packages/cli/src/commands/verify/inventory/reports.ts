import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CliError, describeAwsError, EXIT } from '../../../shared/errors';

// Where S3 Inventory puts one configuration's reports, and what a manifest says
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html):
// <root>/<YYYY-MM-DDTHH-MMZ>/manifest.json (+ manifest.checksum), data files under <root>/data/,
// <root>/hive/dt=<YYYY-MM-DD-HH-MM>/symlink.txt for Athena.

/** The formats S3 Inventory writes (manifest `fileFormat`). */
export type InventoryFormat = 'CSV' | 'Parquet' | 'ORC';
const FORMATS: readonly InventoryFormat[] = ['CSV', 'Parquet', 'ORC'];

/** One data file of a report, as its manifest lists it. */
export interface ReportFile {
  readonly key: string;
  readonly size: number;
  readonly md5: string;
}

/** One inventory report: the manifest of one dated folder. */
export interface InventoryReport {
  /** The root it was found under, `s3://bucket/prefix/` (for messages). */
  readonly root: string;
  /** The bucket holding the report's files (the inventory's destination). */
  readonly destinationBucket: string;
  /** The bucket the report lists. */
  readonly sourceBucket: string;
  /** The dated folder, `YYYY-MM-DDTHH-MMZ`. */
  readonly folder: string;
  /** The folder as Athena's `dt` partition names it: `YYYY-MM-DD-HH-MM`. */
  readonly dt: string;
  /** When S3 started the report (manifest `creationTimestamp`, epoch ms). */
  readonly createdAt: number;
  readonly format: InventoryFormat;
  /** Field names in the order of the CSV columns (manifest `fileSchema`). */
  readonly fields: readonly string[];
  readonly files: readonly ReportFile[];
}

/** The fields a comparison needs, by their manifest names. */
export const REQUIRED_FIELDS = [
  'Bucket',
  'Key',
  'VersionId',
  'IsLatest',
  'IsDeleteMarker',
  'Size',
  'LastModifiedDate',
  'ETag',
  'ReplicationStatus',
] as const;

const FOLDER = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z$/;

/** `s3://bucket/prefix/` as bucket and prefix (ending in `/`), or a usage error naming `option`. */
export function parseInventoryRoot(option: string, uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri) ?? /^s3:\/\/([^/]+)$/.exec(uri);
  if (!match) {
    throw new CliError(
      `${option} ${uri}: expected s3://<bucket>/<prefix>/<source-bucket>/<configuration-id>/, the root of one inventory configuration`,
    );
  }
  const prefix = match[2] ?? '';
  return {
    bucket: match[1] as string,
    prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
  };
}

/**
 * Finds the report of `root` to compare: the newest dated folder that holds a `manifest.json`, or
 * the newest of day `date` (YYYY-MM-DD). Reads and checks its manifest: it must list `bucket`, in
 * a known format, with every field a comparison needs. List and Get requests only.
 */
export async function findReport(
  s3: S3Client,
  option: string,
  uri: string,
  bucket: string,
  date?: string,
): Promise<InventoryReport> {
  const root = parseInventoryRoot(option, uri);
  const folders = await listFolders(s3, root.bucket, root.prefix, `${option} ${uri}`);
  const dated = folders
    .filter((f) => FOLDER.test(f))
    .sort()
    .reverse();
  const candidates = dated.filter((f) => !date || f.startsWith(`${date}T`));
  for (const folder of candidates) {
    const text = await readText(s3, root.bucket, `${root.prefix}${folder}/manifest.json`);
    if (text !== undefined) return checkManifest(option, uri, folder, root.bucket, bucket, text);
  }
  const days = [...new Set(dated.map((f) => f.slice(0, 10)))];
  if (date && days.length && !candidates.length) {
    // Other days have reports: the configuration works, only that day is missing.
    throw new CliError(
      `${option} ${uri}: no report of ${date}; report folders of ${days.slice(0, 5).join(', ')}${days.length > 5 ? ', ...' : ''} (newest first): pass one of those days to --inventory-date, or leave it out for the newest report`,
      EXIT.usage,
      'not-found',
    );
  }
  const when = date ? ` of ${date}` : '';
  throw new CliError(
    `${option} ${uri}: no report${when} (no dated folder YYYY-MM-DDTHH-MMZ holding a manifest.json${folders.length ? `; folders seen: ${folders.slice(0, 5).join(', ')}` : ''}); the first report may take up to 48 hours after the inventory is configured`,
    EXIT.usage,
    'not-found',
  );
}

function checkManifest(
  option: string,
  uri: string,
  folder: string,
  destinationBucket: string,
  bucket: string,
  text: string,
): InventoryReport {
  const where = `${option} ${uri}${folder}/manifest.json`;
  let manifest: {
    sourceBucket?: unknown;
    fileFormat?: unknown;
    fileSchema?: unknown;
    creationTimestamp?: unknown;
    files?: { key?: unknown; size?: unknown; MD5checksum?: unknown }[];
  };
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new CliError(`${where}: not JSON; expected an S3 Inventory manifest`);
  }
  if (manifest.sourceBucket !== bucket) {
    throw new CliError(
      `${where}: a report of bucket ${String(manifest.sourceBucket)}, not of ${bucket}: point ${option} at ${bucket}'s inventory`,
    );
  }
  const format = FORMATS.find((f) => f.toLowerCase() === String(manifest.fileFormat).toLowerCase());
  if (!format) {
    throw new CliError(
      `${where}: fileFormat ${String(manifest.fileFormat)} is not one of ${FORMATS.join(', ')}`,
    );
  }
  const fields = String(manifest.fileSchema ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  // Parquet and ORC schemas are type declarations (`message s3.inventory { required binary bucket; ... }`).
  const names = format === 'CSV' ? fields : schemaNames(String(manifest.fileSchema ?? ''));
  const lacking = missingFields(names, REQUIRED_FIELDS);
  if (lacking.length) {
    throw new CliError(
      `${where}: the report lacks ${lacking.join(', ')}; the inventory must include all versions and the fields ${REQUIRED_FIELDS.slice(5).join(', ')}`,
    );
  }
  const files = (manifest.files ?? []).map((f, i) => {
    if (typeof f.key !== 'string' || typeof f.MD5checksum !== 'string' || !Number.isFinite(Number(f.size))) {
      throw new CliError(`${where}: files[${i}] lacks key, size or MD5checksum`);
    }
    return { key: f.key, size: Number(f.size), md5: f.MD5checksum.toLowerCase() };
  });
  const createdAt = Number(manifest.creationTimestamp);
  if (!Number.isFinite(createdAt)) throw new CliError(`${where}: creationTimestamp is not a number`);
  return {
    root: uri,
    destinationBucket,
    sourceBucket: bucket,
    folder,
    dt: folder.replace('T', '-').replace(/Z$/, ''),
    createdAt,
    format,
    fields: names,
    files,
  };
}

/** The `fields` (manifest names, `ObjectLockMode`) that a report lacks. */
export function lackedFields(report: InventoryReport, fields: readonly string[]): string[] {
  return missingFields(report.fields, fields);
}

/** Field names match across formats: `ObjectLockMode` (CSV) is `object_lock_mode` (Parquet, ORC). */
function missingFields(names: readonly string[], fields: readonly string[]): string[] {
  return fields.filter((f) => !names.some((n) => n.replace(/_/g, '').toLowerCase() === f.toLowerCase()));
}

/** Column names of a Parquet/ORC schema text, or of a comma-separated list. */
function schemaNames(schema: string): string[] {
  const declared = [
    ...schema.matchAll(/\b(?:binary|int64|int32|boolean|int96)\s+(\w+)\s*(?:\([^)]*\))?\s*;/g),
  ].map((m) => m[1] as string);
  if (declared.length) return declared;
  const orc = /^struct<(.*)>$/.exec(schema.trim());
  if (orc) return (orc[1] as string).split(',').map((f) => f.split(':')[0]?.trim() ?? '');
  return schema.split(',').map((f) => f.trim());
}

async function listFolders(s3: S3Client, bucket: string, prefix: string, what: string): Promise<string[]> {
  const folders: string[] = [];
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          Delimiter: '/',
          ContinuationToken: token,
        }),
      );
    } catch (err) {
      throw describeAwsError(err, what);
    }
    for (const p of page.CommonPrefixes ?? []) folders.push((p.Prefix ?? '').slice(prefix.length, -1));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return folders;
}

async function readText(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await (out.Body as { transformToString(): Promise<string> }).transformToString();
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return undefined;
    throw describeAwsError(err, `s3://${bucket}/${key}`);
  }
}

/** The total size of a report's files, in bytes. */
export function reportBytes(report: InventoryReport): number {
  return report.files.reduce((sum, f) => sum + f.size, 0);
}
