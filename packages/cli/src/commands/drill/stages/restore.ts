import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { bucketUsesKms } from '../../../shared/buckets';
import { describeAwsError } from '../../../shared/errors';
import { NO_REPORT } from '../../../shared/report';
import { count } from '../../../shared/text';
import { type KeyHistory, listKeyHistories, type VersionEntry } from '../../../shared/versions';
import { planProbesUnder } from '../../probe/probe';
import { stateAt } from '../../restore/plan';
import { applyRestore, planRestore, type RestoreRequest } from '../../restore/run';
import { compareKey } from '../../verify/compare';
import { probesPrefix, runPrefix } from '../settings';
import { judged, objective, round, type Stage, type StageContext } from './types';

/**
 * `restore`: restores the run's probes (in the primary) to a point in time T into a scratch folder
 * under the run's folder (--target-prefix), never in place, and verifies the copy against the state
 * at T. T is taken from S3's own clock (the newest LastModified of the probes); then every probe is
 * overwritten (the "damage", in a later second, so T tells the two apart), so the restore has to go
 * back in time to get them right. With no probes from earlier stages, it writes --probes of its own
 * first. Objective `restore`: the restore (plan and copies) takes at most --restore-time and the
 * copy holds exactly the state at T.
 */
export const restoreStage: Stage = {
  name: 'restore',
  async run(ctx) {
    const { record } = ctx.deployment;
    const s3 = ctx.clients.s3;
    const bucket = record.primaryBucket;
    const scope = `${runPrefix(ctx.runId)}probes/`;
    const target = `${runPrefix(ctx.runId)}${ctx.settings.targetPrefix}`;
    let before = await histories(s3, bucket, scope, ctx.signal);
    if (before.length === 0) {
      const seed = planProbesUnder(
        bucket,
        record.replicaBucket,
        probesPrefix(ctx.runId, 'restore'),
        ctx.settings.probes,
      );
      ctx.log(
        `restore: no probes from earlier stages; writing ${count(seed.probes.length, 'object')} to s3://${bucket}/${seed.prefix}`,
      );
      for (const probe of seed.probes) await put(s3, bucket, probe.key, probe.body);
      before = await histories(s3, bucket, scope, ctx.signal);
    }
    const time = Math.max(...before.flatMap((h) => h.entries.map((e) => e.lastModified)));
    ctx.event(
      'note',
      `restore point T = ${new Date(time).toISOString()} (newest LastModified of the ${count(before.length, 'object')} to restore, S3's clock)`,
      time,
    );
    await waitForServerClock(ctx, s3, bucket, time);
    ctx.log(
      `restore: overwriting the ${count(before.length, 'object')} under s3://${bucket}/${scope} (new versions: nothing is deleted), then restoring them as of T into s3://${bucket}/${target}`,
    );
    for (const history of before)
      await put(s3, bucket, history.key, `s3-dr drill: overwritten after ${new Date(time).toISOString()}\n`);

    // A vault is not read here: the copies come from the primary's own versions. Said, so that
    // the evidence does not pass for a drill of recovery from the vault (restore --from replica).
    const vault = ctx.deployment.target.replicaAccount;
    if (vault !== undefined) {
      const note = `restore: from the primary's own versions; the vault in account ${vault} is not read (recovery from it, s3-dr restore --from replica, is not drilled)`;
      ctx.log(note);
      ctx.event('note', note);
    }
    const started = ctx.now();
    const request: RestoreRequest = {
      bucket,
      prefix: scope,
      time,
      target: { bucket, prefix: target, versioned: true },
      restoreArchived: false,
      includeReserved: true,
      now: started,
    };
    const plan = await planRestore(s3, request, NO_REPORT, { signal: ctx.signal });
    const applyStart = ctx.now();
    const applied = await applyRestore(s3, request, plan, NO_REPORT, 8, { signal: ctx.signal });
    const ended = ctx.now();
    if (ctx.signal.aborted)
      return { status: 'interrupted', reason: 'interrupted while restoring', objectives: [] };
    const verified = await verifyCopy(ctx, s3, bucket, scope, target, time);
    const totalMs = ended - started;
    const applySeconds = Math.max((ended - applyStart) / 1000, 0.001);
    const measurements = {
      restorePoint: new Date(time).toISOString(),
      objects: plan.keys,
      copied: applied.done.copy,
      failed: applied.failed,
      totalSeconds: round(totalMs / 1000),
      objectsPerSecond: round(applied.done.copy / applySeconds),
      verified: verified.matching,
      differences: verified.differences.length,
      restoredFrom: 'primary',
      ...(vault !== undefined ? { vaultRead: false } : {}),
    };
    const problems = [
      ...(applied.failed
        ? [
            `${count(applied.failed, 'copy', 'copies')} failed: ${applied.failures.map((f) => f.error).join('; ')}`,
          ]
        : []),
      ...(verified.differences.length
        ? [`the copy differs from the state at T: ${verified.differences.slice(0, 3).join('; ')}`]
        : []),
    ];
    const restore = problems.length
      ? objective('restore', ctx.settings.restoreMs, totalMs, problems.join('; '))
      : objective('restore', ctx.settings.restoreMs, totalMs);
    return judged([{ ...restore, met: restore.met && problems.length === 0 }], measurements);
  },
};

async function histories(
  s3: S3Client,
  bucket: string,
  prefix: string,
  signal: AbortSignal,
): Promise<KeyHistory[]> {
  const all: KeyHistory[] = [];
  for await (const chunk of listKeyHistories(s3, { bucket, prefix, signal })) all.push(...chunk);
  return all;
}

async function put(s3: S3Client, bucket: string, key: string, body: string): Promise<string | undefined> {
  try {
    return (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))).VersionId;
  } catch (err) {
    throw describeAwsError(err, `s3://${bucket}/${key}`);
  }
}

/**
 * Waits until S3's clock has passed `time`'s second: writes a small clock object in the run's
 * folder and reads its LastModified, again each second until it is later. Local clocks may be off;
 * S3's LastModified has whole seconds.
 */
async function waitForServerClock(
  ctx: StageContext,
  s3: S3Client,
  bucket: string,
  time: number,
): Promise<void> {
  const key = `${runPrefix(ctx.runId)}clock`;
  for (;;) {
    await put(s3, bucket, key, `${new Date(ctx.now()).toISOString()}\n`);
    let modified: number;
    try {
      modified =
        (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).LastModified?.getTime() ?? 0;
    } catch (err) {
      throw describeAwsError(err, `s3://${bucket}/${key}`);
    }
    if (Math.floor(modified / 1000) > Math.floor(time / 1000)) return;
    await ctx.sleep(1000, ctx.signal);
    if (ctx.signal.aborted) return;
  }
}

/**
 * Compares the copy with the state at T key by key: verify's comparison of the listings (size,
 * and ETag where comparable), then the content itself (the drill's objects are small), read by
 * version id from the source and as current from the copy.
 */
async function verifyCopy(
  ctx: StageContext,
  s3: S3Client,
  bucket: string,
  scope: string,
  target: string,
  time: number,
): Promise<{ matching: number; differences: string[] }> {
  const kms = await bucketUsesKms(s3, bucket);
  const source = await histories(s3, bucket, scope, ctx.signal);
  const copies = new Map(
    (await histories(s3, bucket, target + scope, ctx.signal)).map((h) => [h.key.slice(target.length), h]),
  );
  const differences: string[] = [];
  let matching = 0;
  for (const history of source) {
    const atT = stateAt(history, time);
    const copy = copies.get(history.key);
    copies.delete(history.key);
    const found = compareKey(
      atT ? { key: history.key, entries: [atT] } : undefined,
      copy && { key: history.key, entries: copy.entries },
      { mode: 'current', graceMs: 0, now: ctx.now(), etagsComparable: kms === false },
    ).filter((d) => d.kind !== 'hint');
    if (found.length) {
      differences.push(...found.map((d) => `${d.key}: ${d.detail}`));
      continue;
    }
    if (atT?.kind === 'version' && copy && !(await sameContent(s3, bucket, atT, `${target}${history.key}`))) {
      differences.push(`${history.key}: the copy's content is not the version at T`);
      continue;
    }
    matching++;
  }
  for (const key of copies.keys()) differences.push(`${key}: in the copy, absent at T`);
  return { matching, differences };
}

async function sameContent(
  s3: S3Client,
  bucket: string,
  atT: VersionEntry,
  copyKey: string,
): Promise<boolean> {
  const read = async (key: string, versionId?: string) => {
    try {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
      return await res.Body?.transformToString();
    } catch (err) {
      throw describeAwsError(err, `s3://${bucket}/${key}`);
    }
  };
  return (await read(atT.key, atT.versionId)) === (await read(copyKey));
}
