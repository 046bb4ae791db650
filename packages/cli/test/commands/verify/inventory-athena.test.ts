import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { viewSql } from '../../../src/commands/verify/inventory/local';
import { type InventoryReport, REQUIRED_FIELDS } from '../../../src/commands/verify/inventory/reports';
import { RESULT_COLUMNS } from '../../../src/commands/verify/inventory/sql';
import { runCli } from '../../support/cli';
import {
  buildReport,
  FIELDS,
  type InventoryRow,
  inventoryRow,
  type ReportSpec,
} from '../../support/inventory';
import { createBucket, createLockedBucket, motoS3 } from '../../support/versioned';

// verify --inventory --engine athena: the reports are read from moto's S3 as for the local engine;
// Athena, which moto lacks, is mocked at the SDK client (request shapes from
// https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html,
// API_GetQueryExecution.html, API_GetQueryResults.html). The SQL text the CLI sends is run by DuckDB
// over the same reports, and its rows are what the mocked GetQueryResults pages return: what goes to
// Athena is a query that runs and gives the right answer.

const athena = mockClient(AthenaClient);
let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});
beforeEach(() => athena.reset());

const HOUR = 3_600_000;

const row = inventoryRow;

interface Fixture {
  readonly args: string[];
  /** Local copies of the two reports' data files, for DuckDB. */
  readonly local: { source: InventoryReport; replica: InventoryReport; files: [string[], string[]] };
}

/** Both reports in moto, and on local disk. */
async function fixture(
  format: ReportSpec['format'],
  sourceRows: InventoryRow[],
  replicaRows: InventoryRow[],
  /** A replica with Object Lock and this default retention, in days. */
  lockDays?: number,
) {
  const [source, replica, destination] = await Promise.all([
    createBucket(s3, 'ath-src'),
    lockDays === undefined ? createBucket(s3, 'ath-rep') : createLockedBucket(s3, 'ath-rep', lockDays),
    createBucket(s3, 'ath-ops', 'none'),
  ]);
  const createdAt = Date.now() - HOUR;
  const dir = mkdtempSync(join(tmpdir(), 'ath-'));
  const roots: string[] = [];
  const local: Partial<Fixture['local']> & { files: [string[], string[]] } = { files: [[], []] };
  for (const [i, [bucket, rows]] of (
    [
      [source, sourceRows],
      [replica, replicaRows],
    ] as const
  ).entries()) {
    const built = await buildReport({
      destination,
      sourceBucket: bucket,
      createdAt,
      format,
      rows: [...rows],
    });
    roots.push(built.root);
    for (const o of built.objects) {
      await s3.send(new PutObjectCommand({ Bucket: destination, Key: o.key, Body: o.body }));
      if (o.key.endsWith('manifest.json')) continue;
      const file = join(dir, `${i}-${local.files[i]?.length}${format === 'CSV' ? '.csv.gz' : '.parquet'}`);
      writeFileSync(file, o.body);
      local.files[i]?.push(file);
    }
    const report: InventoryReport = {
      root: built.root,
      destinationBucket: destination,
      sourceBucket: bucket,
      folder: '',
      dt: new Date(createdAt).toISOString().slice(0, 16).replace('T', '-').replace(':', '-'),
      createdAt,
      format,
      fields: format === 'CSV' ? [...FIELDS] : [...REQUIRED_FIELDS],
      files: [],
    };
    if (i === 0) local.source = report;
    else local.replica = report;
  }
  return {
    args: [
      '--source',
      source,
      '--replica',
      replica,
      'verify',
      '--inventory',
      '--workgroup',
      's3-dr-test',
      '--database',
      's3_dr_test',
      '--source-inventory',
      roots[0] as string,
      '--replica-inventory',
      roots[1] as string,
    ],
    local: local as Fixture['local'],
  };
}

/**
 * Runs `sql` in DuckDB over the fixture's files, with views named and typed as the Glue tables:
 * a Parquet report's ObjectLockRetainUntilDate, an int64 TIMESTAMP_MILLIS that DuckDB reads as a
 * timestamp, is `bigint` in the Athena DDL (inventoryColumns, after storage-inventory-athena-query.html),
 * so the SQL meets it as epoch milliseconds here as in Athena.
 */
async function runInDuckDb(sql: string, local: Fixture['local']): Promise<(string | null)[][]> {
  const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run('CREATE SCHEMA s3_dr_test');
    for (const [table, report, files] of [
      ['primary_inventory', local.source, local.files[0]],
      ['replica_inventory', local.replica, local.files[1]],
    ] as const) {
      await connection.run(viewSql(`s3_dr_test.${table}_files`, report, files));
      const glueTyped =
        report.format === 'Parquet'
          ? 'SELECT * REPLACE (epoch_ms(object_lock_retain_until_date) AS object_lock_retain_until_date)'
          : 'SELECT *';
      await connection.run(`CREATE VIEW s3_dr_test.${table} AS ${glueTyped} FROM s3_dr_test.${table}_files`);
    }
    const reader = await connection.runAndReadAll(sql);
    return reader.getRows() as (string | null)[][];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Athena answers with `states`, then pages of `rows()` (2 rows a page, header first). */
function athenaAnswers(states: QueryExecutionState[], columns: string[], rows: () => (string | null)[][]) {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  let call = 0;
  athena.on(GetQueryExecutionCommand).callsFake(() => {
    const state = states[Math.min(call++, states.length - 1)];
    return {
      QueryExecution: {
        QueryExecutionId: 'q-1',
        Status: {
          State: state,
          ...(state === 'FAILED' ? { StateChangeReason: 'TABLE_NOT_FOUND: line 1:1' } : {}),
        },
        Statistics: { DataScannedInBytes: 1536 * call },
      },
    };
  });
  athena.on(GetQueryResultsCommand).callsFake((input: { NextToken?: string }) => {
    const all = [columns, ...rows()];
    const pages = Array.from({ length: Math.ceil(all.length / 2) }, (_, i) => all.slice(2 * i, 2 * i + 2));
    const page = Number(input.NextToken ?? 0);
    return {
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: columns.map((c) => ({ Name: c, Type: 'varchar' })) },
        Rows: (pages[page] ?? []).map((values) => ({
          Data: values.map((v) => (v === null ? {} : { VarCharValue: v })),
        })),
      },
      ...(page + 1 < pages.length ? { NextToken: String(page + 1) } : {}),
    };
  });
}

const SOURCE = [
  row('same.txt'),
  row('ü b+c%.txt', { replicationStatus: 'FAILED' }),
  row('p.txt', { replicationStatus: 'PENDING' }),
  row('lost.txt'),
];
const REPLICA = [
  row('same.txt', { replicationStatus: 'REPLICA' }),
  row('extra.txt', { replicationStatus: 'REPLICA' }),
];

describe.each(['CSV', 'Parquet'] as const)('%s reports', (format) => {
  test('GIVEN a workgroup WHEN verifying by inventory THEN the SQL runs in the workgroup and its paged rows, as DuckDB computes them, make the report', async () => {
    const f = await fixture(format, SOURCE, REPLICA);
    // The SQL is known only once the CLI sent it: compute the answer then.
    let answer: (string | null)[][] = [];
    const columns = [...RESULT_COLUMNS];
    athenaAnswers(['QUEUED', 'RUNNING', 'SUCCEEDED'], columns, () => answer);
    athena.on(StartQueryExecutionCommand).callsFake(async (input: { QueryString: string }) => {
      answer = await runInDuckDb(input.QueryString, f.local);
      return { QueryExecutionId: 'q-1' };
    });

    const result = await runCli([...f.args, '--json']);

    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toMatchObject({
      WorkGroup: 's3-dr-test',
      QueryExecutionContext: { Database: 's3_dr_test' },
      QueryString: expect.stringContaining('FULL OUTER JOIN'),
    });
    expect(answer.length).toBeGreaterThan(2); // several result pages
    expect(result.stderr).toMatch(/athena: .* at most .* scanned, at most \$0\.\d\d at \$5 per TB/);
    expect(result.stderr).toMatch(/athena: query q-1 RUNNING, [\d.]+ KiB scanned, /);
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({
      engine: 'athena',
      keys: 5,
      counts: { failed: 1, pending: 1, missing: 1, extra: 1, mismatch: 0 },
    });
    expect(out.differences.map((d: { kind: string; key: string }) => `${d.kind} ${d.key}`).sort()).toEqual([
      'extra extra.txt',
      'failed ü b+c%.txt',
      'missing lost.txt',
      'pending p.txt',
    ]);
  });
});

describe.each(['CSV', 'Parquet'] as const)('%s reports, --locks', (format) => {
  test('GIVEN a replica with Object Lock WHEN verifying by inventory in Athena with --locks THEN the SQL finds the versions short of retention, typed as the Glue tables', async () => {
    const DAY = 86_400_000;
    const written = Date.now() - 3 * DAY;
    const lock = (key: string, days: number | undefined, mode: string | undefined = 'COMPLIANCE') =>
      row(key, {
        lastModified: written,
        replicationStatus: 'REPLICA',
        lockMode: mode,
        ...(days === undefined ? {} : { retainUntil: written + days * DAY }),
      });
    const replica = [lock('ok.txt', 30), lock('short.txt', 3), lock('none.txt', undefined, undefined)];
    const f = await fixture(
      format,
      replica.map((r) => ({ ...r, replicationStatus: 'COMPLETED' })),
      replica,
      30,
    );
    let answer: (string | null)[][] = [];
    athenaAnswers(['SUCCEEDED'], [...RESULT_COLUMNS], () => answer);
    athena.on(StartQueryExecutionCommand).callsFake(async (input: { QueryString: string }) => {
      answer = await runInDuckDb(input.QueryString, f.local);
      return { QueryExecutionId: 'q-1' };
    });

    const result = await runCli([...f.args, '--locks', '--json']);

    expect(result.stderr).toMatch(
      /twice \(the differences, then the count\), and the replica's twice more \(--locks\)/,
    );
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout);
    expect(out.counts).toMatchObject({ unlocked: 1, 'retention-short': 1, missing: 0 });
    expect(out.locks).toMatchObject({ checked: 3 });
    expect(out.differences.map((d: { kind: string; key: string }) => `${d.kind} ${d.key}`).sort()).toEqual([
      'retention-short short.txt',
      'unlocked none.txt',
    ]);
  });
});

test.each(['FAILED', 'CANCELLED'] as const)(
  'GIVEN the query ends %s WHEN verifying by inventory THEN it exits 1 naming the query, its state and reason, and judges nothing',
  async (state) => {
    const f = await fixture('CSV', SOURCE, REPLICA);
    athenaAnswers(['RUNNING', state], [], () => []);

    const result = await runCli(f.args);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`Athena query q-1 ${state} in workgroup s3-dr-test after .* scanned: .*nothing was judged`),
    );
    if (state === 'FAILED') expect(result.stderr).toContain('TABLE_NOT_FOUND');
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
    expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(0);
  },
);

test('GIVEN a scan above --max-scan WHEN verifying without --yes THEN it exits 2 before starting any query', async () => {
  const f = await fixture('CSV', SOURCE, REPLICA);

  const result = await runCli([...f.args, '--max-scan', '1KB']);

  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/more than --max-scan 1\.0 KiB: pass --yes to run it/);
  expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
});

/** An outputs file of a deployment with inventory, naming the fixture's buckets and reports. */
function outputsOf(f: { args: string[] }, extra: Record<string, string> = {}): string {
  const option = (name: string) => f.args[f.args.indexOf(name) + 1] as string;
  const outputs = join(mkdtempSync(join(tmpdir(), 'ath-')), 'outputs.json');
  writeFileSync(
    outputs,
    JSON.stringify({
      PrimaryBucketArn: `arn:aws:s3:::${option('--source')}`,
      ReplicaBucketArn: `arn:aws:s3:::${option('--replica')}`,
      InventoryLocationPrimary: option('--source-inventory'),
      InventoryLocationReplica: option('--replica-inventory'),
      AthenaWorkgroup: 's3-dr-prod',
      GlueDatabase: 's3_dr_prod',
      ...extra,
    }),
  );
  return outputs;
}

test('GIVEN the outputs of a deployment with inventory WHEN verifying by inventory THEN its reports, workgroup and database are used, and Athena is the default engine', async () => {
  const outputs = outputsOf(await fixture('CSV', SOURCE, REPLICA));
  athenaAnswers(['FAILED'], [], () => []);

  const result = await runCli(['--outputs', outputs, 'verify', '--inventory']);

  expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toMatchObject({
    WorkGroup: 's3-dr-prod',
    QueryExecutionContext: { Database: 's3_dr_prod' },
    QueryString: expect.stringContaining('"s3_dr_prod"."primary_inventory"'),
  });
  expect(result.code).toBe(1);
});

describe('a vault in another account (ReplicaAccount)', () => {
  test('GIVEN the outputs of a vault deployment with an Athena workgroup WHEN verifying by inventory without --engine THEN it compares locally and starts no query', async () => {
    const outputs = outputsOf(await fixture('CSV', SOURCE, SOURCE), { ReplicaAccount: '222222222222' });

    const result = await runCli(['--outputs', outputs, '--json', 'verify', '--inventory']);

    expect(result.stderr).not.toContain('--engine athena');
    expect(JSON.parse(result.stdout)).toMatchObject({ engine: 'local', verdict: 'ok' });
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  test.each([
    [['--engine', 'athena'], '--engine athena'],
    [['--workgroup', 'wg'], '--workgroup'],
  ])(
    'GIVEN a vault WHEN verifying by inventory with %j THEN the refusal names that option, exit 2',
    async (args, named) => {
      const outputs = outputsOf(await fixture('CSV', SOURCE, SOURCE), { ReplicaAccount: '222222222222' });

      const result = await runCli(['--outputs', outputs, 'verify', '--inventory', ...args]);

      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(
          `^s3-dr: ${named}: Athena does not query a vault's reports \\(the replica is in account 222222222222\\): use --engine local`,
        ),
      );
      expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
    },
  );
});
