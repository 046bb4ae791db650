import type { Command } from 'commander';
import { Option } from 'commander';
import type { Register } from '../../shared/context';
import { formatDuration, parseDuration } from '../../shared/duration';
import type { FailoverOptions } from './action';

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_POLL_MS = 5_000;
const DEFAULT_MAX_LAG_MS = 60_000;

/** The options failover and failback share. */
export function switchOptions(command: Command, verb: string): Command {
  return command
    .option('--yes', `${verb}: without it only the routes, the plan and the readiness are shown`, false)
    .option('--force', `${verb} even when a readiness check fails (e.g. its region cannot be asked)`, false)
    .option(
      '--wait',
      'poll the routes until the control plane reports the new ones, and say how long it took',
      false,
    )
    .addOption(
      new Option('--timeout <duration>', 'with --wait: how long to poll')
        .argParser(parseDuration('--timeout'))
        .default(DEFAULT_TIMEOUT_MS, formatDuration(DEFAULT_TIMEOUT_MS)),
    )
    .addOption(
      new Option('--poll-interval <duration>', 'with --wait: how often to read the routes')
        .argParser(parseDuration('--poll-interval'))
        .default(DEFAULT_POLL_MS, formatDuration(DEFAULT_POLL_MS)),
    )
    .option(
      '--access-point <arn>',
      'the access point ARN (stack output MultiRegionAccessPointArn): skips looking it up in us-west-2 and the stack',
    )
    .addOption(
      new Option(
        '--max-lag <duration>',
        'refuse when the destination is further behind (newest ReplicationLatency)',
      )
        .argParser(parseDuration('--max-lag', { allowZero: true }))
        .default(DEFAULT_MAX_LAG_MS, formatDuration(DEFAULT_MAX_LAG_MS)),
    );
}

const HELP = `
Moves the traffic of the deployment's Multi-Region Access Point s3-dr-<suffix> to the replica:
routes replica 100 (active), primary 0 (passive), with S3 Control
SubmitMultiRegionAccessPointRoutes. Only applications that use the access point follow.

It first prints the current routes, the plan and the readiness checks:
  replica.answers      the replica bucket answers (HeadBucket in its region)
  replication.backlog  the replica is at most --max-lag behind (newest ReplicationLatency of the
                       last 15 minutes, read in the primary's region); unreadable metrics fail
  replication.failed   a warning when OperationsFailedReplication counted failures in the last
                       15 minutes: up to that many objects may be missing from the replica
                       (s3-dr backfill --status failed, once the primary answers)
  replica.archive      a warning when the replica's lifecycle moves versions to GLACIER or
                       DEEP_ARCHIVE: they cannot be read after the failover without a restore
A failed check refuses the failover (exit 1) unless --force: in a regional outage the primary's
region cannot be asked, and --force fails over all the same. Nothing changes without --yes.

The route calls are served from five regions (us-east-1, us-west-2, ap-southeast-2,
ap-northeast-1, eu-west-1): each is tried in turn, the primary's region last. New routes take up
to 2 minutes to apply; --wait polls GetMultiRegionAccessPointRoutes until they are reported.
At the end it prints the failback command with the time the failover started (--since).

The access point is looked up with GetMultiRegionAccessPoint (served from us-west-2 only), else in
the stack's outputs; when neither can be asked (us-west-2 down, the stack in a region that is
down), --access-point <arn> names it and its account: then only the control plane and the buckets
are asked. The deployment: --env <suffix>, --outputs <file> (its MultiRegionAccessPointArn and
bucket outputs), or --source <bucket> --replica <bucket> with --access-point <arn>.

Without an access point (same-region deployments, or multiRegionAccessPoint=false) it exits 2 and
names the bucket and region the applications must use instead.

Exit codes: 0 switched, planned (no --yes) or nothing to do; 1 refused, or --wait timed out;
2 usage error, no access point, no credentials, or no control region answered.

Examples:
  $ s3-dr failover --env prod
  $ s3-dr failover --env prod --yes --wait
  $ s3-dr failover --env prod --yes --force --wait --region eu-west-1
`;

export const registerFailover: Register = (program, bind) => {
  switchOptions(
    program
      .command('failover')
      .summary("make the replica the active side of the deployment's Multi-Region Access Point")
      .description(
        "Routes the deployment's access point (s3-dr-<suffix> with --env; or from --outputs, or --access-point with --source/--replica) to the replica bucket. Prints the routes, the plan and readiness checks first; changes the routes only with --yes.",
      ),
    'fail over',
  )
    .addHelpText('after', HELP)
    .action(
      bind<FailoverOptions>(async (ctx, options) => {
        // Required on first use, not at start-up: failing over loads S3 Control and CloudWatch.
        const { failover } = require('./action') as typeof import('./action');
        return failover(ctx, options);
      }),
    );
};
