import { Option } from 'commander';
import { positiveInt, type Register } from '../../shared/context';
import { formatDuration, parseDuration } from '../../shared/duration';
import type { DrillOptions } from './action';
import { STAGES } from './evidence';
import { registerDrillReport } from './report/register';
import { DRILL_DEFAULTS, DRILL_PREFIX, parseRunId, parseStages, parseTargetPrefix } from './settings';

const HELP = `
A game day on the deployment itself, safe on production: it measures the objectives a
deployment is bought for and leaves the evidence (evidence.json; report.html and report.md).
Without --yes it prints the plan (stages, what each writes, how long, what it costs roughly) and
writes nothing.

Stages, in order (--skip any of them):
  preflight  the s3-dr status checks the stages depend on; a FAIL stops the drill before it writes
  rpo        --probes probe objects --probe-interval apart, each timed until it is in the replica
             (and back, two-way): p50, p95, max. Objective rpo: max <= --rpo
  fault      pauses replication with the deployment's AWS FIS template (-c drill=true) for
             --fault-duration, writes probes meanwhile. Objectives detection: pause start to the
             first of the deployment's replication alarms in ALARM (DescribeAlarmHistory), <= --detect;
             catch-up: pause end until every probe written during it arrived, <= --rpo
  failover   with a Multi-Region Access Point and two-way replication: failover, a probe written and
             read through the access point until the replica serves it, failback, the same towards
             the primary. Objectives rto and failback: route change to that landing, <= --rto
  restore    overwrites the drill's probes, restores them as of before into --target-prefix (never
             in place) and verifies the copy. Objective restore: <= --restore-time, copy exact
  locks      replica with Object Lock: the retention of the probes' replicas. Objective
             replica-locked: every replica locked for at least the default retention

Everything it writes lies under ${DRILL_PREFIX}<run-id>/ (the reserved prefix, expired by its
lifecycle rule). It never deletes a version and never leaves the deployment changed: on an error,
a missed objective during the fault, or Ctrl-C it stops the FIS experiment and fails back, and
says what it undid; a second Ctrl-C quits at once and says what is left to undo by hand.
--resume <run-id> undoes what an interrupted drill left and runs the stages it did not finish.

Progress goes to stderr; the objectives table to stdout (with --json: evidence.json).

Exit codes: 0 every measured objective met; 1 one missed (the report says which and by how much)
or interrupted; 2 usage, access, or cannot start (a preflight FAIL, no FIS template for fault).

Examples:
  $ s3-dr drill --env dev
  $ s3-dr drill --env dev --skip fault,failover --yes
  $ s3-dr drill --env prod --yes --report evidence/2026-q4
  $ s3-dr drill --env prod --resume 20261205T101500Z-3fa94c --yes
`;

const duration = (flag: string, fallback: number, what: string) =>
  new Option(`${flag} <duration>`, what)
    .argParser(parseDuration(flag))
    .default(fallback, formatDuration(fallback));

export const registerDrill: Register = (program, bind) => {
  const command = program
    .command('drill')
    .summary(
      'a game day: measure RPO, detection, catch-up, RTO, restore and replica locks, and leave the evidence',
    )
    .description(
      'Runs a disaster-recovery drill on the deployment (--env, --outputs or --source/--replica) and writes the evidence to --report. Prints the plan first; writes only with --yes.',
    )
    .option('--probes <n>', 'probe objects per stage', positiveInt('--probes'), DRILL_DEFAULTS.probes)
    .addOption(
      new Option('--probe-interval <duration>', 'time between two probes')
        .argParser(parseDuration('--probe-interval', { allowZero: true }))
        .default(DRILL_DEFAULTS.probeIntervalMs, formatDuration(DRILL_DEFAULTS.probeIntervalMs)),
    )
    .addOption(
      duration(
        '--poll-interval',
        DRILL_DEFAULTS.pollIntervalMs,
        'how often to look for probes, alarms and the experiment',
      ),
    )
    .addOption(
      duration('--rpo', DRILL_DEFAULTS.rpoMs, 'objective: the longest replication delay (the RTC threshold)'),
    )
    .addOption(
      duration(
        '--fault-duration',
        DRILL_DEFAULTS.faultDurationMs,
        'how long the fault stage pauses replication',
      ),
    )
    .addOption(duration('--detect', DRILL_DEFAULTS.detectMs, 'objective: from the pause to the first alarm'))
    .addOption(
      duration(
        '--rto',
        DRILL_DEFAULTS.rtoMs,
        'objective: from a route change to the first write served by the new side',
      ),
    )
    .addOption(
      duration('--restore-time', DRILL_DEFAULTS.restoreMs, "objective: the restore of the drill's objects"),
    )
    .addOption(
      new Option('--target-prefix <prefix>', `where the restore stage writes, under ${DRILL_PREFIX}<run-id>/`)
        .argParser(parseTargetPrefix)
        .default(DRILL_DEFAULTS.targetPrefix),
    )
    .addOption(
      new Option('--skip <stages>', `stages not to run, comma-separated: ${STAGES.join(', ')}`)
        .argParser(parseStages)
        .default([], 'none'),
    )
    .option(
      '--access-point <arn>',
      'with --source/--replica: the Multi-Region Access Point of the failover stage',
    )
    .option('--yes', 'run the drill (without it: print the plan and write nothing)', false)
    .option('--report <dir>', 'folder for evidence.json and the reports (default: s3-dr-drill-<run-id>)')
    .addOption(new Option('--resume <run-id>', 'undo and finish an interrupted drill').argParser(parseRunId))
    .addHelpText('after', HELP)
    .action(
      bind<DrillOptions>(async (ctx, options) => {
        // Required on first use, not at start-up: a drill loads S3, FIS, CloudWatch and S3 Control.
        const { drill } = require('./action') as typeof import('./action');
        return drill(ctx, options);
      }),
    );
  registerDrillReport(command, bind);
};
