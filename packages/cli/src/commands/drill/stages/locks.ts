import { HeadObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { formatDuration } from '../../../shared/duration';
import { describeAwsError } from '../../../shared/errors';
import { describeRetention } from '../../../shared/object-lock';
import { count } from '../../../shared/text';
import type { Objective } from '../evidence';
import { probeStage } from './rpo';
import { judged, round, type Stage, skipped } from './types';

const DAY_SECONDS = 86_400;

/**
 * `locks`: when the replica has Object Lock with a default retention, reads the retention of the
 * replicas of this drill's probes (HeadObject: ObjectLockMode and ObjectLockRetainUntilDate, which
 * need s3:GetObjectRetention). Whether replicas of an unlocked source get the replica's default
 * retention is not settled by the documentation
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-replication):
 * this measures it. Objective `replica-locked`: every replica's retention, from its LastModified
 * to its RetainUntilDate, is at least the default (target and measurement in seconds).
 */
export const locksStage: Stage = {
  name: 'locks',
  async run(ctx) {
    const { record } = ctx.deployment;
    const lock = record.replicaObjectLock;
    if (!lock)
      return skipped(`the replica ${record.replicaBucket} has no Object Lock with a default retention`);
    let replicas = ctx
      .earlierProbes()
      .filter(
        (p) => p.direction === 'forward' && p.seenAt !== null && (p.stage === 'rpo' || p.stage === 'fault'),
      );
    if (replicas.length === 0) {
      ctx.log('locks: no replicated probes from earlier stages; writing 3 and waiting for their replicas');
      await probeStage(ctx, 'locks', { probes: 3, intervalMs: 0, back: false });
      replicas = ctx
        .earlierProbes()
        .filter((p) => p.stage === 'locks' && p.direction === 'forward' && p.seenAt !== null);
    }
    if (ctx.signal.aborted) return { status: 'interrupted', reason: 'interrupted', objectives: [] };
    const targetSeconds = lock.days * DAY_SECONDS;
    ctx.log(
      `locks: reading the retention of ${count(replicas.length, 'replica')} in ${record.replicaBucket} (default ${describeRetention({ enabled: true, ...lock })})`,
    );
    const retentions: { key: string; seconds: number | null; mode?: string }[] = [];
    for (const probe of replicas) {
      let head: HeadObjectCommandOutput;
      try {
        head = await ctx.clients.s3.send(
          new HeadObjectCommand({ Bucket: record.replicaBucket, Key: probe.key }),
        );
      } catch (err) {
        throw describeAwsError(err, `s3://${record.replicaBucket}/${probe.key}`);
      }
      const until = head.ObjectLockRetainUntilDate?.getTime();
      const written = head.LastModified?.getTime();
      retentions.push({
        key: probe.key,
        seconds: until === undefined || written === undefined ? null : round((until - written) / 1000),
        ...(head.ObjectLockMode ? { mode: head.ObjectLockMode } : {}),
      });
    }
    const unlocked = retentions.filter((r) => r.seconds === null);
    const shortest =
      unlocked.length || retentions.length === 0
        ? null
        : Math.min(...retentions.map((r) => r.seconds as number));
    const otherMode = retentions.filter((r) => r.mode !== undefined && r.mode !== lock.mode);
    // Retention is counted from the version's creation, which LastModified gives to the second.
    const met = shortest !== null && shortest >= targetSeconds - 1 && otherMode.length === 0;
    const reason =
      retentions.length === 0
        ? 'no replica of a probe to read'
        : unlocked.length
          ? `${count(unlocked.length, 'replica')} of ${retentions.length} carry no retention (e.g. ${unlocked[0]?.key})`
          : otherMode.length
            ? `${count(otherMode.length, 'replica')} locked in ${otherMode[0]?.mode} mode, not ${lock.mode}`
            : shortest !== null && !met
              ? `the shortest retention is ${formatDuration(shortest * 1000)}, less than the default ${count(lock.days, 'day')}`
              : undefined;
    const objective: Objective = {
      name: 'replica-locked',
      target_seconds: targetSeconds,
      measured_seconds: shortest,
      met,
      ...(reason ? { reason } : {}),
    };
    return judged([objective], {
      replicas: retentions.length,
      unlocked: unlocked.length,
      mode: lock.mode,
      defaultDays: lock.days,
    });
  },
};
