import type { FisClient } from '@aws-sdk/client-fis';
import { deploymentNames } from 's3-dr-naming';
import { formatDuration } from '../../../shared/duration';
import { CliError, EXIT } from '../../../shared/errors';
import { count } from '../../../shared/text';
import type { Objective } from '../evidence';
import type { PendingUndo } from '../run-state';
import { type AlarmTransition, firstAlarm, watchedAlarms } from './alarm-history';
import {
  findPauseTemplate,
  getExperiment,
  hasEnded,
  type PauseTemplate,
  pauseEnd,
  pauseStart,
  startExperiment,
  stopExperiment,
} from './experiment';
import { probeStage } from './rpo';
import { judged, objective, round, type Stage, type StageContext } from './types';

/**
 * The deployment's pause template, or a "cannot start" error saying how to get one. Its longest
 * pause must cover --fault-duration: FIS ends the action then, whatever the drill asks.
 */
export async function requirePauseTemplate(
  ctx: Pick<StageContext, 'clients' | 'deployment' | 'settings'>,
): Promise<PauseTemplate> {
  const { target, suffix, account } = ctx.deployment;
  const name =
    suffix !== undefined && account !== undefined
      ? deploymentNames(suffix, account).drillExperimentTemplate
      : undefined;
  const template = await findPauseTemplate(ctx.clients.aws.fis, target.drillExperimentTemplateId, name);
  if (!template) {
    throw new CliError(
      `no AWS FIS experiment template to pause replication (${target.drillExperimentTemplateId ? `template ${target.drillExperimentTemplateId}` : name ? `none tagged Name=${name}` : 'the deployment suffix is unknown: name it with --env'}): deploy with -c drill=true, or --skip fault`,
      EXIT.usage,
      'not-found',
    );
  }
  if (template.maxPauseMs !== undefined && ctx.settings.faultDurationMs > template.maxPauseMs) {
    throw new CliError(
      `--fault-duration ${formatDuration(ctx.settings.faultDurationMs)} is longer than template ${template.id} pauses at most (${formatDuration(template.maxPauseMs)}): choose at most that`,
    );
  }
  return template;
}

/**
 * `fault`: pauses replication with the deployment's FIS template for --fault-duration (stopping the
 * experiment then; S3 resumes replication when the action ends), writes probes during the pause,
 * and measures `detection` (pause start to the first of this deployment's replication alarms in
 * ALARM; target --detect) and `catch-up` (pause end until every probe written during it is in the
 * other bucket; target --rpo). A probe that arrives during the pause means the pause did not hold:
 * the drill says so instead of measuring a catch-up.
 */
export const faultStage: Stage = {
  name: 'fault',
  async run(ctx) {
    const { settings, deployment } = ctx;
    const fis = ctx.clients.aws.fis;
    const template = await requirePauseTemplate(ctx);
    const undo: PendingUndo = { kind: 'experiment', templateId: template.id, region: ctx.clients.aws.region };
    await ctx.changed(undo);
    const started = await startExperiment(fis, template.id, ctx.runId, ctx.now());
    const id = started.id as string;
    await ctx.changed({ ...undo, id });
    ctx.log(
      `fault: started AWS FIS experiment ${id} (template ${template.id}); waiting for the pause to begin`,
    );
    const running = await waitFor(ctx, fis, id, (e) => e.state?.status === 'running' || hasEnded(e));
    if (!running || hasEnded(running)) {
      const why = running
        ? `experiment ${id} ended before the pause began: ${running.state?.status} (${running.state?.reason ?? 'no reason given'})`
        : 'interrupted before the pause began';
      return { status: running ? 'error' : 'interrupted', reason: why, objectives: unmeasured(ctx, why) };
    }
    const start = pauseStart(running) ?? ctx.now();
    ctx.event('fault-start', `replication paused by AWS FIS experiment ${id}`, start);
    const end = start + settings.faultDurationMs;
    const probes = Math.max(
      1,
      Math.min(settings.probes, Math.floor(settings.faultDurationMs / Math.max(settings.probeIntervalMs, 1))),
    );

    const names =
      deployment.suffix !== undefined && deployment.account !== undefined
        ? deploymentNames(deployment.suffix, deployment.account)
        : undefined;
    const detection = names
      ? watchDetection(
          ctx,
          watchedAlarms(
            names,
            deployment.record.region,
            deployment.record.replicaRegion,
            deployment.record.bidirectional,
          ),
          start,
        )
      : Promise.resolve({
          reason: 'the deployment suffix is unknown (name it with --env): its alarms cannot be named',
        } as Detection);
    // A missed detection while the pause still runs ends the pause at once: the objective is
    // missed already, and a longer pause would only delay replication further.
    const missed = new AbortController();
    detection.then(
      (d) => {
        if (d.missed) missed.abort();
      },
      () => missed.abort(),
    );
    const ended = endPause(ctx, fis, id, end, missed.signal);
    // A failure ending the pause stops the wait for the probes too (the undo stops the experiment).
    const probing = new AbortController();
    const stopProbing = () => probing.abort();
    ctx.signal.addEventListener('abort', stopProbing, { once: true });
    ended.catch(stopProbing);
    ctx.log(
      `fault: pause holds until ${new Date(end).toISOString()} (${formatDuration(settings.faultDurationMs)}); writing ${count(probes, 'probe')} meanwhile, then timing their catch-up (up to ${formatDuration(settings.rpoMs)}); watching the alarms for up to ${formatDuration(settings.detectMs)}`,
    );
    const interval =
      probes > 1 ? Math.min(settings.probeIntervalMs, Math.floor(settings.faultDurationMs / probes)) : 0;
    // Forward only: the template pauses the primary's rule; whether it pauses the way back too
    // depends on the topology (a same-region two-way pair), and a probe of an unpaused direction
    // would read as a pause that did not hold.
    const reports = await probeStage(ctx, 'fault', {
      probes,
      intervalMs: interval,
      timeoutMs: settings.faultDurationMs + settings.rpoMs + settings.pollIntervalMs,
      signal: probing.signal,
      back: false,
    });
    ctx.signal.removeEventListener('abort', stopProbing);
    const [pause, detected] = await Promise.all([ended, detection]);
    if (pause.end !== undefined) ctx.event('fault-end', `replication pause ended (${pause.how})`, pause.end);
    if (detected.transition) {
      const t = detected.transition;
      ctx.event('alarm', `${t.alarm} (${t.region}): ${t.change}`, t.at);
    }
    if (ctx.signal.aborted) {
      return { status: 'interrupted', reason: 'interrupted during the fault', objectives: [] };
    }
    if (pause.error) {
      return { status: 'error', reason: pause.error, objectives: unmeasured(ctx, pause.error) };
    }

    const detectionObjective = detected.transition
      ? objective('detection', settings.detectMs, detected.transition.at - start)
      : objective(
          'detection',
          settings.detectMs,
          null,
          detected.reason ??
            `no alarm of this deployment entered ALARM within ${formatDuration(settings.detectMs)} of the pause`,
        );
    const seen = reports.flatMap((r) => r.probes.filter((p) => p.writtenAt !== undefined));
    const early = seen.filter(
      (p) => p.seenAt !== undefined && pause.end !== undefined && p.seenAt < pause.end,
    );
    const missing = seen.filter((p) => p.seenAt === undefined);
    const lastSeen = Math.max(...seen.map((p) => p.seenAt ?? 0));
    const catchUp =
      early.length > 0
        ? objective(
            'catch-up',
            settings.rpoMs,
            null,
            `${count(early.length, 'probe')} arrived during the pause: replication was not paused, so no catch-up could be measured`,
          )
        : missing.length > 0 || pause.end === undefined
          ? objective(
              'catch-up',
              settings.rpoMs,
              null,
              `${count(missing.length, 'probe')} of ${seen.length} written during the pause had not arrived ${formatDuration(settings.rpoMs)} after it ended`,
            )
          : objective('catch-up', settings.rpoMs, Math.max(0, lastSeen - pause.end));
    const objectives: Objective[] = [detectionObjective, catchUp];
    return judged(objectives, {
      experimentId: id,
      templateId: template.id,
      pauseSeconds: pause.end === undefined ? null : round((pause.end - start) / 1000),
      probes: seen.length,
      arrivedDuringPause: early.length,
      firstAlarm: detected.transition?.alarm ?? null,
    });
  },
};

function unmeasured(ctx: StageContext, why: string): Objective[] {
  return [
    objective('detection', ctx.settings.detectMs, null, why),
    objective('catch-up', ctx.settings.rpoMs, null, why),
  ];
}

interface Detection {
  readonly transition?: AlarmTransition;
  readonly reason?: string;
  /** --detect passed without a transition: the objective is missed. */
  readonly missed?: boolean;
}

/** Polls the alarms' history until one entered ALARM after `start`, or --detect has passed. */
async function watchDetection(
  ctx: StageContext,
  alarms: Map<string, string[]>,
  start: number,
): Promise<Detection> {
  const deadline = start + ctx.settings.detectMs;
  const cloudWatchIn = (region: string) => ctx.clients.aws.inRegion(region).cloudWatch;
  for (;;) {
    const now = ctx.now();
    const transition = await firstAlarm(cloudWatchIn, alarms, start, Math.min(now, deadline) + 1000);
    if (transition && transition.at <= deadline) return { transition };
    if (ctx.signal.aborted) return {};
    if (now >= deadline) return { missed: true };
    await ctx.sleep(Math.min(ctx.settings.pollIntervalMs, deadline - now), ctx.signal);
  }
}

/**
 * Ends the pause at `end`: stops the experiment if it still runs (FIS ends the action, and S3
 * resumes replication), then follows it until it has ended. On Ctrl-C it leaves the stop to the
 * undo.
 */
async function endPause(
  ctx: StageContext,
  fis: FisClient,
  id: string,
  end: number,
  early: AbortSignal,
): Promise<{ end?: number; how?: string; error?: string }> {
  await ctx.sleep(Math.max(0, end - ctx.now()), AbortSignal.any([ctx.signal, early]));
  if (ctx.signal.aborted) return {};
  let experiment = await getExperiment(fis, id);
  let how = `experiment ${experiment.state?.status ?? 'ended'} by itself`;
  if (!hasEnded(experiment)) {
    await stopExperiment(fis, id);
    how =
      early.aborted && ctx.now() < end
        ? `experiment ${id} stopped by the drill early: detection missed its objective`
        : `experiment ${id} stopped by the drill after --fault-duration`;
  }
  const last = await waitFor(ctx, fis, id, hasEnded);
  if (!last) return {};
  experiment = last;
  await ctx.restored(
    { kind: 'experiment', id, templateId: '', region: ctx.clients.aws.region },
    `AWS FIS experiment ${id} ${experiment.state?.status}`,
  );
  if (experiment.state?.status === 'failed') {
    return {
      end: pauseEnd(experiment) ?? ctx.now(),
      error: `experiment ${id} failed: ${experiment.state?.reason ?? 'no reason given'}`,
    };
  }
  return { end: pauseEnd(experiment) ?? ctx.now(), how };
}

/** Polls the experiment until `done` holds; undefined when interrupted. */
async function waitFor(
  ctx: StageContext,
  fis: FisClient,
  id: string,
  done: (e: Awaited<ReturnType<typeof getExperiment>>) => boolean,
): Promise<Awaited<ReturnType<typeof getExperiment>> | undefined> {
  for (;;) {
    const experiment = await getExperiment(fis, id);
    if (done(experiment)) return experiment;
    if (ctx.signal.aborted) return undefined;
    await ctx.sleep(ctx.settings.pollIntervalMs, ctx.signal);
  }
}
