import { INVENTORY_OUTPUT_KEYS, RESERVED_PREFIX, stackName } from 's3-dr-naming';
import { openFileManifest } from '../../../shared/batch/manifest';
import { bucketUsesKms } from '../../../shared/buckets';
import type { CommandContext } from '../../../shared/context';
import { formatDuration } from '../../../shared/duration';
import { CliError } from '../../../shared/errors';
import { interruptSignal } from '../../../shared/interrupt';
import { assertBucketsExist, s3ForTarget } from '../../../shared/preflight';
import { createProgress } from '../../../shared/progress';
import { locateBucket } from '../../../shared/regions';
import { openReport } from '../../../shared/report';
import type { Target } from '../../../shared/target';
import { count, formatBytes } from '../../../shared/text';
import { printSummary, type Summarized, type VerifyOptions } from '../action';
import { DIFFERENCE_KINDS } from '../compare';
import { ATHENA_USD_PER_TB, athenaCost, runAthena } from './athena';
import { describeFiles, downloadReports } from './download';
import { type InventoryDifference, type InventoryKind, LOCK_KINDS, RowJudge } from './judge';
import { assertLocalFormats, runLocal, TABLES } from './local';
import { locksNote, replicaLocks } from './locks';
import { findReport, type InventoryReport, parseInventoryRoot, reportBytes } from './reports';
import { comparisonSql, type ResultRow } from './sql';

/**
 * `s3-dr verify --inventory`: compares the two buckets' S3 Inventory reports (the newest of each,
 * or of --inventory-date) instead of listing them, in DuckDB on this machine (`--engine local`) or
 * in Athena (`--engine athena`), and reports as verify does. Reads the reports only: nothing is
 * written to either bucket.
 */
export async function verifyInventory(ctx: CommandContext, options: VerifyOptions): Promise<number> {
  const target = await ctx.target();
  const locations = inventoryLocations(options, target);
  const engine = engineOf(options, target);
  // Each request goes to its bucket's region: a cross-region pair's replica reports live in an ops
  // bucket of the replica's region (an inventory's destination is in its source bucket's region).
  const regions = new Map(await assertBucketsExist(ctx.clients(), target));
  const sourceReports = parseInventoryRoot('--source-inventory', locations.source).bucket;
  const replicaReports = parseInventoryRoot('--replica-inventory', locations.replica).bucket;
  // A vault's reports are in its own ops bucket, in its account: read with the replica side's
  // credentials (unless both reports share one bucket, which is then the primary's).
  const replicaSide = replicaReports === sourceReports ? [] : [replicaReports];
  for (const [bucket, clients] of [
    [sourceReports, ctx.clients()],
    [replicaReports, replicaSide.length ? ctx.clients().replicaSide : ctx.clients()],
  ] as const) {
    if (!regions.has(bucket)) regions.set(bucket, await locateBucket(clients, bucket));
  }
  const s3 = s3ForTarget(ctx.clients(), target, regions, replicaSide);
  const found = await Promise.allSettled([
    findReport(s3, '--source-inventory', locations.source, target.source, options.inventoryDate),
    findReport(s3, '--replica-inventory', locations.replica, target.replica, options.inventoryDate),
  ]);
  // When both fail, the source's error, whichever came first: the same input, the same line.
  for (const f of found) if (f.status === 'rejected') throw f.reason;
  const [source, replica] = found.map((f) => (f as PromiseFulfilledResult<InventoryReport>).value) as [
    InventoryReport,
    InventoryReport,
  ];
  // Refusals come before any file is written or any query started.
  const locks = options.locks ? await replicaLocks(s3, replica) : undefined;
  if (engine === 'local') assertLocalFormats([source, replica]);
  const athena = engine === 'athena' ? athenaSettings(options, target) : undefined;
  if (athena) checkScan(ctx, options, source, replica, locks !== undefined);
  const now = Date.now();
  // A report is a snapshot: an entry written shortly before the older report may be in one report
  // and not yet replicated into the other's; --grace is how long replication may take.
  const olderReport = Math.min(source.createdAt, replica.createdAt);
  const cutoff = olderReport - options.grace;
  const [sourceKms, replicaKms] = await Promise.all([
    bucketUsesKms(s3, target.source),
    bucketUsesKms(s3, target.replica),
  ]);
  const mode = options.allVersions ? 'all-versions' : 'current';
  const judge = new RowJudge(mode, cutoff, !sourceKms && !replicaKms, locks);
  const report = await openReport(options.report);
  const failedManifest = options.failedManifest
    ? await openFileManifest(options.failedManifest, '--failed-manifest file')
    : undefined;
  /** Missing delete markers, left out of --failed-manifest: Batch Replication copies objects. */
  let markersLeftOut = 0;
  const progress = createProgress(ctx.io, 'verify: differences judged');
  const interrupt = interruptSignal(() =>
    ctx.io.stderr('\ns3-dr: interrupted, stopping (Ctrl-C again to quit at once)\n'),
  );
  const kinds = [...DIFFERENCE_KINDS, 'failed', ...(locks ? LOCK_KINDS : [])];
  const counts = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<InventoryKind, number>;
  const sample: InventoryDifference[] = [];
  const hints: InventoryDifference[] = [];
  let hiddenInReplica = 0;
  const take = async (rows: readonly ResultRow[]) => {
    for (const row of rows) {
      for (const d of judge.judge(row)) {
        counts[d.kind]++;
        if (d.kind === 'missing' && d.replica?.deleteMarker) hiddenInReplica++;
        const bucket = d.kind === 'hint' ? hints : sample;
        if (bucket.length < 20) bucket.push(d);
        await report.write(d);
        // What backfill --from-report replicates: the source version of failed and missing entries.
        if (failedManifest && (d.kind === 'failed' || d.kind === 'missing') && d.source) {
          if (d.source.deleteMarker) markersLeftOut++;
          else await failedManifest.add({ bucket: target.source, key: d.key, versionId: d.source.versionId });
        }
        progress.tick();
      }
    }
  };
  const selection = {
    prefix: options.prefix,
    skipPrefix: options.includeReserved ? undefined : RESERVED_PREFIX,
    locks: locks && { minimumMs: locks.minimumMs },
  };
  try {
    if (engine === 'local') {
      ctx.io.stderr(
        `verify: downloading the source's report (${describeFiles(source)}) and the replica's (${describeFiles(replica)})\n`,
      );
      const local = await downloadReports(s3, [source, replica], ctx.options.concurrency, interrupt.signal);
      try {
        // Interrupted while downloading: the files are incomplete, nothing is compared.
        const rows = interrupt.signal.aborted
          ? []
          : runLocal(
              { source, replica },
              { source: local.files[0] ?? [], replica: local.files[1] ?? [] },
              mode,
              local.dir,
              selection,
            );
        for await (const chunk of rows) {
          await take(chunk);
          if (interrupt.signal.aborted) break;
        }
      } finally {
        await local.remove();
      }
    } else if (athena) {
      const sql = comparisonSql(
        { name: `"${athena.database}"."${TABLES.source}"`, dt: source.dt, format: source.format },
        { name: `"${athena.database}"."${TABLES.replica}"`, dt: replica.dt, format: replica.format },
        mode,
        selection,
      );
      const rows = runAthena(ctx.clients().athena, {
        ...athena,
        sql,
        progress: (text) => ctx.io.stderr(`${text}\n`),
        signal: interrupt.signal,
      });
      for await (const chunk of rows) await take(chunk);
    }
  } finally {
    interrupt.release();
    progress.done();
    await report.close();
    await failedManifest?.close();
  }
  const result: Summarized = {
    keys: judge.judgement.compared,
    counts,
    hiddenInReplica,
    sample: [...sample, ...hints].slice(0, 20),
    etagsComparable: !sourceKms && !replicaKms,
    encryptionUnknown: [
      ...(sourceKms === undefined ? [target.source] : []),
      ...(replicaKms === undefined ? [target.replica] : []),
    ],
    interrupted: interrupt.signal.aborted,
    notJudged: judge.judgement.unjudged,
  };
  const unjudged = judge.judgement.unjudged;
  return printSummary(ctx, {
    source: target.source,
    replica: target.replica,
    options,
    result,
    basis: 'inventory reports',
    details: [
      `  source  report ${source.folder} (${age(now, source)} old, ${source.format}): ${source.root}`,
      `  replica report ${replica.folder} (${age(now, replica)} old, ${replica.format}): ${replica.root}`,
      ...(unjudged
        ? [
            `  ${count(unjudged, 'difference')} not judged: written or deleted after ${new Date(cutoff).toISOString()} (the older report less --grace ${formatDuration(options.grace)}), so one report may not show it yet`,
          ]
        : []),
    ],
    notes: [
      ...(failedManifest
        ? [manifestNote(options.failedManifest as string, failedManifest.count, markersLeftOut)]
        : []),
      ...(locks ? [locksNote(locks, judge.judgement.locksChecked)] : []),
    ],
    json: {
      basis: 'inventory',
      engine,
      reports: { source: reportJson(source, now), replica: reportJson(replica, now) },
      notJudged: unjudged,
      ...(locks && {
        locks: {
          checked: judge.judgement.locksChecked,
          defaultRetention: locks.describe,
          minimumDays: locks.minimumMs === undefined ? null : locks.minimumMs / 86_400_000,
        },
      }),
    },
  });
}

/** What --failed-manifest holds, and what it left out. */
function manifestNote(path: string, versions: number, markers: number): string {
  const leftOut = markers
    ? `; ${count(markers, 'missing delete marker')} left out (Batch Replication copies objects)`
    : '';
  return versions
    ? `${count(versions, 'failed or missing object version')} written to ${path} (an S3 Batch Operations CSV manifest)${leftOut}: s3-dr backfill --from-report ${path} replicates them`
    : `no failed or missing object version: ${path} is empty${leftOut}`;
}

/**
 * --engine, else `athena` with a workgroup (--workgroup or the stack's AthenaWorkgroup), else
 * `local`. With a vault, `local` whatever the stack says: the vault's reports are readable only with
 * its own credentials, and the primary's stack has no table over them.
 */
function engineOf(options: VerifyOptions, target: Target): 'local' | 'athena' {
  const chosen = options.engine
    ? `--engine ${options.engine}`
    : options.workgroup
      ? '--workgroup'
      : undefined;
  if (!target.replicaAccount) {
    return options.engine ?? ((options.workgroup ?? target.inventory?.athenaWorkgroup) ? 'athena' : 'local');
  }
  if (chosen && chosen !== '--engine local') {
    throw new CliError(
      `${chosen}: Athena does not query a vault's reports (the replica is in account ${target.replicaAccount}): use --engine local (the default with a vault), which downloads each report with its own side's credentials (--replica-profile or --replica-role-arn for the vault's)`,
    );
  }
  return 'local';
}

/** The default of --max-scan: 1 TiB. */
export const DEFAULT_MAX_SCAN = 1024 ** 4;

/** Prints the bytes the query may scan and their cost; refuses above --max-scan without --yes. */
function checkScan(
  ctx: CommandContext,
  options: VerifyOptions,
  source: InventoryReport,
  replica: InventoryReport,
  locks: boolean,
): void {
  // --locks reads the replica's report twice more: the versions short of retention, then their count.
  const bytes = 2 * (reportBytes(source) + reportBytes(replica)) + (locks ? 2 * reportBytes(replica) : 0);
  ctx.io.stderr(
    `athena: the query reads the two reports (${formatBytes(reportBytes(source))} + ${formatBytes(reportBytes(replica))}) twice (the differences, then the count)${locks ? ", and the replica's twice more (--locks)" : ''}: at most ${formatBytes(bytes)} scanned, at most $${athenaCost(bytes).toFixed(2)} at $${ATHENA_USD_PER_TB} per TB (https://aws.amazon.com/athena/pricing/)\n`,
  );
  const maxScan = options.maxScan ?? DEFAULT_MAX_SCAN;
  if (bytes > maxScan && !options.yes) {
    throw new CliError(
      `athena: the query may scan ${formatBytes(bytes)}, more than --max-scan ${formatBytes(maxScan)}: pass --yes to run it (or a larger --max-scan); nothing was run`,
    );
  }
}

/** The workgroup and database: the options', else the stack's (AthenaWorkgroup, GlueDatabase). */
function athenaSettings(options: VerifyOptions, target: Target): { workgroup: string; database: string } {
  const workgroup = options.workgroup ?? target.inventory?.athenaWorkgroup;
  const database = options.database ?? target.inventory?.glueDatabase;
  if (!workgroup || !database) {
    throw new CliError(
      `--engine athena needs the Athena workgroup and the Glue database of the tables ${TABLES.source} and ${TABLES.replica}: from the stack (--env/--outputs of a deployment with inventory) or --workgroup and --database`,
    );
  }
  return { workgroup, database };
}

/** The reports' roots: the options', else the stack's (InventoryLocationPrimary/Replica). */
function inventoryLocations(options: VerifyOptions, target: Target): { source: string; replica: string } {
  const source = options.sourceInventory ?? target.inventory?.primary;
  const replica = options.replicaInventory ?? target.inventory?.replica;
  if (!source || !replica) {
    throw new CliError(
      `--inventory needs the reports' locations: ${whyNoLocations(target)}; pass --source-inventory and --replica-inventory, each s3://<destination>/<prefix>/<source-bucket>/<configuration-id>/, the root of one inventory configuration${target.origin === 'naming' ? ', or --outputs <file> of the deployment' : ''}`,
    );
  }
  return { source, replica };
}

/** Why the target gave no report locations (the outputs InventoryLocationPrimary/Replica). */
function whyNoLocations(target: Target): string {
  const outputs = `${INVENTORY_OUTPUT_KEYS.inventoryLocationPrimary}/${INVENTORY_OUTPUT_KEYS.inventoryLocationReplica}`;
  switch (target.origin) {
    case 'naming':
      // The naming contract names the buckets, not the reports: a cross-region replica's reports
      // are in an ops bucket of its own region, which the suffix alone does not tell.
      return `stack ${stackName(target.suffix as string)} was not readable (no such stack in this --region, or no cloudformation:DescribeStacks), so the bucket names came from the naming contract, which does not name the reports`;
    case 'stack':
    case 'outputs':
      return `the ${target.origin === 'stack' ? `stack ${stackName(target.suffix as string)}` : '--outputs file'} has no ${outputs} (a deployment without inventory)`;
    case 'explicit':
      return '--source/--replica name the buckets, not their reports';
  }
}

function age(now: number, report: InventoryReport): string {
  return formatDuration(Math.max(0, now - report.createdAt));
}

function reportJson(report: InventoryReport, now: number) {
  return {
    location: report.root,
    folder: report.folder,
    createdAt: new Date(report.createdAt).toISOString(),
    ageSeconds: Math.round((now - report.createdAt) / 1000),
    format: report.format,
    files: report.files.length,
  };
}
