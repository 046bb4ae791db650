import { Option } from 'commander';
import type { Register } from '../../shared/context';
import { positiveInt } from '../../shared/context';
import { formatDuration, parseDuration } from '../../shared/duration';
import type { ProbeCommandOptions } from './action';
import { MAX_PROBES, PROBE_DEFAULTS, PROBE_PREFIX } from './settings';

const HELP = `
First checks that the source bucket has an enabled replication rule to the replica that covers
${PROBE_PREFIX} (exit 1 without writing anything if not). Then writes --count small objects under
s3://<source>/${PROBE_PREFIX} (each key and body carry a unique token), polls the replica until each arrives with the same content, and reports each latency, the
median and maximum, and the source objects' ReplicationStatus. Afterwards, and on Ctrl-C too, it
removes its probes with delete markers on both buckets (it never deletes a version).

When the replica has an enabled rule back to the source that covers the probes (two-way), the
other direction is measured at the same time, with probes written to the replica.

Latency is measured by polling: it is accurate to about --poll-interval. While it waits, stderr
shows how many probes arrived and the time elapsed.

Exit codes: 0 every probe arrived, 1 a probe did not arrive (time-out, FAILED, Ctrl-C) or was not
cleaned up, or no replication rule covers the probes, 2 usage error, no credentials or a bucket that
does not exist.

Examples:
  $ s3-dr probe --env dev
  $ s3-dr probe --env dev --count 10 --timeout 15m --json
  $ s3-dr probe --source primary-bucket-dev-123456789012 --replica replica-bucket-dev-123456789012 --timeout 90s
`;

export const registerProbe: Register = (program, bind) => {
  program
    .command('probe')
    .description('measure replication end to end: write probe objects, time their arrival in the replica')
    .option(
      '--count <n>',
      `probe objects to write, 1 to ${MAX_PROBES}`,
      positiveInt('--count', MAX_PROBES),
      PROBE_DEFAULTS.count,
    )
    .addOption(
      new Option('--timeout <duration>', 'how long to wait for the probes, e.g. 90s, 20m, 1h')
        .argParser(parseDuration('--timeout'))
        .default(PROBE_DEFAULTS.timeoutMs, formatDuration(PROBE_DEFAULTS.timeoutMs)),
    )
    .addOption(
      new Option('--poll-interval <duration>', 'how often to look for them in the replica')
        .argParser(parseDuration('--poll-interval'))
        .default(PROBE_DEFAULTS.pollIntervalMs, formatDuration(PROBE_DEFAULTS.pollIntervalMs)),
    )
    .addHelpText('after', HELP)
    .action(
      bind<ProbeCommandOptions>(async (ctx, options) => {
        // Required on first use, not at start-up: probing loads the S3 client.
        const { probe } = require('./action') as typeof import('./action');
        return probe(ctx, options);
      }),
    );
};
