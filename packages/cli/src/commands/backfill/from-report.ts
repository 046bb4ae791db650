import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { type ManifestWriter, openFileManifest, parseManifestLine } from '../../shared/batch/manifest';
import { CliError, describeAwsError } from '../../shared/errors';
import { forEachConcurrent } from '../../shared/pool';
import { why } from '../../shared/report';

/**
 * What a `verify --report` file (JSON lines) or a CSV manifest (`verify --inventory
 * --failed-manifest`) gives Batch Replication, as the plan counts it.
 */
export interface ReportManifest {
  /** Object versions in the manifest. */
  readonly objects: number;
  /**
   * Of those, the ones a verify report says `failed` (replication failed) and `missing`; a CSV
   * manifest's lines do not say which they are (counted in neither).
   */
  readonly failed: number;
  readonly missing: number;
  /** Of those, current versions looked up with HeadObject: the report named no version id. */
  readonly lookedUp: number;
  /** Of those, current versions of CSV lines without a version id (the key's latest version). */
  readonly latest: number;
  /** Of those, keys that a delete marker hides in the replica (verify says so). */
  readonly hiddenInReplica: number;
  /** Left out: missing delete markers (Batch Replication copies objects). */
  readonly deleteMarkers: number;
  /** Left out: keys with no current version in the source any more. */
  readonly deletedSince: number;
  /** Left out: keys whose current version is no longer the one the report saw missing. */
  readonly changedSince: number;
  /** The local file holding the manifest's lines until they are uploaded. */
  readonly file: string;
}

/** A `missing` line of a verify report, or a line of a CSV manifest, as far as backfill reads it. */
interface MissingRecord {
  readonly key: string;
  /** What verify said of it (a verify report's lines); a CSV manifest's lines do not say. */
  readonly kind?: 'missing' | 'failed';
  /** A CSV line without a version id: the key's current version, whatever it is. */
  readonly latest?: boolean;
  readonly source?: {
    readonly versionId?: string;
    readonly deleteMarker?: boolean;
    readonly etag?: string;
    readonly size?: number;
    readonly lastModified?: string;
  };
  readonly replica?: { readonly deleteMarker?: boolean };
}

/** Why a missing line is left out of the manifest, and where the plan counts it. */
const LEFT_OUT = {
  'delete-marker': 'deleteMarkers',
  'deleted-since': 'deletedSince',
  'changed-since': 'changedSince',
} as const;

type Outcome =
  | { readonly type: 'version'; readonly versionId: string; readonly lookedUp?: 'seen' | 'latest' }
  | { readonly type: keyof typeof LEFT_OUT };

/**
 * Turns the `missing` lines of a `verify --report` file, or the lines of a CSV manifest, into
 * manifest lines of object versions in `source`, written to `file`. A line with a version id (verify --all-versions) names its version.
 * A line without one (the default mode: ListObjectsV2 does not list version ids) gets the key's
 * current version from HeadObject, only if that is still the version the report saw (same ETag,
 * size and LastModified); a key deleted or written again since is left out and counted, never
 * replaced by a version nobody found missing. (A manifest that names version ids must name one on
 * every line, and a line without one means the latest version at job time:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-create-job.html#specify-batchjob-manifest.)
 * `concurrency` HeadObject requests at once; the report is streamed, never held in memory.
 */
export async function manifestFromReport(
  s3: S3Client,
  path: string,
  source: string,
  file: string,
  concurrency: number,
): Promise<ReportManifest> {
  const writer = await openFileManifest(file);
  const counts = {
    objects: 0,
    failed: 0,
    missing: 0,
    lookedUp: 0,
    latest: 0,
    hiddenInReplica: 0,
    deleteMarkers: 0,
    deletedSince: 0,
    changedSince: 0,
  };
  try {
    await forEachConcurrent(missingRecords(path, source), concurrency, async (record) => {
      const outcome = await resolve(s3, source, record);
      if (outcome.type !== 'version') {
        counts[LEFT_OUT[outcome.type]]++;
        return;
      }
      counts.objects++;
      if (record.kind) counts[record.kind]++;
      if (outcome.lookedUp === 'seen') counts.lookedUp++;
      if (outcome.lookedUp === 'latest') counts.latest++;
      if (record.replica?.deleteMarker) counts.hiddenInReplica++;
      await writer.add({ bucket: source, key: record.key, versionId: outcome.versionId });
    });
  } finally {
    await writer.close();
  }
  return { ...counts, file };
}

/** Copies the manifest lines of `file` (see manifestFromReport) to `writer`. */
export async function copyManifest(file: string, writer: ManifestWriter): Promise<void> {
  const text = await readFile(file, 'utf8');
  for (const line of text.split('\n')) if (line) await writer.add(parseManifestLine(line));
}

async function resolve(s3: S3Client, source: string, record: MissingRecord): Promise<Outcome> {
  const seen = record.source;
  if (seen?.deleteMarker) return { type: 'delete-marker' };
  if (seen?.versionId) return { type: 'version', versionId: seen.versionId };
  let current: HeadObjectCommandOutput;
  try {
    current = await s3.send(new HeadObjectCommand({ Bucket: source, Key: record.key }));
  } catch (err) {
    // 404: no such key, or a delete marker is current: "Amazon S3 behaves as if the object was
    // deleted" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return { type: 'deleted-since' };
    throw describeAwsError(err, `s3://${source}/${record.key}`);
  }
  // An object written before versioning was enabled has the version id `null`, which manifests name so.
  const versionId = current.VersionId ?? 'null';
  if (record.latest) return { type: 'version', versionId, lookedUp: 'latest' };
  const same =
    current.ETag === seen?.etag &&
    current.ContentLength === seen?.size &&
    seconds(current.LastModified?.getTime()) === seconds(Date.parse(seen?.lastModified ?? ''));
  if (!same) return { type: 'changed-since' };
  return { type: 'version', versionId, lookedUp: 'seen' };
}

/** Listings give milliseconds, HeadObject whole seconds (an HTTP date). */
function seconds(ms: number | undefined): number | undefined {
  return ms === undefined || Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/**
 * The entries to replicate, streamed: the `missing` and `failed` lines of a verify report (JSON
 * lines; other kinds are not backfilled), or every line of a CSV manifest, as its first line shows.
 */
async function* missingRecords(path: string, source: string): AsyncGenerator<MissingRecord> {
  const input = createReadStream(path, { encoding: 'utf8' });
  await new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (err: NodeJS.ErrnoException) => {
      const reason = err.code === 'ENOENT' ? 'no such file' : why(path, err);
      reject(new CliError(`cannot read --from-report ${path}: ${reason}`));
    });
  });
  let n = 0;
  let csv: boolean | undefined;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    if (!line.trim()) continue;
    csv ??= !line.trimStart().startsWith('{');
    const record = csv ? csvRecord(path, n, line, source) : jsonRecord(path, n, line);
    if (record) yield record;
  }
}

function jsonRecord(path: string, n: number, line: string): MissingRecord | undefined {
  let record: { kind?: string; key?: unknown } & Omit<MissingRecord, 'key'>;
  try {
    record = JSON.parse(line);
  } catch {
    throw new CliError(
      `--from-report ${path}: line ${n} is not JSON; expected the file verify --report writes (or a CSV manifest)`,
    );
  }
  // verify --inventory also reports `failed`: replication of the version failed, the replica lacks it.
  if ((record.kind !== 'missing' && record.kind !== 'failed') || typeof record.key !== 'string')
    return undefined;
  if (!record.source) {
    throw new CliError(
      `--from-report ${path}: line ${n} is a missing key without its source state; expected the file verify --report writes`,
    );
  }
  return { key: record.key, kind: record.kind, source: record.source, replica: record.replica };
}

/**
 * A line of an S3 Batch Operations CSV manifest, `bucket,key[,versionId]` with the key URL-encoded
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-create-job.html#specify-batchjob-manifest),
 * as verify --inventory --failed-manifest writes it. Its bucket must be the source: backfill
 * replicates the source's versions by its replication rules.
 */
function csvRecord(path: string, n: number, line: string, source: string): MissingRecord {
  const where = `--from-report ${path}: line ${n}`;
  const fields = line.split(',');
  const [bucket = '', encoded = '', versionId] = fields;
  if (fields.length < 2 || fields.length > 3 || !bucket || !encoded || versionId === '') {
    throw new CliError(
      `${where} is not bucket,key[,versionId] (a version id, if any, not empty: \`null\` names an object written before versioning); expected a verify --report file or a CSV manifest (keys URL-encoded)`,
    );
  }
  if (bucket !== source) {
    throw new CliError(
      `${where} names bucket ${bucket}, not the source bucket ${source}: backfill replicates the source's versions`,
    );
  }
  let key: string;
  try {
    key = decodeURIComponent(encoded);
  } catch {
    throw new CliError(
      `${where}: the key ${encoded} is not URL-encoded (a CSV manifest encodes keys: a space is %20)`,
    );
  }
  return versionId ? { key, source: { versionId } } : { key, latest: true };
}
