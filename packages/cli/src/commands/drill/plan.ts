import { formatDuration } from '../../shared/duration';
import { count } from '../../shared/text';
import { STAGES, type StageName } from './evidence';
import { DRILL_PREFIX, type DrillSettings } from './settings';

/** One stage of the plan: what it writes, how long it may take, what it costs roughly. */
export interface PlannedStage {
  readonly stage: StageName;
  readonly run: boolean;
  readonly writes: string;
  readonly takes: string;
  readonly costs: string;
  /** Why preflight will refuse the stage (read before the plan): it will not run as planned. */
  readonly refused?: string;
}

// Prices: S3 PUT/COPY/LIST $0.005 and GET/HEAD $0.0004 per 1,000 requests (us-east-1,
// aws.amazon.com/s3/pricing); AWS FIS $0.10 per action-minute, counted until the action stops
// (aws.amazon.com/fis/pricing). The probes are a few dozen bytes: their storage and transfer are
// negligible.
const PUT_USD = 0.005 / 1000;
const GET_USD = 0.0004 / 1000;
const FIS_USD_PER_ACTION_MINUTE = 0.1;

/** What each stage will do, for the plan shown before anything is written. */
export function planStages(
  settings: DrillSettings,
  refused: Partial<Record<StageName, string>> = {},
): PlannedStage[] {
  const s = settings;
  const writing = (s.probes - 1) * s.probeIntervalMs;
  // A probe is polled (GET, and HEAD while absent) every poll interval until it arrives: assume a
  // minute's replication delay for the estimate.
  const polls = (probes: number) => probes * 2 * Math.ceil(60_000 / s.pollIntervalMs);
  const usd = (n: number) => (n < 0.01 ? 'under $0.01' : `about $${n.toFixed(2)}`);
  const faultProbes = Math.max(
    1,
    Math.min(s.probes, Math.floor(s.faultDurationMs / Math.max(s.probeIntervalMs, 1))),
  );
  const pauseMinutes = Math.ceil(s.faultDurationMs / 60_000);
  const stages: Record<StageName, Omit<PlannedStage, 'stage' | 'run'>> = {
    preflight: {
      writes: 'nothing (reads the status checks the stages depend on; a FAIL stops the drill here)',
      takes: 'seconds',
      costs: 'a few read requests',
    },
    rpo: {
      writes: `${count(s.probes, 'probe object')} ${formatDuration(s.probeIntervalMs)} apart to the primary (two-way: as many to the replica)`,
      takes: `about ${formatDuration(writing + 60_000)}, at most ${formatDuration(writing + s.rpoMs + s.pollIntervalMs)}`,
      costs: `S3 requests: ${usd(2 * s.probes * PUT_USD + 2 * polls(s.probes) * GET_USD)}`,
    },
    fault: {
      writes: `an AWS FIS experiment pausing replication for ${formatDuration(s.faultDurationMs)} (stopped then, or on any error or Ctrl-C), ${count(faultProbes, 'probe object')} during the pause`,
      takes: `${formatDuration(s.faultDurationMs)} of pause, then the catch-up (at most ${formatDuration(s.rpoMs)}); alarms watched for ${formatDuration(s.detectMs)}`,
      costs: `AWS FIS: ${pauseMinutes} action-minutes per paused direction, ${usd(pauseMinutes * FIS_USD_PER_ACTION_MINUTE)} each; S3 requests: ${usd(2 * faultProbes * PUT_USD + polls(faultProbes) * GET_USD * (s.faultDurationMs / 60_000 + 1))}`,
    },
    failover: {
      writes:
        'the access point routes (to the replica, then back to the primary), a probe object through the access point every poll interval until each side serves it; only with a Multi-Region Access Point and two-way replication, from the normal routes',
      takes: `usually a few minutes; at most ${formatDuration(4 * s.rtoMs)} of probing plus the failback's readiness checks`,
      costs: 'S3 requests and access point routing: under $0.01',
    },
    restore: {
      writes: `a new version of each probe (the damage to undo), then their copies as of the restore point under ${DRILL_PREFIX}<run-id>/${s.targetPrefix}`,
      takes: 'seconds to a minute',
      costs: 'S3 requests: under $0.01',
    },
    locks: {
      writes:
        "nothing (reads the retention of the probes' replicas) when the replica has Object Lock; otherwise skipped",
      takes: 'seconds',
      costs: 'S3 requests: under $0.01',
    },
  };
  return STAGES.map((stage) => {
    const run = !settings.skip.includes(stage);
    const why = run ? refused[stage] : undefined;
    return { stage, run, ...stages[stage], ...(why ? { refused: why } : {}) };
  });
}

/** The plan as text: the stages, then what is never done. */
export function formatPlan(
  settings: DrillSettings,
  where: string,
  heading: string,
  refused: Partial<Record<StageName, string>> = {},
): string {
  const lines = [heading, `target: ${where}`, ''];
  for (const p of planStages(settings, refused)) {
    if (!p.run) {
      lines.push(`  ${p.stage.padEnd(10)} skipped (--skip)`);
      continue;
    }
    if (p.refused) {
      lines.push(
        `  ${p.stage.padEnd(10)} WILL NOT RUN: preflight refuses it (${p.refused}); add --skip ${p.stage}`,
      );
      continue;
    }
    lines.push(`  ${p.stage.padEnd(10)} writes: ${p.writes}`);
    lines.push(`  ${''.padEnd(10)} takes:  ${p.takes}`);
    lines.push(`  ${''.padEnd(10)} costs:  ${p.costs}`);
  }
  lines.push(
    '',
    `Everything it writes lies under ${DRILL_PREFIX}<run-id>/ (expired by the lifecycle rule of the reserved prefix); it deletes no version and leaves the deployment as it found it.`,
    `Objectives: ${objectivesOf(settings, refused).join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The objectives the stages to run measure, with their targets (none of a stage preflight refuses). */
function objectivesOf(settings: DrillSettings, refused: Partial<Record<StageName, string>>): string[] {
  const run = (stage: StageName) => !settings.skip.includes(stage) && !refused[stage];
  return [
    ...(run('rpo') ? [`rpo <= ${formatDuration(settings.rpoMs)}`] : []),
    ...(run('fault')
      ? [`detection <= ${formatDuration(settings.detectMs)}`, `catch-up <= ${formatDuration(settings.rpoMs)}`]
      : []),
    ...(run('failover') ? [`rto and failback <= ${formatDuration(settings.rtoMs)}`] : []),
    ...(run('restore') ? [`restore <= ${formatDuration(settings.restoreMs)}`] : []),
    ...(run('locks') ? ['replica-locked >= the default retention'] : []),
  ];
}
