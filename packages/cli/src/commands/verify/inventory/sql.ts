import type { InventoryFormat } from './reports';

/**
 * One inventory table as the query reads it: Athena's Glue table (partition `dt`), or DuckDB's view
 * of the same name and columns. Columns as in the Athena DDL of
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-athena-query.html.
 */
export interface InventoryTable {
  /** A table name, qualified as the engine needs (`"db"."primary_inventory"`). */
  readonly name: string;
  /** The report's partition, `YYYY-MM-DD-HH-MM`. */
  readonly dt: string;
  readonly format: InventoryFormat;
}

export type ComparisonMode = 'current' | 'all-versions';

/** The columns of every result row, in order; all VARCHAR. */
export const RESULT_COLUMNS = [
  'row_type',
  'object_key',
  's_version_id',
  's_delete_marker',
  's_size',
  's_etag',
  's_last_modified',
  's_replication_status',
  'r_version_id',
  'r_delete_marker',
  'r_size',
  'r_etag',
  'r_last_modified',
  'r_versions',
  'r_lock_mode',
  'r_retain_until',
  'compared',
] as const;

export type ResultRow = Readonly<Record<(typeof RESULT_COLUMNS)[number], string | null>>;

/** What the comparison selects beside the differences. */
export interface ComparisonOptions {
  /** Only keys that start with this. */
  readonly prefix?: string;
  /** Not the keys that start with this (the reserved `_s3-dr/`). */
  readonly skipPrefix?: string;
  /**
   * `--locks`: also the replica's versions (not delete markers) without an Object Lock mode or
   * retain-until date, or retained less than `minimumMs` after their LastModifiedDate (no minimum:
   * only those without).
   */
  readonly locks?: { readonly minimumMs?: number };
}

/**
 * The comparison as one SQL text that Athena (Trino) and DuckDB both run: a full outer join of the
 * two reports on the key (current mode: latest entries only) or on key and version id
 * (`all-versions`). It returns the rows that differ (`row_type` 'difference'), then one row
 * (`row_type` 'count') with the number of keys compared. Athena inlines a WITH query at each use:
 * the join, so both reports, is read twice (the differences, then the count). Every value is cast to
 * VARCHAR so that both engines and every report format give the same text; the caller judges.
 * With `locks`, rows `lock` (a replica version whose retention falls short) and `lock-count` (the
 * replica versions checked) follow: the replica's report is read twice more.
 */
export function comparisonSql(
  source: InventoryTable,
  replica: InventoryTable,
  mode: ComparisonMode,
  options: ComparisonOptions = {},
): string {
  const side = (t: InventoryTable, locks: boolean) => `
    SELECT ${keyOf(t)} AS object_key,
      version_id,
      CAST(is_latest AS VARCHAR) AS is_latest,
      CAST(is_delete_marker AS VARCHAR) AS delete_marker,
      CAST(size AS VARCHAR) AS size,
      e_tag,
      last_modified_date AS last_modified,
      replication_status${
        locks
          ? `,
      NULLIF(object_lock_mode, '') AS lock_mode,
      NULLIF(CAST(object_lock_retain_until_date AS VARCHAR), '') AS retain_until`
          : ''
      }
    FROM ${t.name}
    WHERE dt = ${literal(t.dt)}`;
  const keyFilters = [
    ...(options.prefix
      ? [`substr(object_key, 1, ${[...options.prefix].length}) = ${literal(options.prefix)}`]
      : []),
    ...(options.skipPrefix
      ? [`substr(object_key, 1, ${[...options.skipPrefix].length}) <> ${literal(options.skipPrefix)}`]
      : []),
  ];
  const where = [...(mode === 'current' ? [`is_latest = 'true'`] : []), ...keyFilters];
  const latest = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const on =
    mode === 'current'
      ? 's.object_key = r.object_key'
      : 's.object_key = r.object_key AND s.version_id = r.version_id';
  const isVersion = (p: string) => `COALESCE(${p}_delete_marker, 'true') = 'false'`;
  const sameContent = `s_size = r_size AND COALESCE(s_etag, '') = COALESCE(r_etag, '')`;
  const differs =
    mode === 'current'
      ? `(${isVersion('s')} OR ${isVersion('r')}) AND NOT (${isVersion('s')} AND ${isVersion('r')} AND ${sameContent})`
      : `s_version_id IS NULL OR r_version_id IS NULL OR s_delete_marker <> r_delete_marker OR (${isVersion('s')} AND NOT (${sameContent}))`;
  const columns = RESULT_COLUMNS.slice(1, -1);
  // Keys compared, as verify counts them: with a current version on either side (the default), or
  // with any version or delete marker on either side (--all-versions).
  const compared =
    mode === 'current'
      ? `COUNT(*) FROM joined WHERE ${isVersion('s')} OR ${isVersion('r')}`
      : 'COUNT(DISTINCT object_key) FROM joined';
  // Versions (not delete markers) the replica holds of each key: what a delete marker hides there.
  const locks = options.locks;
  return `WITH source_rows AS (${side(source, false)}
),
replica_rows AS (${side(replica, locks !== undefined)}
),
replica_versions AS (
  SELECT object_key, COUNT(*) AS versions FROM replica_rows WHERE delete_marker = 'false' GROUP BY object_key
),
s AS (SELECT * FROM source_rows${latest}),
r AS (SELECT * FROM replica_rows${latest}),
joined AS (
  SELECT COALESCE(s.object_key, r.object_key) AS object_key,
    s.version_id AS s_version_id, s.delete_marker AS s_delete_marker, s.size AS s_size, s.e_tag AS s_etag,
    s.last_modified AS s_last_modified, s.replication_status AS s_replication_status,
    r.version_id AS r_version_id, r.delete_marker AS r_delete_marker, r.size AS r_size, r.e_tag AS r_etag,
    r.last_modified AS r_last_modified
  FROM s FULL OUTER JOIN r ON ${on}
)
SELECT 'difference' AS row_type, ${columns.map(selected).join(', ')}, CAST(NULL AS VARCHAR) AS compared
FROM (SELECT * FROM joined WHERE ${differs}) d
LEFT JOIN replica_versions v ON v.object_key = d.object_key
UNION ALL
SELECT 'count' AS row_type, ${nulls(columns)}, CAST(${compared.replace(' FROM', ' AS VARCHAR) AS compared\nFROM')}${locks ? lockRows(keyFilters, locks.minimumMs) : ''}`;
}

/**
 * The rows of --locks: each replica version (not a delete marker; under the key filters) without a
 * lock mode or retain-until date, or retained less than `minimumMs` after its LastModifiedDate;
 * then their number. Both times are compared as epoch milliseconds (epochMs).
 */
function lockRows(keyFilters: readonly string[], minimumMs: number | undefined): string {
  const versions = `replica_rows WHERE ${["delete_marker = 'false'", ...keyFilters].join(' AND ')}`;
  const short = [
    'lock_mode IS NULL',
    'retain_until IS NULL',
    ...(minimumMs === undefined
      ? []
      : [
          `${epochMs('retain_until')} < ${epochMs('CAST(last_modified AS VARCHAR)')} + ${Math.floor(minimumMs)}`,
        ]),
  ].join(' OR ');
  const row = (c: string) => {
    if (c === 'r_version_id') return 'version_id AS r_version_id';
    if (c === 'r_last_modified') return 'CAST(last_modified AS VARCHAR) AS r_last_modified';
    if (c === 'r_lock_mode') return 'lock_mode AS r_lock_mode';
    if (c === 'r_retain_until') return 'retain_until AS r_retain_until';
    return `CAST(NULL AS VARCHAR) AS ${c}`;
  };
  const columns = RESULT_COLUMNS.slice(2, -1);
  return `
UNION ALL
SELECT 'lock' AS row_type, object_key, ${columns.map(row).join(', ')}, CAST(NULL AS VARCHAR) AS compared
FROM (SELECT * FROM ${versions}) l
WHERE ${short}
UNION ALL
SELECT 'lock-count' AS row_type, ${nulls(RESULT_COLUMNS.slice(1, -1))}, CAST(COUNT(*) AS VARCHAR) AS compared
FROM ${versions}`;
}

/**
 * A report's time as epoch milliseconds, from its text: the same expression for every format and
 * both engines. CSV reports hold ISO-8601 text (`2026-01-02T03:04:05.000Z`), which Trino casts to a
 * timestamp only without the `T` and the zone; a Parquet or ORC timestamp prints as
 * `2026-01-02 03:04:05.000` (DuckDB may add `+00`, which its cast reads); AWS's Athena DDL declares
 * ObjectLockRetainUntilDate `bigint` for Parquet and ORC, which prints as epoch milliseconds
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-athena-query.html).
 */
function epochMs(text: string): string {
  return `CASE WHEN strpos(${text}, '-') = 0 THEN CAST(${text} AS BIGINT) ELSE date_diff('millisecond', TIMESTAMP '1970-01-01 00:00:00', CAST(replace(replace(${text}, 'T', ' '), 'Z', '') AS TIMESTAMP)) END`;
}

function nulls(columns: readonly string[]): string {
  return columns.map((c) => `CAST(NULL AS VARCHAR) AS ${c}`).join(', ');
}

/**
 * The object key as S3 names it. In a CSV report "the key name is URL-encoded and must be decoded"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory.html#storage-inventory-contents);
 * the docs do not say whether a space is `+` (form encoding) or `%20`. Both decode here: `+` is
 * replaced by a space first (Trino's url_decode does that itself, DuckDB's does not), then the
 * `%XX` escapes, so a `+` in a key must arrive as `%2B`, as both encodings write it. Parquet and
 * ORC keys are not encoded.
 */
function keyOf(t: InventoryTable): string {
  return t.format === 'CSV' ? `url_decode(replace("key", '+', ' '))` : '"key"';
}

/**
 * A result column of a difference row. Times are cast to text here, for the few rows that differ,
 * not for every row the join reads: that cast is most of the comparison's cost.
 */
function selected(column: string): string {
  if (column === 'r_versions') return 'CAST(v.versions AS VARCHAR) AS r_versions';
  if (column === 'r_lock_mode' || column === 'r_retain_until') return `CAST(NULL AS VARCHAR) AS ${column}`;
  if (column.endsWith('_last_modified')) return `CAST(d.${column} AS VARCHAR) AS ${column}`;
  return `d.${column}`;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
