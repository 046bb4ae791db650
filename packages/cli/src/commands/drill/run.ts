import { CliError, EXIT } from '../../shared/errors';
import { type Io, notice } from '../../shared/progress';
import {
  EVIDENCE_SCHEMA,
  type Evidence,
  NOT_REACHED,
  STAGES,
  type StageName,
  type StageRecord,
} from './evidence';
import { type PendingUndo, type RunState, saveRunState } from './run-state';
import { failoverStage } from './stages/failover';
import { faultStage } from './stages/fault';
import { locksStage } from './stages/locks';
import { preflightStage } from './stages/preflight';
import { restoreStage } from './stages/restore';
import { rpoStage } from './stages/rpo';
import type { DrillClients, DrillDeployment, Stage, StageContext, StageOutcome } from './stages/types';
import { describeUndo, undoPending } from './undo';

const STAGE_CODE: Readonly<Record<StageName, Stage>> = {
  preflight: preflightStage,
  rpo: rpoStage,
  fault: faultStage,
  failover: failoverStage,
  restore: restoreStage,
  locks: locksStage,
};

export interface DrillRun {
  readonly state: RunState;
  readonly reportDir: string;
  readonly clients: DrillClients;
  readonly deployment: DrillDeployment;
  readonly io: Io;
  readonly signal: AbortSignal;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** How the run ended: the stage that stopped it (an error, a failed preflight), if any. */
export interface RunEnd {
  readonly error?: CliError;
}

/**
 * Runs the stages not yet finished, in order, saving the run state after each step. A missed
 * objective does not stop the drill (the next stages measure other things); an error, a failed
 * preflight or Ctrl-C does. Each stage puts back what it changed; what a stopped stage left is
 * undone afterwards (see {@link finishRun}).
 */
export async function runStages(run: DrillRun): Promise<RunEnd> {
  const { state } = run;
  for (const name of STAGES) {
    if (state.stages.some((s) => s.name === name && s.status !== 'interrupted')) continue;
    state.stages = state.stages.filter((s) => s.name !== name);
    if (state.settings.skip.includes(name)) {
      state.stages.push({ name, status: 'skipped', reason: '--skip' });
      continue;
    }
    if (run.signal.aborted) break;
    const startedAt = run.now();
    state.events.push({ at: iso(startedAt), kind: 'stage-start', detail: name });
    await saveRunState(run.reportDir, state);
    let outcome: StageOutcome;
    let error: CliError | undefined;
    try {
      outcome = await STAGE_CODE[name].run(stageContext(run));
    } catch (err) {
      error =
        err instanceof CliError
          ? err
          : new CliError(`${name}: ${(err as Error)?.message ?? String(err)}`, EXIT.usage, 'internal');
      outcome = { status: 'error', reason: error.message, objectives: [] };
    }
    if (run.signal.aborted && outcome.status !== 'skipped') outcome = { ...outcome, status: 'interrupted' };
    const record: StageRecord = {
      name,
      status: outcome.status,
      ...(outcome.status === 'skipped' ? {} : { startedAt: iso(startedAt), endedAt: iso(run.now()) }),
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      ...(outcome.measurements ? { measurements: outcome.measurements } : {}),
    };
    state.stages.push(record);
    state.objectives = [
      ...state.objectives.filter((o) => !outcome.objectives.some((n) => n.name === o.name)),
      ...outcome.objectives,
    ];
    if (name === 'failover' && typeof outcome.measurements?.accessPoint === 'string' && state.deployment) {
      state.deployment = { ...state.deployment, accessPoint: outcome.measurements.accessPoint };
    }
    state.events.push({
      at: iso(run.now()),
      kind: 'stage-end',
      detail: `${name}: ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}`,
    });
    // A failed preflight has listed its checks, one per line.
    const why =
      outcome.reason && !(name === 'preflight' && outcome.status === 'failed') ? `: ${outcome.reason}` : '';
    notice(run.io, `${name}: ${outcome.status}${why}\n`);
    await saveRunState(run.reportDir, state);
    if (error) return { error };
    if (name === 'preflight' && outcome.status === 'failed') {
      // The FAIL lines printed, one per failed check (a check's message may itself hold a "; ").
      const checks = Number(outcome.measurements?.fail ?? 0);
      return {
        error: new CliError(
          `preflight failed (${checks === 1 ? '1 check' : `${checks} checks`}, listed above): nothing written; fix them or --skip the stages that need them`,
          EXIT.usage,
          'failed',
        ),
      };
    }
    if (outcome.status === 'interrupted') break;
  }
  return {};
}

function stageContext(run: DrillRun): StageContext {
  const { state } = run;
  const save = () => saveRunState(run.reportDir, state);
  return {
    runId: state.runId,
    settings: state.settings,
    deployment: run.deployment,
    flags: state.target,
    clients: run.clients,
    signal: run.signal,
    io: run.io,
    now: run.now,
    sleep: run.sleep,
    log: (text) => notice(run.io, `${text}\n`),
    event: (kind, detail, at = run.now()) => {
      state.events.push({ at: iso(at), kind, detail });
    },
    probes: (records) => {
      state.probes.push(...records);
    },
    async changed(undo) {
      state.pending = [...state.pending.filter((p) => p.kind !== undo.kind), undo];
      await save();
    },
    async restored(undo: PendingUndo, action: string) {
      state.pending = state.pending.filter((p) => p.kind !== undo.kind);
      state.undo.push({ action, done: true, at: iso(run.now()) });
      await save();
    },
    earlierProbes: () => state.probes,
  };
}

/**
 * Undoes what the run left changed (after an error, a failed objective's stop or Ctrl-C) and says
 * in one line what it undid, or what is left to do by hand.
 */
export async function finishRun(run: DrillRun): Promise<void> {
  const { state } = run;
  if (state.pending.length === 0) return;
  notice(run.io, `undoing: ${state.pending.map(describeUndo).join('; ')}\n`);
  const records = await undoPending(run.clients, state, {
    waitMs: 2 * state.settings.rtoMs,
    pollIntervalMs: state.settings.pollIntervalMs,
    now: run.now,
    sleep: (ms) => run.sleep(ms),
  });
  for (const record of records) {
    state.undo.push(record);
    state.events.push({ at: iso(run.now()), kind: 'undo', detail: record.action });
  }
  const done = records.filter((r) => r.done).map((r) => r.action);
  const left = records.filter((r) => !r.done);
  if (done.length) notice(run.io, `undone: ${done.join('; ')}\n`);
  for (const r of left) notice(run.io, `NOT undone: ${r.action}; to finish: ${r.howToFinish}\n`);
  await saveRunState(run.reportDir, state);
}

/** The evidence document of a run as it stands. */
export function evidenceOf(state: RunState, version: string, endedAt: number, end: RunEnd): Evidence {
  const interrupted = state.status === 'interrupted' || state.stages.some((s) => s.status === 'interrupted');
  const outcome: Evidence['outcome'] =
    end.error || state.stages.some((s) => s.status === 'error')
      ? 'error'
      : interrupted
        ? 'interrupted'
        : state.objectives.some((o) => !o.met)
          ? 'missed'
          : 'met';
  const s = state.settings;
  return {
    schema: EVIDENCE_SCHEMA,
    runId: state.runId,
    s3drVersion: version,
    startedAt: state.startedAt,
    endedAt: iso(endedAt),
    outcome,
    deployment: state.deployment ?? {
      suffix: state.target.env ?? null,
      account: null,
      region: '',
      replicaRegion: '',
      primaryBucket: state.target.source ?? '',
      replicaBucket: state.target.replica ?? '',
      ruleIds: [],
      bidirectional: false,
      accessPoint: null,
      replicaObjectLock: null,
    },
    settings: {
      probes: s.probes,
      probeIntervalSeconds: s.probeIntervalMs / 1000,
      pollIntervalSeconds: s.pollIntervalMs / 1000,
      rpoSeconds: s.rpoMs / 1000,
      faultDurationSeconds: s.faultDurationMs / 1000,
      detectSeconds: s.detectMs / 1000,
      rtoSeconds: s.rtoMs / 1000,
      restoreSeconds: s.restoreMs / 1000,
      targetPrefix: s.targetPrefix,
      skip: s.skip,
    },
    stages: STAGES.map(
      (name) =>
        state.stages.find((r) => r.name === name) ?? {
          name,
          status: 'skipped',
          reason: s.skip.includes(name) ? '--skip' : NOT_REACHED,
        },
    ),
    probes: state.probes,
    events: [...state.events].sort((a, b) => a.at.localeCompare(b.at)),
    objectives: state.objectives,
    undo: state.undo,
  };
}

/** Exit code of an ended drill: 0 every measured objective met, 1 one missed or interrupted, 2 an error. */
export function exitCodeOf(evidence: Evidence): number {
  switch (evidence.outcome) {
    case 'met':
      return EXIT.ok;
    case 'missed':
    case 'interrupted':
      return EXIT.findings;
    case 'error':
      return EXIT.usage;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
