import { RESERVED_PREFIX } from 's3-dr-naming';
import { CliError } from '../../shared/errors';
import { STAGES, type StageName } from './evidence';

// What the command line (help, defaults, the plan) and the stages share. Kept apart from the
// stages, which load the AWS SDK, so that `s3-dr drill --help` and the plan stay quick.

/** Where a drill writes: its run's folder under the reserved prefix, never among user data. */
export const DRILL_PREFIX = `${RESERVED_PREFIX}drill/`;

export const DRILL_DEFAULTS = {
  probes: 20,
  probeIntervalMs: 15_000,
  pollIntervalMs: 5_000,
  /** The RTC threshold: 99.99% of objects within 15 minutes. */
  rpoMs: 15 * 60_000,
  faultDurationMs: 15 * 60_000,
  detectMs: 20 * 60_000,
  rtoMs: 3 * 60_000,
  restoreMs: 5 * 60_000,
  targetPrefix: 'restored/',
} as const;

/** Everything a drill runs with, in milliseconds; saved in the run state so --resume goes on alike. */
export interface DrillSettings {
  readonly probes: number;
  readonly probeIntervalMs: number;
  readonly pollIntervalMs: number;
  readonly rpoMs: number;
  readonly faultDurationMs: number;
  readonly detectMs: number;
  readonly rtoMs: number;
  readonly restoreMs: number;
  /** Under the run's folder: where the restore stage writes its copy. */
  readonly targetPrefix: string;
  readonly skip: readonly StageName[];
}

/** `20261205T101500Z-3fa94c`: when the drill started (UTC) and a random part. */
export const RUN_ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

export function newRunId(now: Date, random: string): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${random}`;
}

/** `_s3-dr/drill/<run-id>/`: everything the run writes lies under it. */
export function runPrefix(runId: string): string {
  return `${DRILL_PREFIX}${runId}/`;
}

/** The folder of the probes a stage writes, under the run's folder. */
export function probesPrefix(runId: string, folder: string): string {
  return `${runPrefix(runId)}probes/${folder}/`;
}

/** The default report folder, in the current directory. */
export function defaultReportDir(runId: string): string {
  return `s3-dr-drill-${runId}`;
}

/** Parses --skip: stage names separated by commas; an unknown one is a usage error naming the known. */
export function parseStages(value: string): StageName[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new CliError(`--skip needs stage names, e.g. --skip fault,failover`);
  for (const name of names) {
    if (!(STAGES as readonly string[]).includes(name)) {
      throw new CliError(`--skip '${name}' is not a stage of the drill: the stages are ${STAGES.join(', ')}`);
    }
  }
  return [...new Set(names as StageName[])];
}

/** Parses --resume: a run id as the drill printed it. */
export function parseRunId(value: string): string {
  const id = value.trim();
  if (!RUN_ID_PATTERN.test(id)) {
    throw new CliError(
      `--resume '${value}' is not a drill run id: expected the id a drill printed, e.g. 20261205T101500Z-3fa94c`,
    );
  }
  return id;
}

/** Parses --target-prefix: a relative folder under the run's folder, apart from the probes. */
export function parseTargetPrefix(value: string): string {
  const prefix = value.endsWith('/') ? value : `${value}/`;
  const parts = prefix.slice(0, -1).split('/');
  if (
    value.startsWith('/') ||
    parts.some((p) => p === '' || p === '.' || p === '..') ||
    parts[0] === 'probes'
  ) {
    throw new CliError(
      `--target-prefix '${value}' must be a relative folder under the drill's own prefix (${DRILL_PREFIX}<run-id>/), other than probes/, e.g. restored/`,
    );
  }
  return prefix;
}

/** Refuses a --skip that leaves nothing to drill: preflight alone is a check, not a drill. */
export function checkStagesLeft(skip: readonly StageName[]): void {
  const left = STAGES.filter((stage) => !skip.includes(stage) && stage !== 'preflight');
  if (left.length === 0) {
    throw new CliError(
      `--skip ${skip.join(',')} skips every stage that measures something (${STAGES.filter((s) => s !== 'preflight').join(', ')}): nothing would be drilled; s3-dr status checks the deployment without writing`,
    );
  }
}
