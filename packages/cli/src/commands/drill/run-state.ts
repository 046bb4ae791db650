import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, EXIT } from '../../shared/errors';
import { why } from '../../shared/report';
import type {
  DeploymentRecord,
  Objective,
  ProbeRecord,
  StageRecord,
  TimelineEvent,
  UndoRecord,
} from './evidence';
import type { DrillSettings } from './settings';

/** Identifies the run-state format; a reader refuses another. */
export const RUN_STATE_SCHEMA = 's3-dr/drill-run-state/v1';
export const RUN_STATE_FILE = 'run-state.json';

/** How the operator named the deployment, so that --resume finds it again without asking. */
export interface TargetFlags {
  readonly env?: string;
  readonly outputs?: string;
  readonly source?: string;
  readonly replica?: string;
  readonly region?: string;
  readonly accessPoint?: string;
  /** The replica side's credentials (a vault in another account), so that --resume hints name them. */
  readonly replicaProfile?: string;
  readonly replicaRoleArn?: string;
}

/** Something the drill changed in the deployment and has not put back yet. */
export type PendingUndo =
  | {
      readonly kind: 'experiment';
      /** Unknown while StartExperiment is in flight: then the experiment is found by its tag. */
      readonly id?: string;
      readonly templateId: string;
      readonly region: string;
    }
  | {
      readonly kind: 'routes';
      readonly account: string;
      readonly accessPointArn: string;
      /** The routes as they were before the drill moved them, to put back. */
      readonly primary: { readonly bucket: string; readonly region: string };
      readonly replica: { readonly bucket: string; readonly region: string };
      readonly since: string;
    };

/**
 * A drill's progress, kept in the report folder and rewritten after every step: what ran, what it
 * measured, and what is left to undo. `--resume <run-id>` reads it to undo and go on.
 */
export interface RunState {
  readonly schema: typeof RUN_STATE_SCHEMA;
  readonly runId: string;
  readonly startedAt: string;
  status: 'running' | 'finished' | 'interrupted' | 'error';
  readonly target: TargetFlags;
  readonly settings: DrillSettings;
  deployment?: DeploymentRecord;
  stages: StageRecord[];
  probes: ProbeRecord[];
  events: TimelineEvent[];
  objectives: Objective[];
  undo: UndoRecord[];
  pending: PendingUndo[];
  /** The --report folder as given (absent: the default folder), so that the hints to resume name it. */
  report?: string;
  /** Epoch ms before which the restore stage's objects were in their original state (restore stage). */
  restorePoint?: string;
}

export function newRunState(
  runId: string,
  startedAt: Date,
  target: TargetFlags,
  settings: DrillSettings,
): RunState {
  return {
    schema: RUN_STATE_SCHEMA,
    runId,
    startedAt: startedAt.toISOString(),
    status: 'running',
    target,
    settings,
    stages: [],
    probes: [],
    events: [],
    objectives: [],
    undo: [],
    pending: [],
  };
}

/** Creates the report folder (and its parents); a usage error in words when it cannot. */
export async function createReportDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new CliError(`cannot create the report folder ${dir}: ${why(dir, err as NodeJS.ErrnoException)}`);
  }
}

/** Writes the state (to a temporary file, then renamed: a crash never leaves half a file). */
export async function saveRunState(dir: string, state: RunState): Promise<void> {
  const path = join(dir, RUN_STATE_FILE);
  const temporary = `${path}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, 'utf8');
    await rename(temporary, path);
  } catch (err) {
    throw new CliError(
      `cannot write the drill's run state ${path}: ${why(path, err as NodeJS.ErrnoException)}`,
      EXIT.usage,
    );
  }
}

/**
 * Reads the state of run `runId` from `dir`. No such file: one line, exit 2, naming where it
 * looked and how to point elsewhere.
 */
export async function loadRunState(dir: string, runId: string): Promise<RunState> {
  const path = join(dir, RUN_STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') {
      throw new CliError(
        `no drill run ${runId} to resume: ${path} does not exist (pass --report <dir> with the folder the drill wrote its report to)`,
        EXIT.usage,
        'not-found',
      );
    }
    throw new CliError(`cannot read ${path}: ${why(path, e)}`);
  }
  let state: RunState;
  try {
    state = JSON.parse(text) as RunState;
  } catch {
    throw new CliError(`${path} is not a drill run state (not JSON): was it edited?`);
  }
  if (state?.schema !== RUN_STATE_SCHEMA) {
    throw new CliError(`${path} is not a drill run state of this s3-dr (schema ${String(state?.schema)})`);
  }
  if (state.runId !== runId) {
    throw new CliError(`${path} holds drill run ${state.runId}, not ${runId}: check --resume and --report`);
  }
  return state;
}
