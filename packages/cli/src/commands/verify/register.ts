import { Option } from 'commander';
import type { Register } from '../../shared/context';
import { formatDuration, parseDuration } from '../../shared/duration';
import { CliError } from '../../shared/errors';
import type { VerifyOptions } from './action';

const DEFAULT_GRACE_MS = 15 * 60_000;

const HELP = `
What is compared:
  default         the current state of every key: present (size and ETag) or deleted
  --all-versions  every version and delete marker, by version id (replication keeps ids)

Each difference is one of:
  missing   in the source, not in the replica, older than --grace; its detail says whether the
            replica has no version of the key or a delete marker there hides it (a delete made in
            the replica, or a replicated delete whose later write did not follow; the report's
            replica.deleteMarker is then true)
  mismatch  in both, with a different size (or ETag, where ETags are comparable)
  pending   a difference younger than --grace: replication may still be on its way
  extra     present in the replica only
  hint      not counted: same size but different ETags on an SSE-KMS bucket, whose ETags are
            not MD5 digests and differ between source and replica

Cost: list requests only, no request per object: ceil(current objects/1000) per bucket
(ListObjectsV2), or ceil(versions/1000) per bucket with --all-versions (ListObjectVersions),
plus a few: each bucket is listed as several key ranges at once, half of --concurrency each
(--concurrency 2: page after page). In the default mode, each missing key costs one more
ListObjectVersions of the replica (prefix: the key): ListObjectsV2 does not show a delete marker.
Listings carry no ReplicationStatus (PENDING/FAILED), so "pending" is judged by the age of the
source's entry against --grace; in the default mode a delete that is not replicated yet shows as
extra. Keys under _s3-dr/ (s3-dr's probes) are skipped unless --include-reserved.

--inventory compares the buckets' S3 Inventory reports instead of listings (the newest report of
each configuration, or of --inventory-date; each data file's MD5 checked against its manifest):
no request to either bucket beyond GetBucketEncryption, and what only inventory knows:
  failed    the source's report says ReplicationStatus FAILED and the replica lacks it (fix:
            s3-dr backfill --from-report <--report or --failed-manifest file>)
  pending   the source's report says ReplicationStatus PENDING
Entries written or deleted after the older of the two reports, less --grace (how long replication
may take to reach the other report), are not judged: the summary counts them. A FAILED entry is
judged whatever its age: S3 does not retry a failed replication.
--failed-manifest <file> writes the source version of each failed and missing entry as an S3
Batch Operations CSV manifest (bucket,key,versionId, keys URL-encoded, no header; missing delete
markers left out: Batch Replication copies objects); s3-dr backfill --from-report <file> takes it.
--locks (a replica with Object Lock, as replicaObjectLock deploys it) also checks every version
(not delete marker) in the replica's report, noncurrent ones too, against the replica bucket's
default retention (GetObjectLockConfiguration):
  unlocked         no ObjectLockMode or no ObjectLockRetainUntilDate: no retention period
                   protects it
  retention-short  retained less than its LastModifiedDate + the default retention, less 1 day (a
                   version written before the default was raised keeps its shorter retention)
Both count as failures (exit 1). A replica without Object Lock is refused.
--engine local downloads both reports to a temporary directory (TMPDIR) and runs the comparison
in DuckDB (CSV and Parquet reports; an ORC report is refused: use --engine athena); it is the
default with a vault in another account, whose reports only its own credentials read. --engine
athena (the default with --workgroup or the stack's AthenaWorkgroup) runs the same SQL as one
Athena query over the Glue tables primary_inventory and replica_inventory of --database: it
prints the bytes it may scan and their cost first, asks for --yes above --max-scan, shows the
query's state, bytes scanned and time on stderr while it runs.

The last line is the verdict: OK only when every key was seen in the replica as in the source;
WARN when nothing is missing or mismatched but keys are pending or extra, or (--inventory) too
recent for the reports to judge (it counts them); FAIL
when anything is missing or mismatched (or failed, unlocked or retention-short).

Exit codes:
  0  no key missing for longer than --grace and no mismatch (pending and extra keys may remain:
     the last line then says WARN and counts them)
  1  something is missing or mismatched (or, with --inventory, failed, unlocked or
     retention-short); or, with --strict, pending, extra or not judged; or nothing was compared (no key under
     --prefix in either bucket); or the run was interrupted; or source and replica are the same
     bucket
  2  usage error, no credentials, no access, or a bucket that does not exist

Examples:
  $ s3-dr verify --env prod
  $ s3-dr verify --source my-bucket --replica my-bucket-dr --prefix invoices/ --report diff.jsonl
  $ s3-dr verify --env prod --all-versions --grace 1h --strict --json
  $ s3-dr verify --outputs cfn-outputs/flat-outputs.json --inventory --locks --failed-manifest failed.csv
`;

function parseDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new CliError(`--inventory-date must be a day as YYYY-MM-DD, got '${value}'`);
  }
  return value;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
};

/** `500GB`, `1TB`, `1.5TB` (binary units: a TB is 1024^4 bytes). */
function parseSize(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)$/i.exec(value.trim());
  const bytes = match ? Number(match[1]) * (SIZE_UNITS[(match[2] as string).toUpperCase()] ?? 0) : Number.NaN;
  if (!(bytes > 0)) throw new CliError(`--max-scan must be a size such as 500GB or 1TB, got '${value}'`);
  return bytes;
}

export const registerVerify: Register = (program, bind) => {
  program
    .command('verify')
    .summary('prove that the replica holds what the source holds')
    .description(
      'Compares the listings of the source and replica buckets of the target (--env, --outputs or ' +
        '--source/--replica) and reports every key that is missing, pending, different or extra.',
    )
    .option('--prefix <prefix>', 'compare only keys that start with this prefix')
    .option('--all-versions', 'compare every version and delete marker by version id', false)
    .addOption(
      new Option('--grace <duration>', 'differences younger than this count as pending (e.g. 30s, 15m, 2h)')
        .argParser(parseDuration('--grace', { allowZero: true }))
        .default(DEFAULT_GRACE_MS, formatDuration(DEFAULT_GRACE_MS)),
    )
    .option('--strict', 'exit 1 on pending and extra differences too', false)
    .option('--report <file>', 'write every difference to this file as JSON lines')
    .option('--include-reserved', 'also compare keys under the reserved prefix _s3-dr/', false)
    .option('--inventory', "compare the buckets' S3 Inventory reports instead of listing them", false)
    .option('--source-inventory <s3-uri>', "--inventory: root of the source's inventory configuration")
    .option('--replica-inventory <s3-uri>', "--inventory: root of the replica's inventory configuration")
    .addOption(
      new Option(
        '--inventory-date <YYYY-MM-DD>',
        "--inventory: compare that day's reports, not the newest",
      ).argParser(parseDate),
    )
    .addOption(
      new Option('--engine <engine>', '--inventory: where the comparison runs').choices(['local', 'athena']),
    )
    .option(
      '--workgroup <name>',
      '--inventory: the Athena workgroup (--engine athena, its default when given)',
    )
    .option('--database <name>', '--inventory: the Glue database of the inventory tables (--engine athena)')
    .addOption(
      new Option(
        '--max-scan <size>',
        // No commander default (inventory/action.ts applies it): an unset option is one not given,
        // which verify refuses without --inventory.
        '--inventory --engine athena: ask for --yes above this scan (e.g. 500GB, 1TB; default: 1TB)',
      ).argParser(parseSize),
    )
    .option('--yes', '--inventory --engine athena: run a query that may scan more than --max-scan')
    .option(
      '--failed-manifest <file>',
      '--inventory: write the source versions of the failed and missing entries to this file as an S3 Batch Operations CSV manifest (bucket,key,versionId; keys URL-encoded), which s3-dr backfill --from-report takes',
    )
    .option(
      '--locks',
      "--inventory: also report the replica's versions without Object Lock retention, or retained less than the replica bucket's default retention",
      false,
    )
    .addHelpText('after', HELP)
    .action(
      bind<VerifyOptions>(async (ctx, options) => {
        // Required on first use, not at start-up: verifying loads the S3 client.
        const { verify } = require('./action') as typeof import('./action');
        return verify(ctx, options);
      }),
    );
};
