import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { formatDuration } from '../../../shared/duration';
import { CliError, describeAwsError, EXIT } from '../../../shared/errors';
import { formatBytes } from '../../../shared/text';
import { RESULT_COLUMNS, type ResultRow } from './sql';

/**
 * Athena's price per TB scanned (US East (N. Virginia); other Regions may differ), with a 10 MB
 * minimum per query: https://aws.amazon.com/athena/pricing/ ("SQL queries", "per TB of data scanned").
 */
export const ATHENA_USD_PER_TB = 5;
const TB = 1024 ** 4;
const MIN_BILLED = 10 * 1024 ** 2;

/** What a query of `bytes` costs at most, in USD. */
export function athenaCost(bytes: number): number {
  return (Math.max(bytes, MIN_BILLED) / TB) * ATHENA_USD_PER_TB;
}

export interface AthenaRun {
  readonly workgroup: string;
  readonly database: string;
  readonly sql: string;
  /** Progress lines (state, bytes scanned, elapsed). */
  readonly progress: (text: string) => void;
  readonly signal?: AbortSignal;
}

/** GetQueryExecution every 250 ms at first, then less often, every 2 s at most. */
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2000;

/**
 * Runs `sql` in the workgroup (whose settings say where results go and how they are encrypted),
 * polls it until it ends, then yields its result rows page by page (GetQueryResults, 1000 rows a
 * page). FAILED or CANCELLED: an error naming the query and Athena's reason. Interrupted: the query
 * is stopped (StopQueryExecution), so that it scans no further.
 */
export async function* runAthena(athena: AthenaClient, run: AthenaRun): AsyncGenerator<ResultRow[]> {
  let id: string;
  try {
    const started = await athena.send(
      new StartQueryExecutionCommand({
        QueryString: run.sql,
        WorkGroup: run.workgroup,
        QueryExecutionContext: { Database: run.database },
      }),
    );
    id = started.QueryExecutionId as string;
  } catch (err) {
    throw describeAwsError(err, `Athena workgroup ${run.workgroup}`, 'Athena');
  }
  const startedAt = Date.now();
  for (let wait = FIRST_POLL_MS; ; wait = Math.min(2 * wait, MAX_POLL_MS)) {
    if (run.signal?.aborted) {
      await athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
      throw new CliError(`interrupted: Athena query ${id} stopped; nothing was judged`, EXIT.findings);
    }
    const { QueryExecution: q } = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = q?.Status?.State ?? 'UNKNOWN';
    const scanned = q?.Statistics?.DataScannedInBytes ?? 0;
    run.progress(
      `athena: query ${id} ${state}, ${formatBytes(scanned)} scanned, ${formatDuration(Date.now() - startedAt)}`,
    );
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED' || state === 'CANCELLED') {
      const reason =
        q?.Status?.StateChangeReason ?? q?.Status?.AthenaError?.ErrorMessage ?? 'no reason given';
      throw new CliError(
        `Athena query ${id} ${state} in workgroup ${run.workgroup} after ${formatBytes(scanned)} scanned: ${reason}; nothing was judged`,
        EXIT.findings,
      );
    }
    await new Promise<void>((resolve) => setTimeout(resolve, wait));
  }
  let token: string | undefined;
  let first = true;
  do {
    const page: GetQueryResultsCommandOutput = await athena.send(
      new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }),
    );
    const names = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
    // The first row of the first page repeats the column names (a SELECT's header row).
    const rows = (page.ResultSet?.Rows ?? []).slice(first ? 1 : 0);
    first = false;
    yield rows.map((r) => {
      const values = new Map(names.map((n, i) => [n, r.Data?.[i]?.VarCharValue ?? null]));
      return Object.fromEntries(RESULT_COLUMNS.map((c) => [c, values.get(c) ?? null])) as ResultRow;
    });
    token = page.NextToken;
  } while (token);
}
