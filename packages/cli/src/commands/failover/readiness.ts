import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  GetBucketLifecycleConfigurationCommand,
  GetBucketReplicationCommand,
  HeadBucketCommand,
  type LifecycleRule,
  type ReplicationRule,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../../shared/aws';
import { formatDuration } from '../../shared/duration';
import { describeAwsError } from '../../shared/errors';

/** One readiness finding: FAIL refuses the switch (unless --force), WARN is shown, PASS is fine. */
export interface Finding {
  readonly id: string;
  readonly status: 'PASS' | 'WARN' | 'FAIL';
  readonly message: string;
}

/** How far behind a rule's destination is, from its replication metrics; `error` when unreadable. */
export interface Backlog {
  readonly ruleId: string;
  readonly source: string;
  readonly destination: string;
  readonly region: string;
  /** Newest datapoints in the window (undefined: no datapoint). */
  readonly latencySeconds?: { readonly value: number; readonly at: Date };
  readonly pendingBytes?: { readonly value: number; readonly at: Date };
  /** OperationsFailedReplication summed since `failuresFrom` (undefined: no datapoint). */
  readonly failedOperations?: number;
  /** Where the failures were counted from, when earlier than the last 15 minutes (--since). */
  readonly failuresFrom?: Date;
  readonly error?: string;
}

/** How far back the backlog metrics are read: RTC publishes them per minute. */
export const BACKLOG_WINDOW_MS = 15 * 60_000;

/**
 * The newest ReplicationLatency (Maximum, seconds) and BytesPendingReplication (Maximum) of a rule
 * over the last 15 minutes, and its OperationsFailedReplication (Sum) since `failuresFrom` (at
 * least those 15 minutes), read in the source bucket's region, where S3 publishes them
 * (dimensions SourceBucket, DestinationBucket, RuleId; docs: repl-metrics.html).
 */
export async function readBacklog(
  aws: AwsClients,
  rule: { ruleId: string; source: string; destination: string; region: string },
  now: Date,
  failuresFrom?: Date,
): Promise<Backlog> {
  const dimensions = [
    { Name: 'SourceBucket', Value: rule.source },
    { Name: 'DestinationBucket', Value: rule.destination },
    { Name: 'RuleId', Value: rule.ruleId },
  ];
  const query = (id: string, metric: string, stat: string, period: number) => ({
    Id: id,
    ReturnData: true,
    MetricStat: {
      Metric: { Namespace: 'AWS/S3', MetricName: metric, Dimensions: dimensions },
      Period: period,
      Stat: stat,
    },
  });
  const windowStart = new Date(now.getTime() - BACKLOG_WINDOW_MS);
  const from = failuresFrom && failuresFrom < windowStart ? failuresFrom : windowStart;
  const cloudWatch = aws.inRegion(rule.region).cloudWatch;
  try {
    const [backlog, failures] = await Promise.all([
      cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: windowStart,
          EndTime: now,
          ScanBy: 'TimestampDescending',
          MetricDataQueries: [
            query('latency', 'ReplicationLatency', 'Maximum', 60),
            query('pending', 'BytesPendingReplication', 'Maximum', 60),
          ],
        }),
      ),
      cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: from,
          EndTime: now,
          MetricDataQueries: [query('failed', 'OperationsFailedReplication', 'Sum', periodFrom(from, now))],
        }),
      ),
    ]);
    const newest = (id: string) => {
      const r = backlog.MetricDataResults?.find((m) => m.Id === id);
      let best: { value: number; at: Date } | undefined;
      (r?.Timestamps ?? []).forEach((at, i) => {
        const value = r?.Values?.[i];
        if (value !== undefined && (!best || at > best.at)) best = { value, at };
      });
      return best;
    };
    const failed = failures.MetricDataResults?.find((m) => m.Id === 'failed')?.Values;
    return {
      ...rule,
      latencySeconds: newest('latency'),
      pendingBytes: newest('pending'),
      failedOperations: failed?.length ? failed.reduce((sum, value) => sum + value, 0) : undefined,
      ...(from < windowStart ? { failuresFrom: from } : {}),
    };
  } catch (err) {
    return {
      ...rule,
      error: describeAwsError(err, `the replication metrics of rule ${rule.ruleId} in ${rule.region}`)
        .message,
    };
  }
}

/**
 * The finest period CloudWatch still returns for data that old: one minute up to 15 days back,
 * 5 minutes up to 63 days, an hour beyond (MetricStat, CloudWatch API reference:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricStat.html).
 */
export function periodFrom(from: Date, now: Date): number {
  const days = (now.getTime() - from.getTime()) / 86_400_000;
  return days > 63 ? 3600 : days > 15 ? 300 : 60;
}

/**
 * The backlog judged: FAIL when it cannot be read or the destination is more than `maxLagMs`
 * behind (newest ReplicationLatency), or bytes are pending with no latency to judge them by. No
 * datapoint at all passes, and says only what it means: S3 saw nothing replicating in the window.
 */
export function backlogFinding(id: string, backlog: Backlog, maxLagMs: number): Finding {
  const rule = `rule ${backlog.ruleId} (${backlog.source} -> ${backlog.destination}, metrics in ${backlog.region})`;
  if (backlog.error) {
    return {
      id,
      status: 'FAIL',
      message: `cannot read the replication backlog of ${rule}: ${backlog.error}`,
    };
  }
  const { latencySeconds: latency, pendingBytes: pending } = backlog;
  const bytes = pending ? `, ${pending.value} bytes pending` : '';
  if (!latency && pending && pending.value > 0) {
    return {
      id,
      status: 'FAIL',
      message: `${rule}: ${pending.value} bytes pending replication at ${pending.at.toISOString()}, and no ReplicationLatency datapoint to tell how far behind`,
    };
  }
  if (!latency) {
    return {
      id,
      status: 'PASS',
      message: `no ReplicationLatency datapoint for ${rule} in the last ${formatDuration(BACKLOG_WINDOW_MS)}: S3 publishes it only while objects replicate, so no backlog was seen (not a proof that the rule works: see s3-dr probe)${bytes}`,
    };
  }
  const behind = `${latency.value} s behind at ${latency.at.toISOString()}${bytes}`;
  if (latency.value * 1000 > maxLagMs) {
    return {
      id,
      status: 'FAIL',
      message: `${rule}: the destination is ${behind}, more than --max-lag ${formatDuration(maxLagMs)}`,
    };
  }
  return { id, status: 'PASS', message: `${rule}: the destination is ${behind}` };
}

/**
 * Failed replication operations of the rule: objects (or delete markers) S3 gave up on, which are
 * not in the destination and never will be without a Batch Replication job (`status` decides
 * whether that refuses the switch). No datapoint passes, saying only that no failure was seen.
 * Undefined when the metrics could not be read (backlogFinding fails for both).
 */
export function failedFinding(id: string, backlog: Backlog, status: 'WARN' | 'FAIL'): Finding | undefined {
  if (backlog.error) return undefined;
  const rule = `rule ${backlog.ruleId} (${backlog.source} -> ${backlog.destination}, metrics in ${backlog.region})`;
  const window = backlog.failuresFrom
    ? `since ${backlog.failuresFrom.toISOString()}`
    : `in the last ${formatDuration(BACKLOG_WINDOW_MS)}`;
  const failed = backlog.failedOperations;
  if (failed === undefined) {
    return {
      id,
      status: 'PASS',
      message: `no OperationsFailedReplication datapoint for ${rule} ${window}: no failure was seen (S3 publishes the metric only with replication metrics on; not a proof)`,
    };
  }
  if (failed <= 0) {
    return { id, status: 'PASS', message: `${rule}: 0 failed replication operations ${window}` };
  }
  return {
    id,
    status,
    message: `${rule}: ${failed} replication operations failed ${window}: up to ${failed} objects or delete markers may be missing from ${backlog.destination}; a Batch Replication job replicates them (s3-dr backfill --status failed, with ${backlog.source} as the source)`,
  };
}

/** HeadBucket in the bucket's region: the side that is to take the traffic answers. */
export async function bucketAnswers(
  aws: AwsClients,
  id: string,
  bucket: string,
  region: string,
): Promise<Finding> {
  try {
    await aws.inRegion(region).s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return { id, status: 'PASS', message: `${bucket} answers in ${region}` };
  } catch (err) {
    return {
      id,
      status: 'FAIL',
      message: `${bucket} does not answer in ${region}: ${describeAwsError(err, `bucket ${bucket}`).message}`,
    };
  }
}

/** Classes whose versions cannot be read without a restore (hours); GLACIER_IR reads in milliseconds. */
const UNREADABLE_CLASSES: ReadonlySet<string> = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/**
 * A WARN when the replica's lifecycle moves versions to GLACIER or DEEP_ARCHIVE: through the
 * access point those versions cannot be read after a failover without a restore.
 */
export function archiveFinding(
  bucket: string,
  rules: readonly LifecycleRule[] | undefined,
  error?: string,
): Finding {
  const id = 'replica.archive';
  if (error) return { id, status: 'WARN', message: `could not read the lifecycle of ${bucket}: ${error}` };
  const moves = (rules ?? [])
    .filter((r) => r.Status === 'Enabled')
    .flatMap((r) => [
      ...(r.Transitions ?? []).map((t) => ({ cls: t.StorageClass ?? '', days: t.Days, what: 'current' })),
      ...(r.NoncurrentVersionTransitions ?? []).map((t) => ({
        cls: t.StorageClass ?? '',
        days: t.NoncurrentDays,
        what: 'noncurrent',
      })),
    ])
    .filter((m) => UNREADABLE_CLASSES.has(m.cls));
  if (moves.length === 0) {
    return {
      id,
      status: 'PASS',
      message: `${bucket} archives nothing that needs a restore before it can be read`,
    };
  }
  const list = moves.map((m) => `${m.what} versions to ${m.cls} after ${m.days ?? '?'} days`).join(', ');
  return {
    id,
    status: 'WARN',
    message: `${bucket} moves ${list}: after the failover those objects cannot be read until restored (hours; s3-dr restore --restore-archived), deploy with replicaArchiveClass=GLACIER_IR for millisecond reads`,
  };
}

export async function replicaArchive(aws: AwsClients, bucket: string, region: string): Promise<Finding> {
  try {
    const res = await aws
      .inRegion(region)
      .s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    return archiveFinding(bucket, res.Rules ?? []);
  } catch (err) {
    if ((err as Error)?.name === 'NoSuchLifecycleConfiguration') return archiveFinding(bucket, []);
    return archiveFinding(bucket, undefined, describeAwsError(err, `bucket ${bucket}`).message);
  }
}

/** The rule on `source` that replicates to `destination`, or why there is none. */
export async function ruleTo(
  aws: AwsClients,
  source: string,
  destination: string,
  region: string,
): Promise<{ rule?: ReplicationRule; problem?: string }> {
  try {
    const res = await aws.inRegion(region).s3.send(new GetBucketReplicationCommand({ Bucket: source }));
    const rule = (res.ReplicationConfiguration?.Rules ?? []).find((r) =>
      r.Destination?.Bucket?.endsWith(`:::${destination}`),
    );
    if (!rule) return { problem: `${source} has no replication rule to ${destination}` };
    if (rule.Status !== 'Enabled') return { rule, problem: `rule ${rule.ID} on ${source} is ${rule.Status}` };
    return { rule };
  } catch (err) {
    if ((err as Error)?.name === 'ReplicationConfigurationNotFoundError') {
      return { problem: `${source} has no replication configuration (no rule back to ${destination})` };
    }
    return { problem: describeAwsError(err, `the replication configuration of ${source}`).message };
  }
}
