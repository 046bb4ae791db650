// What both reports say, in words: the objectives' names and meanings, durations and times as a
// person reads them, and each objective's verdict. report.html and report.md render these facts;
// neither computes anything of its own, so that the two can never disagree.
import {
  type Evidence,
  NOT_REACHED,
  type Objective,
  type ObjectiveName,
  type ProbeRecord,
  type StageName,
  type StageStatus,
  stageStatusText,
  type TimelineEvent,
} from '../evidence';

/** What each objective is called in a report, and what it measures (for a reader who has not read the code). */
export const OBJECTIVE_TEXT: Readonly<
  Record<ObjectiveName, { readonly title: string; readonly what: string }>
> = {
  rpo: {
    title: 'Recovery point (RPO)',
    what: 'longest replication delay of a probe object, primary to replica',
  },
  detection: {
    title: 'Fault detection',
    what: 'from the start of the replication pause to the first alarm of the deployment in ALARM',
  },
  'catch-up': {
    title: 'Catch-up after the fault',
    what: 'from the end of the pause until every probe written during it was in the replica',
  },
  rto: {
    title: 'Recovery time (RTO), failover',
    what: 'from submitting the failover routes to the first probe written through the access point landing in the replica',
  },
  failback: {
    title: 'Failback time',
    what: 'from submitting the failback routes to the first probe written through the access point landing in the primary',
  },
  restore: {
    title: 'Restore time',
    what: "time to restore the drill's objects to a point before the drill and verify them",
  },
  'replica-locked': {
    title: 'Replica Object Lock',
    what: "shortest Object Lock retention on a replica of a probe, against the replica bucket's default retention",
  },
};

/** What each stage is called in a report. */
export const STAGE_TITLE: Readonly<Record<StageName, string>> = {
  preflight: 'Preflight checks',
  rpo: 'Replication probes',
  fault: 'Fault: replication paused',
  failover: 'Failover and failback',
  restore: 'Restore',
  locks: 'Object Lock of replicas',
};

export const STATUS_TEXT: Readonly<Record<StageStatus, string>> = {
  passed: 'passed',
  failed: 'failed',
  skipped: 'skipped',
  error: 'error',
  interrupted: 'interrupted',
};

export const EVENT_TEXT: Readonly<Record<TimelineEvent['kind'], string>> = {
  'stage-start': 'stage started',
  'stage-end': 'stage ended',
  'fault-start': 'fault started',
  'fault-end': 'fault ended',
  alarm: 'alarm',
  'route-change': 'route change',
  undo: 'undo',
  note: 'note',
};

/** An objective's verdict: the three states a reader must tell apart. */
export type Verdict = 'met' | 'missed' | 'not measured';

export interface ObjectiveRow {
  readonly name: ObjectiveName;
  readonly title: string;
  readonly what: string;
  readonly target: string;
  readonly measured: string;
  readonly verdict: Verdict;
  /** The drill's reason, or for a miss by a known amount, how far from the target. */
  readonly note: string;
}

/**
 * Every objective of the evidence as a report row, in the evidence's order. A measurement that is
 * null is "not measured", whatever `met` says, with the drill's reason.
 */
export function objectiveRows(evidence: Evidence): ObjectiveRow[] {
  return evidence.objectives.map((objective) => {
    const text = OBJECTIVE_TEXT[objective.name];
    const measured = objective.measured_seconds;
    const verdict: Verdict = measured === null ? 'not measured' : objective.met ? 'met' : 'missed';
    return {
      name: objective.name,
      title: text.title,
      what: text.what,
      target: targetText(objective),
      measured: measured === null ? 'not measured' : formatSeconds(measured),
      verdict,
      note: objective.reason ?? (verdict === 'not measured' ? 'no reason recorded' : margin(objective)),
    };
  });
}

function targetText(objective: Objective): string {
  // replica-locked is the one objective whose measurement must reach its target, not stay below it.
  const sense = objective.name === 'replica-locked' ? 'at least' : 'at most';
  return `${sense} ${formatSeconds(objective.target_seconds)}`;
}

/** How far a missed objective is from its target, when the figures say so; empty otherwise. */
function margin(objective: Objective): string {
  const measured = objective.measured_seconds;
  if (objective.met || measured === null) return '';
  if (objective.name === 'replica-locked') {
    return measured < objective.target_seconds
      ? `${formatSeconds(objective.target_seconds - measured)} shorter than the default retention`
      : '';
  }
  return measured > objective.target_seconds
    ? `${formatSeconds(measured - objective.target_seconds)} over the target`
    : '';
}

/**
 * The outcome in one line, naming what was missed, not measured or skipped (never more than the
 * evidence says).
 */
export function outcomeText(evidence: Evidence): string {
  const rows = objectiveRows(evidence);
  const missed = rows.filter((r) => r.verdict === 'missed').map((r) => r.title);
  const unmeasured = rows.filter((r) => r.verdict === 'not measured').map((r) => r.title);
  const notMeasured =
    (unmeasured.length > 0 ? `; not measured: ${unmeasured.join(', ')}` : '') + stagesNotRun(evidence);
  switch (evidence.outcome) {
    case 'met':
      return rows.length === unmeasured.length
        ? `No objective was measured${notMeasured}`
        : `Every measured objective was met${notMeasured}`;
    case 'missed':
      return `Objective missed: ${missed.join(', ') || 'see the objectives'}${notMeasured}`;
    case 'interrupted':
      return `The drill was interrupted before it finished${notMeasured}`;
    case 'error':
      return `The drill stopped on an error${notMeasured}`;
  }
}

/** "; stages skipped: …; stages not reached: …" (empty when every stage ran), for the outcome line. */
export function stagesNotRun(evidence: Evidence): string {
  const named = (text: string) =>
    evidence.stages.filter((stage) => stage.status === 'skipped' && stageStatusText(stage) === text);
  const skipped = named('skipped').map((stage) => stage.name);
  const notReached = named(NOT_REACHED).map((stage) => stage.name);
  return (
    (skipped.length > 0 ? `; stages skipped: ${skipped.join(', ')}` : '') +
    (notReached.length > 0 ? `; stages ${NOT_REACHED}: ${notReached.join(', ')}` : '')
  );
}

/**
 * Seconds as a person reads them, largest units first and zero parts left out: `40 ms`, `11.6 s`,
 * `3 min 52 s`, `1 h 5 min`, `30 d 4 s`. Below a minute to a tenth of a second; above, whole seconds.
 */
export function formatSeconds(seconds: number): string {
  // Below a tenth of a second in milliseconds: a fast restore is not "0 s".
  if (seconds < 0.095) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 59.95) return `${Number(seconds.toFixed(1))} s`;
  let rest = Math.round(seconds);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['min', 60],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}`);
  }
  if (rest > 0) parts.push(`${rest} s`);
  return parts.join(' ');
}

/** An ISO 8601 time as `2026-12-07 09:30:00 UTC` (every time in a report is UTC, and says so). */
export function formatTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * A time in a table of the drill: the time of day only (`09:30:00`) on the day the drill started,
 * which the report's header states; with its date on any other day (a drill across midnight).
 */
export function drillClock(evidence: Evidence): (iso: string) => string {
  const day = new Date(evidence.startedAt).toISOString().slice(0, 10);
  return (iso) => {
    const time = new Date(iso).toISOString();
    return time.slice(0, 10) === day ? time.slice(11, 19) : time.slice(0, 19).replace('T', ' ');
  };
}

/** Seconds between two ISO 8601 times. */
export function secondsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 1000;
}

/** The events a reader looks for on the timeline (stage starts and ends are drawn as bars instead). */
export function markedEvents(evidence: Evidence): TimelineEvent[] {
  return evidence.events
    .filter((e) => e.kind !== 'stage-start' && e.kind !== 'stage-end')
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** One numbered marker per event: the number leads from the chart to the event table under it. */
export interface NumberedEvent extends TimelineEvent {
  readonly number: number;
}

export function numberedEvents(evidence: Evidence): NumberedEvent[] {
  return markedEvents(evidence).map((event, i) => ({ ...event, number: i + 1 }));
}

/** The probes the drill watched for to the end without seeing them arrive. */
export function probesNeverArrived(evidence: Evidence): ProbeRecord[] {
  return evidence.probes.filter((p) => p.delaySeconds === null && !p.interrupted);
}

/**
 * The probes of an interrupted attempt that had not arrived when the drill stopped watching: whether
 * they arrived is not known, so they are neither "never arrived" nor counted with a rerun's probes.
 */
export function probesNotWatched(evidence: Evidence): ProbeRecord[] {
  return evidence.probes.filter((p) => p.delaySeconds === null && p.interrupted === true);
}

/** What a probe's delay cell says. */
export function probeDelayText(probe: ProbeRecord): string {
  if (probe.delaySeconds !== null) return formatSeconds(probe.delaySeconds);
  return probe.interrupted ? 'not watched to the end (interrupted)' : 'never arrived';
}

/** A setting or measurement value as text: lists joined, null as "none", booleans as yes/no. */
export function valueText(value: number | string | boolean | readonly string[] | null): string {
  if (value === null) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ');
  return String(value);
}

/** The deployment in a few labelled lines, for both reports' header. */
export function deploymentFacts(evidence: Evidence): [label: string, value: string][] {
  const d = evidence.deployment;
  const lock = d.replicaObjectLock;
  return [
    ['Deployment', d.suffix ?? 'buckets named on the command line'],
    ['AWS account', d.account ?? 'unknown'],
    ['Primary bucket', d.primaryBucket],
    ['Replica bucket', d.replicaBucket],
    ['Regions', d.region === d.replicaRegion ? `${d.region} (both)` : `${d.region} → ${d.replicaRegion}`],
    ['Replication rules', `${d.ruleIds.join(', ') || 'none recorded'}${d.bidirectional ? ' (two-way)' : ''}`],
    ['Multi-Region Access Point', d.accessPoint ?? 'none'],
    ['Replica Object Lock', lock ? `${lock.mode}, ${lock.days} days by default` : 'none'],
  ];
}

/** The run itself in a few labelled lines. */
export function runFacts(evidence: Evidence): [label: string, value: string][] {
  return [
    ['Run id', evidence.runId],
    ['Started', formatTime(evidence.startedAt)],
    ['Ended', formatTime(evidence.endedAt)],
    ['Duration', formatSeconds(secondsBetween(evidence.startedAt, evidence.endedAt))],
    ['s3-dr version', evidence.s3drVersion],
    ['Evidence schema', evidence.schema],
  ];
}

/** Colours of stage statuses and event kinds, in the charts and the page's legends alike. */
export const COLOURS = {
  passed: '#2e7d32',
  failed: '#c62828',
  error: '#6a1b9a',
  interrupted: '#ef6c00',
  skipped: '#9e9e9e',
  fault: '#fbe3e1',
  faultEdge: '#c62828',
  alarm: '#c62828',
  'route-change': '#1565c0',
  undo: '#2e7d32',
  note: '#546e7a',
  'fault-start': '#c62828',
  'fault-end': '#c62828',
  target: '#c62828',
  probe: '#1565c0',
} as const;
