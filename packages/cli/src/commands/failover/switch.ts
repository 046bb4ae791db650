import { type ControlFailure, controlRegionOrder, getRoutes, submitRoutes } from '../../shared/access-point';
import { formatDuration } from '../../shared/duration';
import { count } from '../../shared/text';
import {
  type AccessPointDeployment,
  controlIn,
  type FailoverClients,
  formatSides,
  type Side,
} from './deployment';
import type { Finding } from './readiness';

/** Which side a switch makes active: failover the replica, failback the primary. */
export type Direction = 'failover' | 'failback';

export interface SwitchOptions {
  /** Apply the plan; without it only the plan and the readiness are shown. */
  readonly yes: boolean;
  /** Switch even when a readiness check failed. */
  readonly force: boolean;
  /** Poll the routes until the control plane reports the new ones. */
  readonly wait: boolean;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * What a failover or failback did: `switched` (routes submitted), `refused` (a readiness check
 * failed, no --force), `planned` (no --yes), `already` (the side is already the only active one).
 */
export interface SwitchResult {
  readonly command: Direction;
  readonly outcome: 'switched' | 'refused' | 'planned' | 'already';
  readonly accessPoint: AccessPointDeployment['accessPoint'];
  readonly before: { readonly primary: Side; readonly replica: Side };
  readonly after: { readonly primary: Side; readonly replica: Side };
  readonly findings: readonly Finding[];
  readonly ready: boolean;
  readonly forced: boolean;
  /** When the routes were submitted (ISO): writes on the new side start after this. */
  readonly startedAt?: string;
  /** The control region that took the routes, and those that failed before it. */
  readonly controlRegion?: string;
  readonly controlFailures: readonly ControlFailure[];
  /** The control regions that failed while the routes were submitted (also in controlFailures). */
  readonly submitFailures?: readonly ControlFailure[];
  /** With --wait: whether the control plane reported the new routes, after how long. */
  readonly waited?: { readonly applied: boolean; readonly seconds: number; readonly error?: string };
}

/** The routes a direction asks for: the side to activate at 100, the other at 0. */
export function plannedSides(deployment: AccessPointDeployment, direction: Direction): SwitchResult['after'] {
  const active = direction === 'failover' ? 'replica' : 'primary';
  return {
    primary: { ...deployment.primary, dial: active === 'primary' ? 100 : 0 },
    replica: { ...deployment.replica, dial: active === 'replica' ? 100 : 0 },
  };
}

/**
 * The common part of failover and failback: shows the routes, the plan and the readiness
 * (through `onPlan`, before anything changes), then, with --yes and when ready or --force,
 * submits the routes through the first control region that answers (the region being left last)
 * and with --wait polls them until the control plane reports them.
 */
export async function switchRoutes(
  clients: FailoverClients,
  deployment: AccessPointDeployment,
  direction: Direction,
  findings: readonly Finding[],
  options: SwitchOptions,
  onPlan: (text: string) => void,
): Promise<SwitchResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const after = plannedSides(deployment, direction);
  const ready = findings.every((f) => f.status !== 'FAIL');
  const already =
    deployment.primary.dial === after.primary.dial && deployment.replica.dial === after.replica.dial;
  const base = {
    command: direction,
    accessPoint: deployment.accessPoint,
    before: { primary: deployment.primary, replica: deployment.replica },
    after,
    findings,
    ready,
    forced: options.force && !ready,
    controlFailures: deployment.controlFailures,
  };
  onPlan(formatPlan(deployment, direction, after, findings, already));
  // No control region could read the routes: the plan and the readiness are shown, then why.
  if (deployment.routesError) throw deployment.routesError;
  if (already) return { ...base, outcome: 'already', forced: false };
  if (!ready && !options.force) return { ...base, outcome: 'refused' };
  if (!options.yes) return { ...base, outcome: 'planned' };

  const leaving = direction === 'failover' ? deployment.primary.region : deployment.replica.region;
  const regions = controlRegionOrder(leaving);
  const startedAt = new Date(now()).toISOString();
  const updates = [after.primary, after.replica].map((s) => ({
    Bucket: s.bucket,
    Region: s.region,
    TrafficDialPercentage: s.dial,
  }));
  const submitted = await submitRoutes(
    controlIn(clients),
    deployment.account,
    deployment.accessPoint.arn,
    updates,
    regions,
  );
  const result: SwitchResult = {
    ...base,
    outcome: 'switched',
    startedAt,
    controlRegion: submitted.region,
    controlFailures: [...deployment.controlFailures, ...submitted.failures],
    submitFailures: submitted.failures,
  };
  if (!options.wait) return result;
  const started = now();
  for (;;) {
    let routes: Awaited<ReturnType<typeof getRoutes>>['routes'];
    try {
      ({ routes } = await getRoutes(
        controlIn(clients),
        deployment.account,
        deployment.accessPoint.arn,
        regions,
      ));
    } catch (err) {
      // The routes were submitted: say so, and that they could not be read back, rather than fail.
      const seconds = Math.round((now() - started) / 1000);
      return { ...result, waited: { applied: false, seconds, error: (err as Error).message } };
    }
    const applied = updates.every((u) =>
      routes.some((r) => r.Bucket === u.Bucket && (r.TrafficDialPercentage ?? 0) === u.TrafficDialPercentage),
    );
    const elapsed = now() - started;
    if (applied || elapsed >= options.timeoutMs) {
      return { ...result, waited: { applied, seconds: Math.round(elapsed / 1000) } };
    }
    await sleep(Math.min(options.pollIntervalMs, options.timeoutMs - elapsed));
  }
}

function formatPlan(
  deployment: AccessPointDeployment,
  direction: Direction,
  after: SwitchResult['after'],
  findings: readonly Finding[],
  already: boolean,
): string {
  const { accessPoint } = deployment;
  const lines = [
    `s3-dr ${direction}: access point ${accessPoint.name} (${accessPoint.arn})`,
    deployment.controlRegion
      ? `current routes (from the control plane in ${deployment.controlRegion}):`
      : 'current routes: unknown (no control region could read them)',
    ...formatSides(deployment.primary, deployment.replica),
  ];
  for (const f of deployment.controlFailures)
    lines.push(`note: control region ${f.region} did not answer: ${f.reason}`);
  if (already) {
    lines.push(
      `nothing to do: the ${direction === 'failover' ? 'replica' : 'primary'} side is already the only active one`,
    );
    return `${lines.join('\n')}\n`;
  }
  lines.push('plan:', ...formatSides(after.primary, after.replica));
  lines.push(`readiness (${count(findings.length, 'check')}):`);
  const width = Math.max(...findings.map((f) => f.id.length), 0) + 1;
  for (const f of findings) lines.push(`  ${f.status.padEnd(5)} ${f.id.padEnd(width)} ${f.message}`);
  return `${lines.join('\n')}\n`;
}

/** The end of the report, after the plan: what happened and what to do next. */
export function formatOutcome(result: SwitchResult, next?: string): string {
  const failed = result.findings.filter((f) => f.status === 'FAIL');
  const side = result.command === 'failover' ? 'replica' : 'primary';
  switch (result.outcome) {
    case 'already':
      return 'Nothing changed.\n';
    case 'refused':
      return `REFUSED: ${failed.map((f) => f.message).join('; ')}. Nothing changed; --force ${result.command === 'failover' ? 'fails over' : 'fails back'} anyway.\n`;
    case 'planned':
      return `Nothing changed: add --yes to apply this plan${result.ready ? '' : ' (with --force: a readiness check failed)'}.\n`;
    case 'switched': {
      const lines = [
        `${result.forced ? 'FORCED: ' : ''}routes submitted at ${result.startedAt} through the control plane in ${result.controlRegion}: the ${side} side takes the traffic once they apply (up to 2 minutes)`,
      ];
      for (const f of result.controlFailures)
        lines.push(`note: control region ${f.region} did not answer: ${f.reason}`);
      if (result.waited) {
        lines.push(
          result.waited.applied
            ? `the control plane reports the new routes after ${formatDuration(result.waited.seconds * 1000)}`
            : result.waited.error
              ? `could not read the routes back after ${formatDuration(result.waited.seconds * 1000)} (${result.waited.error}): check with s3-dr status`
              : `the control plane still reports the old routes after ${formatDuration(result.waited.seconds * 1000)}: check again with s3-dr status`,
        );
      }
      if (next) lines.push(next);
      return `${lines.join('\n')}\n`;
    }
  }
}
