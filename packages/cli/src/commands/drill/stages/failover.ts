import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { controlRegionOrder, getRoutes } from '../../../shared/access-point';
import { formatDuration } from '../../../shared/duration';
import { CliError, describeAwsError } from '../../../shared/errors';
import { runFailback } from '../../failback/run';
import {
  type AccessPointDeployment,
  controlIn,
  type FailoverClients,
  findAccessPointDeployment,
} from '../../failover/deployment';
import { runFailover } from '../../failover/run';
import type { SwitchResult } from '../../failover/switch';
import { switchTarget } from '../../failover/target';
import { newProbe, probeToken } from '../../probe/probe';
import type { Objective } from '../evidence';
import type { PendingUndo } from '../run-state';
import { probesPrefix } from '../settings';
import { judged, objective, type Stage, type StageContext, type StageOutcome, skipped } from './types';

/**
 * `failover`: for a deployment with a Multi-Region Access Point and two-way replication, moves the
 * routes to the replica as `s3-dr failover --yes` does, then writes a probe through the access
 * point every --poll-interval until one lands in the replica bucket as an original (not a replica:
 * HeadObject's ReplicationStatus there is not REPLICA), reads it back through the access point,
 * and moves the routes back as `s3-dr failback --yes` does, timed the same way towards the
 * primary. Objectives `rto` and `failback`: route submission to that first landing, at most --rto.
 * One-way deployments are not failed over: what applications write through the access point
 * meanwhile would stay in the replica.
 */
export const failoverStage: Stage = {
  name: 'failover',
  async run(ctx) {
    const found = await accessPointOf(ctx);
    if (typeof found === 'string') return skipped(found);
    const { deployment: ap, ref } = found;
    if (!ctx.deployment.record.bidirectional) {
      return skipped(
        'one-way replication: what applications write through the access point while failed over would stay in the replica',
      );
    }
    if (ap.primary.dial !== 100 || ap.replica.dial !== 0) {
      throw new CliError(
        `access point ${ap.accessPoint.name} does not route to the primary alone (primary ${ap.primary.dial ?? '?'}, replica ${ap.replica.dial ?? '?'}): the drill fails over from the normal state only; s3-dr status shows the routes`,
      );
    }
    const clients = failoverClients(ctx);
    const switchOptions = {
      yes: true,
      force: false,
      wait: false,
      timeoutMs: ctx.settings.rtoMs,
      pollIntervalMs: ctx.settings.pollIntervalMs,
      maxLagMs: ctx.settings.rpoMs,
      now: ctx.now,
    };
    const undo: PendingUndo = {
      kind: 'routes',
      account: ap.account,
      accessPointArn: ap.accessPoint.arn,
      primary: { bucket: ap.primary.bucket, region: ap.primary.region },
      replica: { bucket: ap.replica.bucket, region: ap.replica.region },
      since: new Date(ctx.now()).toISOString(),
    };
    await ctx.changed(undo);
    ctx.log(`failover: moving the routes of ${ap.accessPoint.name} to the replica (s3-dr failover --yes)`);
    const over = await runFailover(clients, { ...ref, ...switchOptions }, () => undefined);
    if (over.outcome !== 'switched') {
      await ctx.restored(undo, 'routes never moved');
      return refused(ctx, over);
    }
    ctx.event(
      'route-change',
      `routes: replica 100, primary 0 (submitted through ${over.controlRegion})`,
      Date.parse(over.startedAt as string),
    );
    const rto = await timeLanding(ctx, ap, 'replica', Date.parse(over.startedAt as string));
    if (ctx.signal.aborted)
      return { status: 'interrupted', reason: 'interrupted while failed over', objectives: [] };

    ctx.log(`failover: moving the routes back to the primary (s3-dr failback --yes)`);
    const back = await failBack(ctx, clients, {
      ...ref,
      ...switchOptions,
      since: Date.parse(over.startedAt as string),
    });
    ctx.event(
      'route-change',
      `routes: primary 100, replica 0 (submitted through ${back.controlRegion})${back.forced ? ', forced' : ''}`,
      Date.parse(back.startedAt as string),
    );
    const failback = await timeLanding(ctx, ap, 'primary', Date.parse(back.startedAt as string));
    await ctx.restored(undo, `routes of ${ap.accessPoint.name} back to the primary`);
    if (ctx.signal.aborted)
      return { status: 'interrupted', reason: 'interrupted while failing back', objectives: [] };
    const objectives: Objective[] = [
      objective('rto', ctx.settings.rtoMs, rto.ms, rto.reason),
      objective('failback', ctx.settings.rtoMs, failback.ms, failback.reason),
    ];
    return judged(objectives, {
      accessPoint: ap.accessPoint.arn,
      failoverProbes: rto.probes,
      failbackProbes: failback.probes,
      failbackForced: back.forced,
    });
  },
};

/** The deployment's access point and how failover names it; a reason to skip when there is none. */
async function accessPointOf(
  ctx: StageContext,
): Promise<{ deployment: AccessPointDeployment; ref: Awaited<ReturnType<typeof switchTarget>> } | string> {
  let ref: Awaited<ReturnType<typeof switchTarget>>;
  try {
    ref = await switchTarget(ctx.flags, 'failover', ctx.flags.accessPoint);
  } catch (err) {
    // The command's own messages start with its name, which the stage's line already says.
    if (err instanceof CliError && (err.code === 'not-found' || /needs --access-point/.test(err.message)))
      return err.message.replace(/^failover: /, '');
    throw err;
  }
  try {
    return { deployment: await findAccessPointDeployment(failoverClients(ctx), ref), ref };
  } catch (err) {
    if (err instanceof CliError && err.code === 'not-found') return err.message;
    throw err;
  }
}

function failoverClients(ctx: StageContext): FailoverClients {
  return { aws: ctx.clients.aws, ...(ctx.clients.controlIn ? { controlIn: ctx.clients.controlIn } : {}) };
}

function refused(ctx: StageContext, result: SwitchResult): StageOutcome {
  const why =
    result.outcome === 'refused'
      ? `failover refused, nothing changed: ${result.findings
          .filter((f) => f.status === 'FAIL')
          .map((f) => f.message)
          .join('; ')}`
      : `failover did not switch (${result.outcome})`;
  return {
    status: 'failed',
    reason: why,
    objectives: [
      objective('rto', ctx.settings.rtoMs, null, why),
      objective('failback', ctx.settings.rtoMs, null, why),
    ],
  };
}

/**
 * Fails back as `s3-dr failback --yes` does; while its readiness refuses (the drill's probes not
 * back in the primary yet) it asks again every --poll-interval for up to --rto, then forces: the
 * drill never leaves the deployment failed over.
 */
async function failBack(
  ctx: StageContext,
  clients: FailoverClients,
  request: Parameters<typeof runFailback>[1],
): Promise<SwitchResult & { forced: boolean }> {
  const deadline = ctx.now() + ctx.settings.rtoMs;
  for (;;) {
    const force = ctx.now() >= deadline;
    const result = await runFailback(clients, { ...request, force }, () => undefined);
    if (result.outcome === 'switched') {
      if (force)
        ctx.event(
          'note',
          `failback forced after ${formatDuration(ctx.settings.rtoMs)}: ${result.findings
            .filter((f) => f.status === 'FAIL')
            .map((f) => f.message)
            .join('; ')}`,
        );
      return { ...result, forced: force };
    }
    if (result.outcome === 'already')
      return { ...result, startedAt: new Date(ctx.now()).toISOString(), forced: false };
    await ctx.sleep(ctx.settings.pollIntervalMs);
  }
}

/**
 * Writes a probe through the access point every --poll-interval, from `from` (the routes'
 * submission) until one lands in `side`'s bucket as an original, for up to twice --rto. Each probe
 * is read back through the access point. Returns the time from `from` to that write's end.
 */
async function timeLanding(
  ctx: StageContext,
  ap: AccessPointDeployment,
  side: 'primary' | 'replica',
  from: number,
): Promise<{ ms: number | null; reason?: string; probes: number }> {
  const s3 = accessPointS3(ctx);
  const bucket = ap[side].bucket;
  const other = ap[side === 'primary' ? 'replica' : 'primary'].bucket;
  const folder = probesPrefix(ctx.runId, side === 'replica' ? 'failover' : 'failback');
  const limit = from + 2 * ctx.settings.rtoMs;
  ctx.log(
    `failover: writing a probe through the access point every ${formatDuration(ctx.settings.pollIntervalMs)} until one lands in ${bucket} (expected within ${formatDuration(ctx.settings.rtoMs)}, given up after ${formatDuration(2 * ctx.settings.rtoMs)})`,
  );
  let n = 0;
  let applied = false;
  while (!ctx.signal.aborted) {
    if (!applied) applied = await routesApplied(ctx, ap, side);
    const probe = newProbe(folder, ++n, probeToken());
    try {
      await s3.send(new PutObjectCommand({ Bucket: ap.accessPoint.arn, Key: probe.key, Body: probe.body }));
    } catch (err) {
      throw describeAwsError(err, `access point ${ap.accessPoint.arn} (writing ${probe.key})`);
    }
    const writtenAt = ctx.now();
    const served = (await isOriginal(ctx.clients.s3, bucket, probe.key))
      ? bucket
      : (await isOriginal(ctx.clients.s3, other, probe.key))
        ? other
        : undefined;
    const read = await readBack(s3, ap.accessPoint.arn, probe.key);
    ctx.event(
      'note',
      `probe ${probe.key} written through the access point: served by ${served ?? 'neither bucket yet'}; read back ${read === probe.body ? 'with its content' : 'with other content'}`,
      writtenAt,
    );
    if (served === bucket) {
      return { ms: writtenAt - from, probes: n };
    }
    if (ctx.now() >= limit) break;
    await ctx.sleep(ctx.settings.pollIntervalMs, ctx.signal);
  }
  return {
    ms: null,
    reason: ctx.signal.aborted
      ? 'interrupted'
      : `no probe written through the access point landed in ${bucket} within ${formatDuration(2 * ctx.settings.rtoMs)} of the route change`,
    probes: n,
  };
}

/**
 * Whether the control plane reports the routes making `side` the only active one; once it does,
 * the timeline says when (the routes take up to 2 minutes to apply, FailoverConfiguration.html).
 */
async function routesApplied(
  ctx: StageContext,
  ap: AccessPointDeployment,
  side: 'primary' | 'replica',
): Promise<boolean> {
  const { routes } = await getRoutes(
    controlIn(failoverClients(ctx)),
    ap.account,
    ap.accessPoint.arn,
    controlRegionOrder(ap[side === 'replica' ? 'primary' : 'replica'].region),
  );
  const dial = (bucket: string) => routes.find((r) => r.Bucket === bucket)?.TrafficDialPercentage ?? 0;
  const other = side === 'replica' ? ap.primary.bucket : ap.replica.bucket;
  const applied = dial(ap[side].bucket) === 100 && dial(other) === 0;
  if (applied)
    ctx.event(
      'route-change',
      `the control plane reports the routes: ${side} 100, ${side === 'replica' ? 'primary' : 'replica'} 0`,
    );
  return applied;
}

/** Requests through a Multi-Region Access Point are signed with SigV4A: the signer registers itself. */
function accessPointS3(ctx: StageContext): S3Client {
  if (ctx.clients.accessPointS3) return ctx.clients.accessPointS3;
  require('@aws-sdk/signature-v4a');
  return ctx.clients.aws.s3;
}

/** Whether `bucket` holds `key` as written there (not as a replica of the other side's write). */
async function isOriginal(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.ReplicationStatus !== 'REPLICA';
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return false;
    throw describeAwsError(err, `s3://${bucket}/${key}`);
  }
}

async function readBack(s3: S3Client, arn: string, key: string): Promise<string | undefined> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: arn, Key: key }));
    return await res.Body?.transformToString();
  } catch (err) {
    throw describeAwsError(err, `access point ${arn} (reading ${key})`);
  }
}
