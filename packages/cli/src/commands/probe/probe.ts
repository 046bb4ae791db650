import { randomBytes } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetBucketReplicationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type ReplicationRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { RESERVED_PREFIX } from 's3-dr-naming';
import { formatDuration } from '../../shared/duration';
import { CliError, describeAwsError, EXIT } from '../../shared/errors';
import { forEachConcurrent } from '../../shared/pool';
import { count } from '../../shared/text';
import { PROBE_PREFIX } from './settings';

export interface Probe {
  readonly key: string;
  /** Unique to this probe; in its key and its body, so a replica can only match its own probe. */
  readonly token: string;
  readonly body: string;
}

/** What a probe run will write: shown to the operator before anything is written. */
export interface ProbePlan {
  readonly source: string;
  readonly replica: string;
  /** The run's own folder under {@link PROBE_PREFIX}. */
  readonly prefix: string;
  readonly probes: readonly Probe[];
}

export function planProbe(
  source: string,
  replica: string,
  count: number,
  now: Date = new Date(),
  token: () => string = probeToken,
): ProbePlan {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return planProbesUnder(source, replica, `${PROBE_PREFIX}${stamp}-${token()}/`, count, token);
}

/** A random token for a probe's key and body. */
export function probeToken(): string {
  return randomBytes(8).toString('hex');
}

/** `count` probes under `prefix` (which ends with `/`): `<prefix><n>-<token>`. */
export function planProbesUnder(
  source: string,
  replica: string,
  prefix: string,
  count: number,
  token: () => string = probeToken,
): ProbePlan {
  const probes = Array.from({ length: count }, (_, i) => newProbe(prefix, i + 1, token()));
  return { source, replica, prefix, probes };
}

/** One probe: its key carries its number and token, its body the token. */
export function newProbe(prefix: string, n: number, token: string): Probe {
  return { key: `${prefix}${n}-${token}`, token, body: `s3-dr replication probe ${token}\n` };
}

/**
 * Checks, before anything is written, that the source bucket replicates the plan's probes to the
 * replica: an enabled rule whose destination is the replica and whose filter takes the probe key
 * (its prefix, or the legacy rule prefix, is a prefix of the key; no tag is required, since probes
 * carry none; no Not-prefix excludes it). Fails with one line and exit code 1 when no rule does,
 * saying why for each rule; returns a note instead when the configuration cannot be read (access
 * denied), so that the probe can still measure.
 */
export async function checkReplicationCoversProbes(
  s3: S3Client,
  plan: ProbePlan,
): Promise<string | undefined> {
  const key = plan.probes[0]?.key ?? plan.prefix;
  let rules: ReplicationRule[];
  try {
    const res = await s3.send(new GetBucketReplicationCommand({ Bucket: plan.source }));
    rules = res.ReplicationConfiguration?.Rules ?? [];
  } catch (err) {
    const name = (err as Error)?.name;
    if (name === 'ReplicationConfigurationNotFoundError') rules = [];
    else {
      const described = describeAwsError(err, `the replication configuration of bucket ${plan.source}`);
      if (described.code !== 'access-denied') throw described;
      return `note: ${described.message.split(':')[0]}: probing without checking that a rule covers ${PROBE_PREFIX}`;
    }
  }
  const exclusions = rules.map((rule) => ({ rule, why: ruleExclusion(rule, key, plan.replica) }));
  if (exclusions.some((e) => e.why === undefined)) return undefined;
  const why =
    exclusions.length === 0
      ? 'it has no replication configuration'
      : `no replication rule covers it (${exclusions.map((e) => `rule ${e.rule.ID ?? '(no id)'}: ${e.why}`).join('; ')})`;
  throw new CliError(
    `source bucket ${plan.source} would not replicate the probes (${key.slice(0, PROBE_PREFIX.length)}…) to ${plan.replica}: ${why}; nothing written`,
    EXIT.findings,
    'not-replicated',
  );
}

/** Why `rule` would not replicate `key` (an untagged object) to `replica`; undefined if it would. */
export function ruleExclusion(rule: ReplicationRule, key: string, replica: string): string | undefined {
  if (rule.Status !== 'Enabled') return `status ${rule.Status ?? 'unknown'}`;
  const destination = rule.Destination?.Bucket?.replace(/^arn:[a-z-]+:s3:::/, '');
  if (destination !== undefined && destination !== replica) return `replicates to ${destination}`;
  const filter = rule.Filter;
  const prefix = filter?.Prefix ?? filter?.And?.Prefix ?? rule.Prefix ?? '';
  if (!key.startsWith(prefix)) return `only keys under '${prefix}'`;
  if (filter?.Tag || (filter?.And?.Tags?.length ?? 0) > 0) return 'only objects with given tags';
  const not = filter?.Not ?? filter?.And?.Not;
  const excluded = [...(not?.Prefix !== undefined ? [not.Prefix] : []), ...(not?.Or?.Prefixes ?? [])].find(
    (p) => key.startsWith(p),
  );
  if (excluded !== undefined) return `excludes keys under '${excluded}'`;
  return undefined;
}

export type ProbeState = 'arrived' | 'missing' | 'failed';

export interface ProbeOutcome {
  readonly key: string;
  readonly state: ProbeState;
  /** From the end of the PutObject on the source to the first read of the same content on the replica. */
  readonly latencyMs?: number;
  /** `ReplicationStatus` of the source object at the end: PENDING, COMPLETED, FAILED (none: not reported). */
  readonly replicationStatus?: string;
  /** Epoch ms: the end of its PutObject on the source; absent when it was not written. */
  readonly writtenAt?: number;
  /** Epoch ms: its first read of the same content on the replica; absent when it did not arrive. */
  readonly seenAt?: number;
}

export interface ProbeReport {
  readonly source: string;
  readonly replica: string;
  readonly prefix: string;
  /** Why polling stopped. */
  readonly ended: 'complete' | 'timeout' | 'interrupted';
  /** Probes the plan had; `probes` are those written (fewer when interrupted while writing). */
  readonly planned: number;
  readonly probes: readonly ProbeOutcome[];
  readonly arrived: number;
  readonly medianMs?: number;
  readonly maxMs?: number;
  /**
   * Delete markers the clean-up wrote (as S3 confirmed them), and the keys it could not clean up
   * (with why). A probe that never reached the replica may leave no marker there.
   */
  readonly cleanup: {
    readonly deleteMarkers: number;
    readonly errors: readonly string[];
    /** Delete markers the replica refused with access denied, as a protected replica does. */
    readonly replicaRefused: number;
  };
}

export interface ProbeOptions {
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  /** Aborted on Ctrl-C: stops writing and polling, then cleans up. */
  readonly signal?: AbortSignal;
  readonly concurrency?: number;
  readonly now?: () => number;
  /** Called once the probes are written (tests interrupt here). */
  readonly onWritten?: () => void;
  /**
   * Time between two probes' writes: 0 (the default) writes them all at once; above 0 they are
   * written one after another, this far apart, while the replica is polled for those written.
   */
  readonly writeIntervalMs?: number;
  /** Delete-mark the probes afterwards. @default true */
  readonly cleanUp?: boolean;
  /** Sleeps between polls and writes (tests). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called as each probe arrives. */
  readonly onArrival?: (key: string, latencyMs: number) => void;
}

interface Tracked {
  readonly probe: Probe;
  writtenAt?: number;
  seenAt?: number;
  state?: ProbeState;
  latencyMs?: number;
  replicationStatus?: string;
}

/**
 * Writes the plan's probes to the source (all at once, or `writeIntervalMs` apart while polling),
 * polls the replica until each appears with the same content (or the time-out, a FAILED
 * replication status or the signal ends the wait), reads each source object's ReplicationStatus,
 * and cleans up with delete markers unless `cleanUp: false` (DeleteObject without a version id on
 * both buckets: no version is ever deleted). Errors writing or reading become a CliError after the
 * clean-up.
 */
export async function runProbe(s3: S3Client, plan: ProbePlan, options: ProbeOptions): Promise<ProbeReport> {
  const now = options.now ?? Date.now;
  const concurrency = options.concurrency ?? 8;
  const tracked: Tracked[] = plan.probes.map((probe) => ({ probe }));
  const deadline = now() + options.timeoutMs;
  const writing = { done: false, failed: false };
  let ended: ProbeReport['ended'] = 'complete';
  let failure: unknown;
  try {
    const written = writeProbes(s3, plan, tracked, { ...options, concurrency, now }).then(
      () => {
        writing.done = true;
      },
      (err: unknown) => {
        writing.failed = true;
        throw err;
      },
    );
    if (!options.writeIntervalMs) {
      await written;
      options.onWritten?.();
    }
    // Spaced writes: the replica is polled for the probes written so far while the rest follow.
    const [wrote, polled] = await Promise.allSettled([
      written.then(() => (options.writeIntervalMs ? options.onWritten?.() : undefined)),
      poll(s3, plan, tracked, writing, { ...options, concurrency, now, deadline }),
    ]);
    if (wrote.status === 'rejected') throw wrote.reason;
    if (polled.status === 'rejected') throw polled.reason;
    ended = polled.value;
    // Interrupted: straight to the clean-up (the statuses are not worth a request per probe then).
    if (!options.signal?.aborted) await readReplicationStatus(s3, plan, tracked, concurrency);
  } catch (err) {
    failure = err;
  }
  if (options.signal?.aborted && ended === 'complete' && tracked.some((t) => t.state !== 'arrived')) {
    ended = 'interrupted';
  }
  const cleanup =
    options.cleanUp === false
      ? { deleteMarkers: 0, errors: [], replicaRefused: 0 }
      : await cleanUp(s3, plan, tracked, concurrency);
  if (failure) throw failure;
  return report(plan, tracked, ended, cleanup);
}

async function writeProbes(
  s3: S3Client,
  plan: ProbePlan,
  tracked: Tracked[],
  options: ProbeOptions & { concurrency: number; now: () => number },
): Promise<void> {
  const write = async (t: Tracked): Promise<void> => {
    try {
      await s3.send(new PutObjectCommand({ Bucket: plan.source, Key: t.probe.key, Body: t.probe.body }));
    } catch (err) {
      throw describeAwsError(err, `s3://${plan.source}/${t.probe.key}`);
    }
    t.writtenAt = options.now();
  };
  const interval = options.writeIntervalMs ?? 0;
  if (interval <= 0) {
    await forEachConcurrent(tracked, options.concurrency, write, options.signal);
    return;
  }
  const sleeper = options.sleep ?? sleep;
  for (const [i, t] of tracked.entries()) {
    if (options.signal?.aborted) return;
    if (i > 0) await sleeper(interval, options.signal);
    if (options.signal?.aborted) return;
    await write(t);
  }
}

async function poll(
  s3: S3Client,
  plan: ProbePlan,
  tracked: Tracked[],
  writing: { readonly done: boolean; readonly failed: boolean },
  options: ProbeOptions & { concurrency: number; now: () => number; deadline: number },
): Promise<ProbeReport['ended']> {
  const { now, deadline, signal } = options;
  const sleeper = options.sleep ?? sleep;
  for (;;) {
    if (signal?.aborted || writing.failed) return 'interrupted';
    const round = now();
    const pending = tracked.filter((t) => t.writtenAt !== undefined && t.state === undefined);
    // The signal ends a round too: with many probes one round is many requests.
    await forEachConcurrent(
      pending,
      options.concurrency,
      async (t) => {
        if (await hasArrived(s3, plan.replica, t.probe)) {
          t.state = 'arrived';
          t.seenAt = now();
          t.latencyMs = t.seenAt - (t.writtenAt ?? t.seenAt);
          options.onArrival?.(t.probe.key, t.latencyMs);
          return;
        }
        // S3 never retries a FAILED replication: waiting longer for this probe is pointless.
        t.replicationStatus = await sourceReplicationStatus(s3, plan.source, t.probe.key);
        if (t.replicationStatus === 'FAILED') t.state = 'failed';
      },
      signal,
    );
    if (writing.done && tracked.every((t) => t.state !== undefined || t.writtenAt === undefined)) {
      return 'complete';
    }
    const left = deadline - now();
    if (left <= 0) return 'timeout';
    // One round per poll interval, however long the round's requests took: a probe's arrival is
    // seen within one interval of it.
    await sleeper(Math.min(Math.max(0, options.pollIntervalMs - (now() - round)), left), signal);
  }
}

async function hasArrived(s3: S3Client, replica: string, probe: Probe): Promise<boolean> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: replica, Key: probe.key }));
    return (await res.Body?.transformToString()) === probe.body;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw describeAwsError(err, `s3://${replica}/${probe.key}`);
  }
}

async function sourceReplicationStatus(
  s3: S3Client,
  source: string,
  key: string,
): Promise<string | undefined> {
  try {
    return (await s3.send(new HeadObjectCommand({ Bucket: source, Key: key }))).ReplicationStatus;
  } catch (err) {
    throw describeAwsError(err, `s3://${source}/${key}`);
  }
}

async function readReplicationStatus(
  s3: S3Client,
  plan: ProbePlan,
  tracked: Tracked[],
  concurrency: number,
): Promise<void> {
  const written = tracked.filter((t) => t.writtenAt !== undefined);
  await forEachConcurrent(written, concurrency, async (t) => {
    t.replicationStatus = await sourceReplicationStatus(s3, plan.source, t.probe.key);
  });
}

/**
 * One delete marker per written probe on each bucket; never a version delete. A replica that
 * denies the delete marker (the stack's replica protection denies object writes to all but the
 * replication role) is not a failure: the source's delete markers replicate to it when the rule
 * replicates delete markers, and the `_s3-dr/` lifecycle rule expires the probes in both buckets.
 */
async function cleanUp(
  s3: S3Client,
  plan: ProbePlan,
  tracked: Tracked[],
  concurrency: number,
): Promise<ProbeReport['cleanup']> {
  const errors: string[] = [];
  let deleteMarkers = 0;
  let replicaRefused = 0;
  const jobs = tracked
    .filter((t) => t.writtenAt !== undefined)
    .flatMap((t) => [plan.source, plan.replica].map((bucket) => ({ bucket, key: t.probe.key })));
  await forEachConcurrent(jobs, concurrency, async ({ bucket, key }) => {
    try {
      const res = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      if (res.DeleteMarker === true) deleteMarkers++;
    } catch (err) {
      const described = describeAwsError(err, `s3://${bucket}/${key}`);
      if (bucket === plan.replica && described.code === 'access-denied') replicaRefused++;
      else errors.push(described.message);
    }
  });
  return { deleteMarkers, errors, replicaRefused };
}

function report(
  plan: ProbePlan,
  tracked: readonly Tracked[],
  ended: ProbeReport['ended'],
  cleanup: ProbeReport['cleanup'],
): ProbeReport {
  // Only what was written counts: a probe never written neither arrived nor failed to.
  const probes = tracked
    .filter((t) => t.writtenAt !== undefined)
    .map(
      (t): ProbeOutcome => ({
        key: t.probe.key,
        state: t.state ?? (t.replicationStatus === 'FAILED' ? 'failed' : 'missing'),
        ...(t.latencyMs === undefined ? {} : { latencyMs: t.latencyMs }),
        ...(t.replicationStatus === undefined ? {} : { replicationStatus: t.replicationStatus }),
        ...(t.writtenAt === undefined ? {} : { writtenAt: t.writtenAt }),
        ...(t.seenAt === undefined ? {} : { seenAt: t.seenAt }),
      }),
    );
  const latencies = probes.flatMap((p) => (p.latencyMs === undefined ? [] : [p.latencyMs]));
  return {
    source: plan.source,
    replica: plan.replica,
    prefix: plan.prefix,
    ended,
    planned: plan.probes.length,
    probes,
    arrived: latencies.length,
    ...(latencies.length === 0 ? {} : { medianMs: median(latencies), maxMs: Math.max(...latencies) }),
    cleanup,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The key is not there (yet); a missing bucket is an error, not a probe in flight. */
function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.name === 'NoSuchBucket') return false;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** Resolves after `ms`, or at once when `signal` is aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The plan as one line, shown before anything is written. */
export function describePlan(plan: ProbePlan, timeoutMs: number): string {
  return `writing ${count(plan.probes.length, 'probe')} to s3://${plan.source}/${plan.prefix}… then waiting up to ${formatDuration(timeoutMs)} for them in s3://${plan.replica} (cleaned up afterwards with delete markers)`;
}

/** The report as text: one line per probe, a summary, the clean-up. */
export function formatProbe(report: ProbeReport, timeoutMs: number): string {
  const keyWidth = Math.max(...report.probes.map((p) => p.key.length - report.prefix.length), 0) + 2;
  const total = report.probes.length;
  const lines = [`s3-dr probe: s3://${report.source}/${report.prefix} -> s3://${report.replica}`, ''];
  report.probes.forEach((p, i) => {
    const name = p.key.slice(report.prefix.length).padEnd(keyWidth);
    const what =
      p.state === 'arrived'
        ? `arrived after ${formatDuration(p.latencyMs ?? 0)}`
        : p.state === 'failed'
          ? 'FAILED: S3 will not retry it'
          : 'did not arrive';
    lines.push(
      `probe ${i + 1}/${total}  ${name}${what.padEnd(22)}  source ReplicationStatus ${p.replicationStatus ?? '(not reported)'}`,
    );
  });
  const why =
    report.ended === 'timeout'
      ? ` (gave up after ${formatDuration(timeoutMs)})`
      : report.ended === 'interrupted'
        ? ' (interrupted)'
        : '';
  const missing = total - report.arrived;
  const written =
    total < report.planned ? `${total} of ${count(report.planned, 'probe')} written` : count(total, 'probe');
  const latency =
    report.medianMs === undefined
      ? 'no latency measured'
      : `latency median ${formatDuration(report.medianMs)}, max ${formatDuration(report.maxMs ?? 0)}`;
  lines.push('', `${written}: ${report.arrived} arrived, ${missing} did not${why}; ${latency}`);
  lines.push(
    `clean-up: ${count(report.cleanup.deleteMarkers, 'delete marker')} written (the probe versions stay as noncurrent versions)`,
  );
  if (report.cleanup.replicaRefused > 0) {
    lines.push(
      `clean-up: the replica refused ${count(report.cleanup.replicaRefused, 'delete marker')} (access denied, as a protected replica does): the source's delete markers replicate to it, and the lifecycle rule for ${RESERVED_PREFIX} expires the probes`,
    );
  }
  for (const error of report.cleanup.errors) lines.push(`clean-up failed: ${error}`);
  return `${lines.join('\n')}\n`;
}
