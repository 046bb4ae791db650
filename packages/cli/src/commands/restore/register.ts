import { Option } from 'commander';
import { DEFAULT_JOB_POLL_MS } from '../../shared/batch/jobs';
import { positiveInt, type Register } from '../../shared/context';
import { formatDuration, parseDuration } from '../../shared/duration';
import type { RestoreOptions } from './action';

const HELP = `
The state of a key at T is its newest version or delete marker with LastModified <= T. For each
key whose current state differs, restore copies that version on top (server-side CopyObject by
version id: content type, metadata and tags come along; the copy gets the bucket's default
encryption) or, where the key did not exist at T, adds a delete marker. It never deletes a
version, so a restore can itself be undone by another restore.

With --target-bucket the target ends in the state at T too: a key under --target-prefix that did
not exist at T (or was deleted then) gets a delete marker there, as in place, so the plan's counts
cover every key of the source and of the target; in an unversioned target bucket, where a delete
would destroy the object, such a key is blocked instead.

A key counts as already restored when its current version is the version at T, has the same
size and ETag, or is the copy of it that an earlier run recorded in the journal (needed for
SSE-KMS, whose ETags differ on every write). So running the same restore again after an
interruption finishes the job, and running it after it finished does nothing. The journal is
s3-dr-restore-<bucket>-<T>.journal.jsonl in the current directory unless --journal names one:
run the repeat from the same directory, or pass the same --journal.

Cost: one write request per changed key plus the list requests (the bucket is listed twice:
once for the plan, once while applying); objects over 5 GiB are copied in parts.
Versions in GLACIER or DEEP_ARCHIVE are reported as blocked; --restore-archived starts their
restore (RestoreObject, 7 days, Standard tier) and lists them as waiting: run again later.

A time before the oldest version or delete marker in scope (usually a mistyped year) makes the
plan start with a WARNING naming that oldest time: applying it would delete-mark every key.

Exit code 0: done (or nothing to do); 1: some keys failed, are blocked or waiting, or the run
was interrupted; 2: usage, access or bucket errors (unversioned bucket, time in the future).

--batch (for millions of keys): the same plan, but the copies run as one S3 Batch Operations job
(S3PutObjectCopy) from a CSV manifest that restore streams to the ops bucket; delete markers and
archive restores are still written from here (Batch Operations cannot delete). restore follows the
job (progress on stderr), reads its completion report back and lists failed tasks; a rerun of the
same command follows a job still running, journals its copies and finishes what is left. The job
runs as the deployment's Batch Operations role, which may copy within its primary and replica
buckets only, in the region of the bucket it writes to, whatever --region says (AWS creates copy
jobs in the destination's region); the plan checks the ops bucket and says where each is.
--manifest-only <file> writes that manifest locally and nothing to S3.

--from replica (recovery from the vault): the state at T is that of the replica's versions, read
with the replica side's credentials (--replica-role-arn or --replica-profile, for a vault in another
account), and written into the primary (or --target-bucket) with the primary's: keys written after
T get the replica's version at T copied over them, keys absent at T a delete marker. Nothing is
written to the replica; no version is deleted on either side. The copies are server-side
(CopyObject) when one principal may read the replica and write the target: the same credentials
on both sides, or the vault's recovery role (--replica-role-arn <VaultRecoveryRoleArn>, which
requires MFA: --mfa-serial, and --mfa-code or the code typed when asked). Otherwise each version
is streamed through this machine: GetObject from the replica, PutObject or a multipart upload to
the target, with content type, metadata, tags and storage class kept and the target's default
encryption; memory is bounded by --concurrency objects of two 8 MiB parts each. --copy
server|stream decides. The plan says which way, and its requests and bytes out of the replica.
--batch and --restore-archived do not combine with --from replica.

Examples:
  $ s3-dr restore --bucket my-bucket --to 2024-05-01T12:00:00Z --dry-run
  $ s3-dr restore --env prod --bucket primary --to 2024-05-01T14:00:00+02:00 --prefix invoices/ --yes
  $ s3-dr restore --bucket my-bucket --to 2024-05-01T12:00:00Z --target-bucket my-copy --target-prefix may-1/ --yes
  $ s3-dr restore --env prod --bucket primary --to 2024-05-01T12:00:00Z --batch --yes
  $ s3-dr restore --env prod --bucket primary --to 2024-05-01T12:00:00Z --manifest-only copies.csv
  $ s3-dr restore --env prod --replica-role-arn arn:aws:iam::222222222222:role/s3-dr-vault-recovery-prod --mfa-serial arn:aws:iam::111111111111:mfa/me --mfa-code 123456 --from replica --to 2024-05-01T12:00:00Z
  $ s3-dr restore --env prod --replica-profile vault --from replica --to 2024-05-01T12:00:00Z --yes
`;

export const registerRestore: Register = (program, bind) => {
  program
    .command('restore')
    .summary('restore a versioned bucket (or a prefix) to its state at a point in time')
    .description(
      'Point-in-time restore of a versioned bucket, in place or into --target-bucket. Prints the plan ' +
        'first; writes only with --yes.',
    )
    .option(
      '--bucket <name>',
      "bucket to restore (required unless --from replica): a name, or 'primary'/'replica' of the target (--env, --outputs or --source/--replica)",
    )
    .requiredOption('--to <time>', 'ISO-8601 time with a zone, e.g. 2024-05-01T12:00:00Z')
    .option('--prefix <prefix>', 'restore only keys that start with this prefix')
    .option('--yes', 'apply the plan', false)
    .option('--dry-run', 'only print the plan', false)
    .option('--report <file>', 'write every planned or applied action to this file as JSON lines')
    .option(
      '--journal <file>',
      'where copies are recorded, so that a rerun skips them (default: s3-dr-restore-<bucket>-<T>.journal.jsonl)',
    )
    .option('--restore-archived', 'start RestoreObject for versions in GLACIER/DEEP_ARCHIVE', false)
    .option(
      '--target-bucket <bucket>',
      'write the state at T into this bucket instead (copies, and delete markers for keys absent at T; no version is deleted)',
    )
    .option(
      '--target-prefix <prefix>',
      'with --target-bucket (or --from replica): put each key under this prefix',
      '',
    )
    .option('--include-reserved', 'also restore keys under the reserved prefix _s3-dr/', false)
    .option(
      '--from <side>',
      "'replica': write the state at T of the target's replica (a vault) into its primary, or --target-bucket",
    )
    .option(
      '--copy <how>',
      "with --from replica: 'server' (CopyObject) or 'stream' (through this machine); default: server when one principal may read the replica and write the target",
    )
    .option('--batch', 'make the copies as one S3 Batch Operations job (large restores)', false)
    .option(
      '--manifest-only <file>',
      "write the plan's copies as a Batch Operations CSV manifest to this file; writes nothing to S3",
    )
    .option(
      '--ops-bucket <bucket>',
      "with --batch: bucket for the manifest and report (default: the deployment's)",
    )
    .option(
      '--role-arn <arn>',
      "with --batch: role the job runs as (default: the deployment's Batch Operations role)",
    )
    .addOption(
      new Option('--poll-interval <duration>', "with --batch: how often to read the job's status")
        .argParser(parseDuration('--poll-interval'))
        .default(DEFAULT_JOB_POLL_MS, formatDuration(DEFAULT_JOB_POLL_MS)),
    )
    // The former --poll <seconds>, kept for scripts that pass it.
    .addOption(new Option('--poll <seconds>').argParser(positiveInt('--poll')).hideHelp())
    .addHelpText('after', HELP)
    .action(
      bind<RestoreOptions>(async (ctx, options) => {
        // Required on first use, not at start-up: restoring loads the S3 client.
        const { restore } = require('./action') as typeof import('./action');
        return restore(ctx, options);
      }),
    );
};
