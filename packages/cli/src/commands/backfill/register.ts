import { Option } from 'commander';
import { DEFAULT_JOB_POLL_MS } from '../../shared/batch/jobs';
import type { Register } from '../../shared/context';
import { positiveInt } from '../../shared/context';
import { formatDuration, parseDuration } from '../../shared/duration';
import type { BackfillOptions } from './action';

const HELP = `
Live replication never copies objects written before the rule existed (replication status NONE)
and never retries those whose replication FAILED. backfill hands them to S3 Batch Replication: one
S3 Batch Operations job (S3ReplicateObject) on the source bucket, whose manifest S3 generates from
the replication configuration, filtered by replication status (--status), --prefix and creation
time; or, with --from-report, a CSV manifest of exactly the keys a verify --report found missing.

--from-report also takes a CSV manifest as S3 Batch Operations reads one (bucket,key[,versionId],
keys URL-encoded, no header), such as verify --inventory --failed-manifest writes: every line's
bucket must be the source; a line without a version id gets the key's current version (HeadObject).

--from-report takes the report of either verify mode. A line with a version id (--all-versions)
names that version. A line without one (the default mode: ListObjectsV2 lists no version ids) gets
the key's current version from HeadObject (one request per key; s3:GetObject on the source), and
only if it is still the version the report saw (same ETag, size and time): a key deleted or written
again since the report is left out, and the plan counts it. Missing delete markers are left out
too (Batch Replication copies objects). The plan says what the manifest holds and what it leaves
out; a report whose every line is left out creates nothing and says why (exit 1 when keys were
written again since: run verify again).

The job runs as the deployment's Batch Operations role (s3-dr-batch-role-<suffix>) and writes its
manifest and completion report to the ops bucket (s3-dr-ops-<suffix>-<account>); for a pair that
s3-dr did not deploy, pass --ops-bucket and --role-arn. The job runs in the source bucket's region,
whatever --region says, and the ops bucket must be there too: S3 writes the manifest it generates
only to a bucket in the source's region. backfill prints the plan first and creates
the job only with --yes, without a confirmation step. --wait follows it (progress on stderr) and
summarizes the failed tasks by replication failure reason, with the fix for the common ones.

Cost: S3 Batch Operations charges per job and per object, plus the replication itself.

Exit code 0: planned, created, or (with --wait / --job) complete without failed tasks; 1: the job
failed, was cancelled or has failed tasks, or is still running, or --from-report left out every
line and some keys were written again since the report; 2: usage, access or target errors.

Examples:
  $ s3-dr backfill --env prod
  $ s3-dr backfill --env prod --status failed --yes --wait
  $ s3-dr verify --env prod --report missing.jsonl; s3-dr backfill --env prod --from-report missing.jsonl --yes
  $ s3-dr backfill --env prod --job 8a3c1f2e-…
`;

export const registerBackfill: Register = (program, bind) => {
  program
    .command('backfill')
    .summary('replicate what live replication never will (S3 Batch Replication)')
    .description(
      'Creates an S3 Batch Replication job for the source objects never replicated (status NONE) or ' +
        'whose replication FAILED. Prints the plan first; creates the job only with --yes.',
    )
    .option(
      '--status <list>',
      'replication statuses to replicate: none, failed or none,failed',
      'none,failed',
    )
    .option('--prefix <prefix>', 'only keys that start with this prefix')
    .option('--created-after <time>', 'only objects created after this ISO-8601 time')
    .option('--created-before <time>', 'only objects created before this ISO-8601 time')
    .option(
      '--from-report <file>',
      'replicate exactly the missing (and failed) keys of a verify --report file, or the versions of a CSV manifest (verify --inventory --failed-manifest)',
    )
    .option('--job <id>', 'show an existing job (with --wait: follow it to the end)')
    .option('--yes', 'create the job', false)
    .option('--wait', 'follow the job until it ends and summarize its completion report', false)
    .addOption(
      new Option('--poll-interval <duration>', "with --wait: how often to read the job's status")
        .argParser(parseDuration('--poll-interval'))
        .default(DEFAULT_JOB_POLL_MS, formatDuration(DEFAULT_JOB_POLL_MS)),
    )
    // The former --poll <seconds>, kept for scripts that pass it.
    .addOption(new Option('--poll <seconds>').argParser(positiveInt('--poll')).hideHelp())
    .option(
      '--ops-bucket <bucket>',
      "bucket for manifests and reports (default: the deployment's ops bucket)",
    )
    .option('--role-arn <arn>', "role the job runs as (default: the deployment's Batch Operations role)")
    .addHelpText('after', HELP)
    .action(
      bind<BackfillOptions>(async (ctx, options) => {
        const { backfill } = require('./action') as typeof import('./action');
        return backfill(ctx, options);
      }),
    );
};
