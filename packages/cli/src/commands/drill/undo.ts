import { controlRegionOrder, getRoutes, submitRoutes } from '../../shared/access-point';
import { formatDuration } from '../../shared/duration';
import type { UndoRecord } from './evidence';
import type { PendingUndo, RunState, TargetFlags } from './run-state';
import { findRunExperiment, getExperiment, hasEnded, stopExperiment } from './stages/experiment';
import type { DrillClients } from './stages/types';

/** What a pending change is, in words, for the line that says what was undone. */
export function describeUndo(undo: PendingUndo): string {
  return undo.kind === 'experiment'
    ? `stop AWS FIS experiment ${undo.id ?? `(started from template ${undo.templateId})`}`
    : `route the access point ${undo.accessPointArn} back to the primary ${undo.primary.bucket}`;
}

/** How to undo a pending change by hand: the command to run. */
export function howToFinish(undo: PendingUndo, state: ResumableRun): string {
  const resume = resumeCommand(state);
  if (undo.kind === 'experiment') {
    const stop = undo.id
      ? `aws fis stop-experiment --id ${undo.id} --region ${undo.region}`
      : `aws fis list-experiments --region ${undo.region} (the one tagged s3-dr-drill=${state.runId}), then aws fis stop-experiment --id <id>`;
    return `${stop}, or ${resume}`;
  }
  const routes = `Bucket=${undo.primary.bucket},Region=${undo.primary.region},TrafficDialPercentage=100 Bucket=${undo.replica.bucket},Region=${undo.replica.region},TrafficDialPercentage=0`;
  return `aws s3control submit-multi-region-access-point-routes --region us-west-2 --account-id ${undo.account} --mrap ${undo.accessPointArn} --route-updates ${routes}, or ${resume}`;
}

type ResumableRun = Pick<RunState, 'runId' | 'target' | 'report'>;

/** The command that resumes the run: its target flags, its --report folder when one was given. */
export function resumeCommand(state: ResumableRun): string {
  const report = state.report !== undefined ? ` --report ${state.report}` : '';
  return `s3-dr drill ${flagsOf(state.target)}${report} --resume ${state.runId} --yes`;
}

/** The target flags again, as the operator gave them. */
export function flagsOf(target: TargetFlags): string {
  const parts = [
    ...(target.env !== undefined ? [`--env ${target.env}`] : []),
    ...(target.outputs !== undefined ? [`--outputs ${target.outputs}`] : []),
    ...(target.source !== undefined ? [`--source ${target.source} --replica ${target.replica}`] : []),
    ...(target.accessPoint !== undefined ? [`--access-point ${target.accessPoint}`] : []),
    ...(target.region !== undefined ? [`--region ${target.region}`] : []),
    ...(target.replicaProfile !== undefined ? [`--replica-profile ${target.replicaProfile}`] : []),
    ...(target.replicaRoleArn !== undefined ? [`--replica-role-arn ${target.replicaRoleArn}`] : []),
  ];
  return parts.join(' ');
}

/**
 * Undoes every pending change, each on its own (one failing does not keep the other from being
 * tried): stops the experiment (found by its tag when its id was never recorded), routes the
 * access point back to the primary and waits until the control plane reports it (up to `waitMs`).
 * Returns what was done and, for what was not, how to finish.
 */
export async function undoPending(
  clients: DrillClients,
  state: RunState,
  options: {
    readonly waitMs: number;
    readonly pollIntervalMs: number;
    readonly now: () => number;
    readonly sleep: (ms: number) => Promise<void>;
  },
): Promise<UndoRecord[]> {
  const records: UndoRecord[] = [];
  for (const undo of [...state.pending]) {
    const action = describeUndo(undo);
    try {
      const done =
        undo.kind === 'experiment'
          ? await undoExperiment(clients, state.runId, undo)
          : await undoRoutes(clients, undo, options);
      records.push({ action: done, done: true, at: new Date(options.now()).toISOString() });
      state.pending = state.pending.filter((p) => p !== undo);
    } catch (err) {
      records.push({
        action: `${action} failed: ${(err as Error).message.split('\n')[0]}`,
        done: false,
        howToFinish: howToFinish(undo, state),
      });
    }
  }
  return records;
}

async function undoExperiment(
  clients: DrillClients,
  runId: string,
  undo: Extract<PendingUndo, { kind: 'experiment' }>,
): Promise<string> {
  const fis = clients.aws.inRegion(undo.region).fis;
  const id = undo.id ?? (await findRunExperiment(fis, runId));
  if (!id) return `no AWS FIS experiment of this drill had started (template ${undo.templateId})`;
  const before = await getExperiment(fis, id).catch(() => undefined);
  if (hasEnded(before)) return `AWS FIS experiment ${id} had already ended (${before?.state?.status})`;
  await stopExperiment(fis, id);
  return `stopped AWS FIS experiment ${id}: S3 resumes replication as the pause ends`;
}

async function undoRoutes(
  clients: DrillClients,
  undo: Extract<PendingUndo, { kind: 'routes' }>,
  options: {
    readonly waitMs: number;
    readonly pollIntervalMs: number;
    readonly now: () => number;
    readonly sleep: (ms: number) => Promise<void>;
  },
): Promise<string> {
  const controlIn = clients.controlIn ?? ((region: string) => clients.aws.inRegion(region).s3Control);
  const regions = controlRegionOrder(undo.replica.region);
  const updates = [
    { Bucket: undo.primary.bucket, Region: undo.primary.region, TrafficDialPercentage: 100 },
    { Bucket: undo.replica.bucket, Region: undo.replica.region, TrafficDialPercentage: 0 },
  ];
  const current = await getRoutes(controlIn, undo.account, undo.accessPointArn, regions);
  const isBack = (routes: typeof current.routes) =>
    updates.every((u) =>
      routes.some((r) => r.Bucket === u.Bucket && (r.TrafficDialPercentage ?? 0) === u.TrafficDialPercentage),
    );
  if (isBack(current.routes))
    return `the access point ${undo.accessPointArn} already routed to the primary alone`;
  await submitRoutes(controlIn, undo.account, undo.accessPointArn, updates, regions);
  const started = options.now();
  for (;;) {
    const { routes } = await getRoutes(controlIn, undo.account, undo.accessPointArn, regions);
    if (isBack(routes))
      return `routed the access point ${undo.accessPointArn} back to the primary (primary 100, replica 0)`;
    if (options.now() - started >= options.waitMs) {
      return `submitted the routes back to the primary (primary 100, replica 0) for ${undo.accessPointArn}; the control plane did not report them within ${formatDuration(options.waitMs)}: check with s3-dr status`;
    }
    await options.sleep(options.pollIntervalMs);
  }
}
