// The evidence a drill leaves: one JSON document (evidence.json, and `--json` on stdout) from which
// report.html and report.md are rendered, then and later (`s3-dr drill report <evidence.json>`).
// Versioned: a reader refuses a schema it does not know rather than render something half-true.

/** The schema identifier written in every document; bump the version for incompatible changes. */
export const EVIDENCE_SCHEMA = 's3-dr/drill-evidence/v1';

/** The stages of a drill, in the order they run. */
export const STAGES = ['preflight', 'rpo', 'fault', 'failover', 'restore', 'locks'] as const;
export type StageName = (typeof STAGES)[number];

/** The objectives a drill can measure. */
export const OBJECTIVES = [
  'rpo',
  'detection',
  'catch-up',
  'rto',
  'failback',
  'restore',
  'replica-locked',
] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];

/**
 * One objective: what was promised, what was measured, whether it holds. `measured_seconds` is
 * null (and `met` false, with a `reason`) when the stage could not measure it. `replica-locked` is
 * not a duration: its target is the configured default retention in seconds and its measurement
 * the shortest retention found on a replica of a probe.
 */
export interface Objective {
  readonly name: ObjectiveName;
  readonly target_seconds: number;
  readonly measured_seconds: number | null;
  readonly met: boolean;
  readonly reason?: string;
}

/** How a stage ended. */
export type StageStatus = 'passed' | 'failed' | 'skipped' | 'error' | 'interrupted';

/**
 * The reason a stage the run never got to is recorded with: status `skipped` (the schema's), read
 * as "not reached" wherever a person reads it, since nobody chose to skip it.
 */
export const NOT_REACHED = 'not reached';

/** How a person reads a stage's status: "not reached" for a stage the run stopped before. */
export function stageStatusText(stage: Pick<StageRecord, 'status' | 'reason'>): string {
  return stage.status === 'skipped' && stage.reason === NOT_REACHED ? NOT_REACHED : stage.status;
}

export interface StageRecord {
  readonly name: StageName;
  readonly status: StageStatus;
  /** ISO 8601; absent for a skipped stage. */
  readonly startedAt?: string;
  readonly endedAt?: string;
  /** Why it was skipped, failed or could not measure, in one sentence. */
  readonly reason?: string;
  /** Raw figures of the stage (e.g. `{ "p50": 4.1, "p95": 9.8, "max": 11.2 }`), all seconds. */
  readonly measurements?: Readonly<Record<string, number | string | boolean | null>>;
}

/** One probe object written by the drill and watched for in the other bucket. */
export interface ProbeRecord {
  readonly stage: StageName;
  /** forward: primary to replica; back: replica to primary (two-way). */
  readonly direction: 'forward' | 'back';
  readonly key: string;
  readonly writtenAt: string;
  /** When it was first seen in the other bucket; null when it never arrived. */
  readonly seenAt: string | null;
  readonly delaySeconds: number | null;
  /**
   * True when the drill was interrupted before it saw this probe arrive: it stopped watching, so
   * `seenAt` null says nothing of whether the probe arrived (a --resume writes probes of its own).
   */
  readonly interrupted?: boolean;
}

/** A point on the drill's timeline. */
export interface TimelineEvent {
  readonly at: string;
  readonly kind:
    | 'stage-start'
    | 'stage-end'
    | 'fault-start'
    | 'fault-end'
    | 'alarm'
    | 'route-change'
    | 'undo'
    | 'note';
  /** e.g. "s3-replication-latency-dev: OK -> ALARM", "routes: replica 100, primary 0". */
  readonly detail: string;
}

/** Something the drill changed that it must put back (or did put back). */
export interface UndoRecord {
  readonly action: string;
  readonly done: boolean;
  readonly at?: string;
  /** For what was not done: the command or console step that finishes it by hand. */
  readonly howToFinish?: string;
}

export interface DeploymentRecord {
  readonly suffix: string | null;
  readonly account: string | null;
  readonly region: string;
  readonly replicaRegion: string;
  readonly primaryBucket: string;
  readonly replicaBucket: string;
  readonly ruleIds: readonly string[];
  readonly bidirectional: boolean;
  /** The Multi-Region Access Point's alias, when there is one. */
  readonly accessPoint: string | null;
  readonly replicaObjectLock: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly days: number } | null;
}

export interface Evidence {
  readonly schema: typeof EVIDENCE_SCHEMA;
  readonly runId: string;
  readonly s3drVersion: string;
  readonly startedAt: string;
  readonly endedAt: string;
  /** met: every measured objective met; missed: one was not; interrupted; error: could not finish. */
  readonly outcome: 'met' | 'missed' | 'interrupted' | 'error';
  readonly deployment: DeploymentRecord;
  /** The options the drill ran with (targets in seconds, probe count, skipped stages...). */
  readonly settings: Readonly<Record<string, number | string | boolean | readonly string[] | null>>;
  readonly stages: readonly StageRecord[];
  readonly probes: readonly ProbeRecord[];
  readonly events: readonly TimelineEvent[];
  readonly objectives: readonly Objective[];
  readonly undo: readonly UndoRecord[];
}
