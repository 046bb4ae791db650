import { INVENTORY_TABLES } from 's3-dr-naming';
import { CliError } from '../../../shared/errors';
import type { InventoryReport } from './reports';
import { type ComparisonMode, comparisonSql, RESULT_COLUMNS, type ResultRow } from './sql';

/** The table names the SQL reads, in DuckDB as in the deployment's Glue database. */
export const TABLES = { source: INVENTORY_TABLES.primary, replica: INVENTORY_TABLES.replica } as const;

/**
 * Refuses ORC reports before anything is downloaded: the DuckDB bundled here reads CSV and Parquet;
 * its ORC reader is an extension that DuckDB downloads on first use (INSTALL orc), which this CLI
 * does not do (it may run where nothing can be downloaded, and would run code it did not ship).
 */
export function assertLocalFormats(reports: readonly InventoryReport[]): void {
  const orc = reports.find((r) => r.format === 'ORC');
  if (orc) {
    throw new CliError(
      `--engine local: ${orc.root}${orc.folder} is an ORC report, and the DuckDB of --engine local reads CSV and Parquet only: use --engine athena, or set the inventory's format to Parquet or CSV (the stack's inventoryFormat) and compare the next reports`,
    );
  }
}

/**
 * Runs the comparison in DuckDB (in memory, spilling to `dir`) over local copies of the two
 * reports: one view per report with the Athena table's columns, then the same SQL text Athena runs.
 * Yields the result rows in chunks, never all at once.
 */
export async function* runLocal(
  reports: { source: InventoryReport; replica: InventoryReport },
  files: { source: readonly string[]; replica: readonly string[] },
  mode: ComparisonMode,
  dir: string,
  keys: Parameters<typeof comparisonSql>[3] = {},
): AsyncGenerator<ResultRow[]> {
  // Loaded on first use: a native module only this engine needs.
  const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', {
    temp_directory: dir,
    // Peak memory bounded; DuckDB spills joins to temp_directory beyond it.
    memory_limit: process.env.S3_DR_DUCKDB_MEMORY ?? '1GB',
  });
  const connection = await instance.connect();
  try {
    await connection.run(viewSql(TABLES.source, reports.source, files.source));
    await connection.run(viewSql(TABLES.replica, reports.replica, files.replica));
    const sql = comparisonSql(
      { name: TABLES.source, dt: reports.source.dt, format: reports.source.format },
      { name: TABLES.replica, dt: reports.replica.dt, format: reports.replica.format },
      mode,
      keys,
    );
    const result = await connection.stream(sql);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const rows = chunk.getRows() as (string | null)[][];
      yield rows.map(
        (values) => Object.fromEntries(RESULT_COLUMNS.map((c, i) => [c, values[i] ?? null])) as ResultRow,
      );
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * A view named like the Athena table over a report's local files: the Athena DDL's column names
 * (snake case of the manifest's field names), CSV fields read as text, and the report's `dt`.
 */
export function viewSql(name: string, report: InventoryReport, files: readonly string[]): string {
  const list = `[${files.map(quote).join(', ')}]`;
  const dt = `${quote(report.dt)} AS dt`;
  if (report.format === 'Parquet') {
    return `CREATE VIEW ${name} AS SELECT *, ${dt} FROM read_parquet(${list})`;
  }
  const columns = report.fields.map((f) => `${quote(snakeCase(f))}: 'VARCHAR'`).join(', ');
  return `CREATE VIEW ${name} AS SELECT *, ${dt} FROM read_csv(${list}, columns = {${columns}}, header = false, quote = '"', escape = '"', delim = ',', compression = 'gzip', auto_detect = false)`;
}

/** `ETag` -> `e_tag`, `IsDeleteMarker` -> `is_delete_marker` (Athena's names for the fields). */
export function snakeCase(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
