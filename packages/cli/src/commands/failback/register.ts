import type { Register } from '../../shared/context';
import { switchOptions } from '../failover/register';
import type { FailbackOptions } from './action';

const HELP = `
Moves the traffic of the access point s3-dr-<suffix> back to the primary: routes primary 100
(active), replica 0 (passive). It prints the current routes, the plan and the readiness checks:
  primary.answers  the primary bucket answers (HeadBucket in its region)
  reverse.rule     the replica has an enabled rule replicating back to the primary
  reverse.backlog  that rule's destination is at most --max-lag behind (metrics in the replica's region)
  reverse.failed   no OperationsFailedReplication of that rule since --since (at least the last 15
                   minutes): an object S3 failed to replicate back would be out of sight after it
  reverse.verify   a current-state verify from the replica to the primary of the keys written or
                   given a delete marker on either side since --since (the time failover printed;
                   both buckets' versions are listed), or of every key without --since:
                   nothing missing, different, or deleted on the replica side but still current in
                   the primary
A failed check refuses (exit 1) unless --force. Nothing changes without --yes.
The deployment: --env <suffix>, --outputs <file>, or --source/--replica with --access-point <arn>.

Exit codes: 0 switched, planned (no --yes) or nothing to do; 1 refused, or --wait timed out;
2 usage error, no access point, no credentials, or no control region answered.

Examples:
  $ s3-dr failback --env prod --since 2026-11-26T04:12:09Z
  $ s3-dr failback --env prod --since 2026-11-26T04:12:09Z --yes --wait
`;

export const registerFailback: Register = (program, bind) => {
  switchOptions(
    program
      .command('failback')
      .summary('make the primary the active side again, once the replica side has come back')
      .description(
        "Routes the deployment's access point (--env, --outputs, or --access-point with --source/--replica) back to the primary bucket once what was written on the replica side is in the primary. Prints the routes, the plan and readiness checks first; changes the routes only with --yes.",
      )
      .option('--since <time>', 'when the failover started (ISO-8601 with a zone, as failover prints it)'),
    'fail back',
  )
    .addHelpText('after', HELP)
    .action(
      bind<FailbackOptions>(async (ctx, options) => {
        // Required on first use, not at start-up: failing back loads S3 Control and CloudWatch.
        const { failback } = require('./action') as typeof import('./action');
        return failback(ctx, options);
      }),
    );
};
