import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { AwsClients } from '../../../shared/aws';
import type { Io } from '../../../shared/progress';
import type { Target } from '../../../shared/target';
import type {
  DeploymentRecord,
  Objective,
  ProbeRecord,
  StageName,
  StageStatus,
  TimelineEvent,
} from '../evidence';
import type { PendingUndo, TargetFlags } from '../run-state';
import type { DrillSettings } from '../settings';

/** The clients a drill uses; tests replace the control plane and the access point's data path. */
export interface DrillClients {
  readonly aws: AwsClients;
  /** S3, each request in its bucket's region. */
  readonly s3: S3Client;
  /** S3 Control in a failover control region. @default aws.inRegion(region).s3Control */
  readonly controlIn?: (region: string) => S3ControlClient;
  /** S3 for requests through the Multi-Region Access Point (SigV4A). @default aws.s3 */
  readonly accessPointS3?: S3Client;
}

/** What the drill knows about the deployment once it has looked (see deployment.ts). */
export interface DrillDeployment {
  readonly target: Target;
  readonly record: DeploymentRecord;
  /** The names of the naming contract, when the suffix and the account are known. */
  readonly suffix?: string;
  readonly account?: string;
}

/** What a stage may use and where it leaves what it saw. */
export interface StageContext {
  readonly runId: string;
  readonly settings: DrillSettings;
  readonly deployment: DrillDeployment;
  readonly flags: TargetFlags;
  readonly clients: DrillClients;
  /** Aborted on Ctrl-C: a stage stops waiting, and what it changed is undone. */
  readonly signal: AbortSignal;
  readonly io: Io;
  /** One line on stderr: what the stage does or waits for. */
  log(text: string): void;
  event(kind: TimelineEvent['kind'], detail: string, at?: number): void;
  probes(records: readonly ProbeRecord[]): void;
  /** Records a change to undo if the drill stops before the stage puts it back; saved at once. */
  changed(undo: PendingUndo): Promise<void>;
  /** The stage put it back (or found it back): no longer to undo. */
  restored(undo: PendingUndo, action: string): Promise<void>;
  /** Probes written by earlier stages of this run (the locks and restore stages use them). */
  earlierProbes(): readonly ProbeRecord[];
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** How a stage ended and what it measured. */
export interface StageOutcome {
  readonly status: StageStatus;
  readonly reason?: string;
  readonly measurements?: Readonly<Record<string, number | string | boolean | null>>;
  readonly objectives: readonly Objective[];
}

export interface Stage {
  readonly name: StageName;
  run(ctx: StageContext): Promise<StageOutcome>;
}

/** An objective from a target and a measurement (ms); unmeasured: `met` false with the reason. */
export function objective(
  name: Objective['name'],
  targetMs: number,
  measuredMs: number | null,
  reason?: string,
): Objective {
  const target_seconds = round(targetMs / 1000);
  if (measuredMs === null) {
    return { name, target_seconds, measured_seconds: null, met: false, reason: reason ?? 'not measured' };
  }
  const measured_seconds = round(measuredMs / 1000);
  return {
    name,
    target_seconds,
    measured_seconds,
    met: measuredMs <= targetMs,
    ...(reason ? { reason } : {}),
  };
}

/**
 * A stage's outcome from its objectives: passed when every one is met, else failed, saying which
 * were missed and why (or by how much).
 */
export function judged(
  objectives: readonly Objective[],
  measurements: StageOutcome['measurements'],
): StageOutcome {
  const missed = objectives.filter((o) => !o.met);
  const why = (o: Objective) =>
    o.reason ??
    (o.measured_seconds === null
      ? 'not measured'
      : `${o.measured_seconds}s measured, over the ${o.target_seconds}s target`);
  return {
    status: missed.length ? 'failed' : 'passed',
    ...(missed.length ? { reason: missed.map((o) => `${o.name}: ${why(o)}`).join('; ') } : {}),
    ...(measurements ? { measurements } : {}),
    objectives,
  };
}

/** Seconds with a tenth: what a poll interval can resolve, and what a reader wants. */
export function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}

/** A skipped stage's outcome. */
export function skipped(reason: string): StageOutcome {
  return { status: 'skipped', reason, objectives: [] };
}

/** p50, p95 and max of delays (ms), in seconds; null without delays. */
export function distribution(delaysMs: readonly number[]): {
  p50: number | null;
  p95: number | null;
  max: number | null;
} {
  if (delaysMs.length === 0) return { p50: null, p95: null, max: null };
  const sorted = [...delaysMs].sort((a, b) => a - b);
  // Nearest rank: the smallest delay with at least p% of the delays at or below it.
  const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  return { p50: round(at(50) / 1000), p95: round(at(95) / 1000), max: round(at(100) / 1000) };
}
