import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AwsClients } from '../../shared/aws';
import type { CommandContext } from '../../shared/context';
import { formatDuration } from '../../shared/duration';
import { CliError, EXIT, errorJson } from '../../shared/errors';
import { interruptSignal } from '../../shared/interrupt';
import { assertBucketsExist } from '../../shared/preflight';
import { notice } from '../../shared/progress';
import { resolveTarget, type Target } from '../../shared/target';
import { packageVersion } from '../../shared/version';
import { sleep } from '../probe/probe';
import { discoverDeployment } from './deployment';
import { type Evidence, NOT_REACHED, type StageName, stageStatusText } from './evidence';
import { formatPlan, planStages } from './plan';
import { writeReport } from './report';
import { stagesNotRun } from './report/facts';
import { evidenceOf, exitCodeOf, finishRun, type RunEnd, runStages } from './run';
import {
  createReportDir,
  loadRunState,
  newRunState,
  type RunState,
  saveRunState,
  type TargetFlags,
} from './run-state';
import { checkStagesLeft, DRILL_PREFIX, type DrillSettings, defaultReportDir, newRunId } from './settings';
import { requirePauseTemplate } from './stages/fault';
import { describeUndo, howToFinish, resumeCommand } from './undo';

/** The options of `s3-dr drill` (see register.ts); durations in ms. */
export interface DrillOptions {
  readonly probes: number;
  readonly probeInterval: number;
  readonly pollInterval: number;
  readonly rpo: number;
  readonly faultDuration: number;
  readonly detect: number;
  readonly rto: number;
  readonly restoreTime: number;
  readonly targetPrefix: string;
  readonly skip: StageName[];
  readonly accessPoint?: string;
  readonly yes: boolean;
  readonly report?: string;
  readonly resume?: string;
}

/** `s3-dr drill`: see register.ts. */
export async function drill(ctx: CommandContext, options: DrillOptions): Promise<number> {
  const resumed = options.resume
    ? await loadRunState(options.report ?? defaultReportDir(options.resume), options.resume)
    : undefined;
  const flags = targetFlags(ctx, options, resumed);
  const settings = resumed?.settings ?? settingsOf(options);
  if (resumed?.status === 'finished' && resumed.pending.length === 0) {
    ctx.io.stderr(
      `drill ${resumed.runId} finished already: nothing to resume (its evidence is in ${options.report ?? defaultReportDir(resumed.runId)})\n`,
    );
    return EXIT.ok;
  }
  const clients = ctx.clients();
  const target = await resolveTarget(flags, () => clients);
  if (!options.yes) {
    // Read only: the plan names the buckets, and a deployment that does not exist is said now.
    await assertBucketsExist(clients, target);
    const refused = await stagesRefused(clients, target, settings);
    return printPlan(ctx, settings, `s3://${target.source} -> s3://${target.replica}`, resumed, refused);
  }
  const runId = resumed?.runId ?? newRunId(new Date(), randomBytes(3).toString('hex'));
  // Read before anything is written: a missing bucket or no access ends the run here, with nothing created.
  const { deployment, s3 } = await discoverDeployment(clients, target, runId);
  const reportDir = options.report ?? defaultReportDir(runId);
  await createReportDir(reportDir);
  const state: RunState = resumed ?? newRunState(runId, new Date(), flags, settings);
  state.status = 'running';
  state.deployment = deployment.record;
  if (options.report !== undefined) state.report = options.report;
  // The timeline shows where a run was stopped and where it went on (the stage bars show only the last attempt).
  if (resumed)
    state.events.push({
      at: new Date().toISOString(),
      kind: 'note',
      detail: `resumed (--resume ${runId}): running the stages it did not finish`,
    });
  await saveRunState(reportDir, state);
  ctx.io.stderr(
    `drill ${runId}: s3://${target.source} -> s3://${target.replica}; run state and evidence in ${reportDir}/\n`,
  );

  const interrupt = interruptSignal(
    () => {
      state.events.push({
        at: new Date().toISOString(),
        kind: 'note',
        detail:
          'interrupted (Ctrl-C or SIGTERM): the drill ended the stage, stopped watching its probes and undid what it changed',
      });
      notice(
        ctx.io,
        '\ninterrupted: ending the stage, then undoing what the drill changed (Ctrl-C again quits at once)\n',
      );
    },
    () => {
      const left = state.pending.map((undo) => `${describeUndo(undo)}: ${howToFinish(undo, state)}`);
      ctx.io.stderr(
        left.length
          ? `\nquitting at once; left to undo by hand: ${left.join('; ')}\n`
          : `\nquitting at once; nothing of the deployment is left changed (the run can go on: ${resumeCommand(state)})\n`,
      );
    },
    // A cancelled CI job gets SIGTERM: the drill undoes what it changed then too.
    ['SIGINT', 'SIGTERM'],
  );
  const run = {
    state,
    reportDir,
    clients: { aws: clients, s3 },
    deployment,
    io: ctx.io,
    signal: interrupt.signal,
    now: Date.now,
    sleep,
  };
  let end: RunEnd = {};
  try {
    if (state.pending.length) await finishRun(run);
    end = await runStages(run);
    if (interrupt.signal.aborted) state.status = 'interrupted';
    await finishRun(run);
  } finally {
    interrupt.release();
  }
  state.status = interrupt.signal.aborted ? 'interrupted' : end.error ? 'error' : 'finished';
  await saveRunState(reportDir, state);
  const evidence = evidenceOf(state, packageVersion(), Date.now(), end);
  // evidence.json, report.html and report.md.
  await writeReport(reportDir, evidence);
  if (end.error) ctx.io.stderr(`s3-dr: ${end.error.message}\n`);
  const resumeHint =
    state.status === 'interrupted' ? `\nto run the stages it did not finish: ${resumeCommand(state)}` : '';
  // --json: the evidence, and on a failure the error object every --json failure prints (docs/cli.md).
  ctx.print(
    `${formatSummary(evidence, reportDir)}${resumeHint}`,
    end.error ? { ...evidence, error: errorJson(end.error) } : evidence,
  );
  return end.error ? end.error.exitCode : exitCodeOf(evidence);
}

function settingsOf(options: DrillOptions): DrillSettings {
  checkStagesLeft(options.skip);
  return {
    probes: options.probes,
    probeIntervalMs: options.probeInterval,
    pollIntervalMs: options.pollInterval,
    rpoMs: options.rpo,
    faultDurationMs: options.faultDuration,
    detectMs: options.detect,
    rtoMs: options.rto,
    restoreMs: options.restoreTime,
    targetPrefix: options.targetPrefix,
    skip: options.skip,
  };
}

/** The target as given now, else as the resumed run had it. */
function targetFlags(ctx: CommandContext, options: DrillOptions, resumed: RunState | undefined): TargetFlags {
  const o = ctx.options;
  const given =
    o.env !== undefined || o.outputs !== undefined || o.source !== undefined || o.replica !== undefined;
  if (!given && resumed) return resumed.target;
  return {
    ...(o.env !== undefined ? { env: o.env } : {}),
    ...(o.outputs !== undefined ? { outputs: o.outputs } : {}),
    ...(o.source !== undefined ? { source: o.source } : {}),
    ...(o.replica !== undefined ? { replica: o.replica } : {}),
    ...(o.region !== undefined ? { region: o.region } : {}),
    ...(options.accessPoint !== undefined ? { accessPoint: options.accessPoint } : {}),
    ...(o.replicaProfile !== undefined ? { replicaProfile: o.replicaProfile } : {}),
    ...(o.replicaRoleArn !== undefined ? { replicaRoleArn: o.replicaRoleArn } : {}),
  };
}

/**
 * The stages preflight is known to refuse, read before the plan (without writing): `fault` without
 * the deployment's pause template. Anything else that could not be read is left to preflight.
 */
async function stagesRefused(
  clients: AwsClients,
  target: Target,
  settings: DrillSettings,
): Promise<Partial<Record<StageName, string>>> {
  if (settings.skip.includes('fault')) return {};
  const { deployment } = await discoverDeployment(clients, target, 'plan');
  try {
    await requirePauseTemplate({ clients: { aws: clients, s3: clients.s3 }, deployment, settings });
    return {};
  } catch (err) {
    // The drill's own refusals (no template, too short a pause); an AWS error is left to preflight.
    if (err instanceof CliError && (err.code === 'not-found' || err.code === 'usage'))
      return { fault: err.message };
    return {};
  }
}

function printPlan(
  ctx: CommandContext,
  settings: DrillSettings,
  where: string,
  resumed: RunState | undefined,
  refused: Partial<Record<StageName, string>>,
): number {
  const heading = resumed
    ? `s3-dr drill --resume ${resumed.runId}: would first undo ${resumed.pending.length ? resumed.pending.map(describeUndo).join('; ') : 'nothing (nothing is left changed)'}, then run the stages it did not finish`
    : 's3-dr drill: the plan';
  const text = `${formatPlan(settings, where, heading, refused)}Nothing written: add --yes to run the drill.\n`;
  ctx.print(text, {
    plan: planStages(settings, refused),
    settings,
    resume: resumed?.runId ?? null,
    note: 'nothing written: add --yes to run the drill',
  });
  return EXIT.ok;
}

/** The objectives table, the stages that did not pass, what was undone, where the evidence is. */
export function formatSummary(evidence: Evidence, dir: string): string {
  const lines = [
    `s3-dr drill ${evidence.runId}: s3://${evidence.deployment.primaryBucket} -> s3://${evidence.deployment.replicaBucket}`,
    '',
  ];
  for (const stage of evidence.stages) {
    const status = stageStatusText(stage);
    const detail = status === NOT_REACHED ? '' : (stage.reason ?? figures(stage));
    lines.push(`  ${stage.name.padEnd(10)} ${status.padEnd(11)} ${detail}`.trimEnd());
  }
  lines.push('');
  if (evidence.objectives.length === 0) lines.push('no objective measured');
  else lines.push(`  ${'objective'.padEnd(15)} ${'target'.padEnd(10)} ${'measured'.padEnd(10)} met`);
  for (const o of evidence.objectives) {
    const seconds = (s: number | null) =>
      s === null
        ? '-'
        : o.name === 'replica-locked'
          ? `${Math.round((s / 86_400) * 10) / 10}d`
          : formatDuration(s * 1000);
    const by =
      o.measured_seconds !== null && !o.met && o.name !== 'replica-locked'
        ? ` (over by ${formatDuration((o.measured_seconds - o.target_seconds) * 1000)})`
        : '';
    lines.push(
      `  ${o.name.padEnd(15)} ${seconds(o.target_seconds).padEnd(10)} ${seconds(o.measured_seconds).padEnd(10)} ${o.met ? 'yes' : 'NO'}${by}${o.reason ? `: ${o.reason}` : ''}`,
    );
  }
  // An interrupted or failed run always says whether anything is left changed.
  if (evidence.undo.length === 0 && (evidence.outcome === 'interrupted' || evidence.outcome === 'error'))
    lines.push(
      `nothing to undo: the drill left the deployment as it found it${evidence.probes.length > 0 ? ` (its probe objects stay under ${DRILL_PREFIX}${evidence.runId}/)` : ''}`,
    );
  for (const u of evidence.undo)
    lines.push(
      `${u.done ? 'undone' : 'NOT undone'}: ${u.action}${u.howToFinish ? `; to finish: ${u.howToFinish}` : ''}`,
    );
  // The same rule as the reports: an outcome never hides what was not measured.
  const notMeasured = stagesNotRun(evidence);
  lines.push('', `outcome: ${evidence.outcome}${notMeasured}; evidence: ${join(dir, 'evidence.json')}`);
  return `${lines.join('\n')}\n`;
}

/** The figures a passed stage is read for, in a few words. */
function figures(stage: Evidence['stages'][number]): string {
  const m = stage.measurements ?? {};
  const s = (v: unknown) => (typeof v === 'number' ? formatDuration(v * 1000) : '-');
  switch (stage.name) {
    case 'rpo':
      return `${m.arrived}/${m.probes} probes: p50 ${s(m.p50)}, p95 ${s(m.p95)}, max ${s(m.max)}`;
    case 'restore':
      return `${m.copied} objects restored as of ${m.restorePoint} in ${s(m.totalSeconds)} (${m.objectsPerSecond}/s), ${m.verified} verified${m.vaultRead === false ? "; from the primary's versions, the vault not read" : ''}`;
    default:
      return '';
  }
}
