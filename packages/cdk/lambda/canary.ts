/**
 * End-to-end replication canary, run every 5 minutes. S3's own replication metrics go silent when
 * nothing replicates, so an idle or completely broken replication looks the same; the canary
 * writes its own traffic and checks that it arrives.
 *
 * Each run:
 * 1. writes a probe `<prefix><ISO time>-<token>` to the primary bucket, body `{token, writtenAt}`;
 * 2. sweeps the probes earlier runs left unresolved (ListObjectsV2 on the primary, one page):
 *    ListObjectsV2 then GetObject on the replica (not listed: not there yet) and, when it is missing, HeadObject on
 *    the primary for its ReplicationStatus;
 * 3. polls the replica for its own probe for up to `waitSeconds`;
 * 4. when the replica has Object Lock, reads the retention of the replica version of each probe
 *    found there (GetObjectRetention);
 * 5. publishes one EMF line (CanaryReplicationLatency, CanaryProbesCompleted,
 *    CanaryProbesOverdue, CanaryErrors and, with Object Lock, CanaryReplicasUnlocked), then retires
 *    the probes that are resolved.
 *
 * Latency is measured by observation: the time the canary first sees the probe in the replica
 * minus its writtenAt. The replica's LastModified cannot be used: a replica keeps the source
 * object's creation time (docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-and-other-bucket-config.html:
 * lifecycle rules "honor the original creation time of the object, not when the replica became
 * available"), so it would always read about 0. Found by the poll (step 3) the value is accurate
 * to the poll interval; found by a later run's sweep it is an upper bound, accurate to the
 * schedule (5 minutes), which is still exact enough for the 15-minute threshold.
 *
 * Resolved probes are retired by deleting them from the primary (a plain DeleteObject: a delete
 * marker, no version is destroyed), so ListObjectsV2 only ever returns unresolved probes and no
 * probe is measured twice. Marking probes with a tag instead would still need one
 * GetObjectTagging per probe per run to find the unmarked ones, and tag changes are replicated
 * too. A probe is resolved when it reached the replica, or when it never will: FAILED (S3 never
 * retries it), or overdue without being PENDING (written while no replication rule applied, or its
 * replica was removed). Those count as overdue once, so the overdue alarm clears soon after
 * replication is repaired instead of staying up until lifecycle expires them. A PENDING overdue
 * probe stays and counts as overdue on every run until it arrives or lifecycle expires it.
 *
 * With REPLICA_ROLE_ARN (a vault in another account) every request to the replica is made as that
 * role, assumed with the function's own credentials: the vault lets the primary's account read
 * nothing else.
 *
 * The retention check answers on the user's own account what the S3 documentation leaves open:
 * whether S3 gives replicas of versions without retention the replica bucket's default retention.
 * The replication pages say it does ("the destination bucket's default retention period is applied
 * to your object replicas", userguide/replication-what-is-isnot-replicated.html); the Object Lock
 * page says replicated objects take "the object lock configuration of the source bucket"
 * (userguide/object-lock-managing.html#object-lock-managing-replication). The canary measures it.
 */
import { randomBytes } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { RESERVED_PREFIX } from 's3-dr-naming';
import {
  CANARY_DEFAULT_PREFIX,
  CANARY_DEFAULT_WAIT_SECONDS,
  CANARY_ENV,
  CANARY_METRICS,
  CANARY_OVERDUE_SECONDS,
} from '../src/contract';
import { emfDocuments, type LogDocument, writeLine } from './emf';

export {
  CANARY_ENV,
  CANARY_METRICS,
  CANARY_OVERDUE_SECONDS,
  METRIC_NAMESPACE,
  SOURCE_BUCKET_DIMENSION,
} from '../src/contract';

export interface CanaryConfig {
  readonly primaryBucket: string;
  readonly replicaBucket: string;
  /** Starts with RESERVED_PREFIX, so the canary can never delete user data. */
  readonly prefix: string;
  /** How long a run polls the replica for its own probe; 0 leaves it to the next runs. */
  readonly waitSeconds: number;
  /** The replica has Object Lock: read the retention of each probe's replica. @default false */
  readonly replicaObjectLock?: boolean;
  /** A role to read the replica bucket with (a vault in another account). @default - the function's own role */
  readonly replicaRoleArn?: string;
}

export interface CanaryDeps {
  readonly s3: S3Client;
  /** The client every request to the replica bucket goes through. @default - `s3` */
  readonly replicaS3?: S3Client;
  /** Epoch milliseconds. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (document: LogDocument) => void;
}

export interface CanarySummary {
  /** Key of the probe this run wrote. */
  readonly probe: string;
  /** Probes found in the replica this run, and their latencies in seconds. */
  readonly completed: number;
  readonly latenciesSeconds: readonly number[];
  /** Probes older than CANARY_OVERDUE_SECONDS still missing from the replica, plus FAILED ones. */
  readonly overdue: number;
  /** Of the overdue probes, those whose source ReplicationStatus is FAILED. */
  readonly failed: number;
  /** Probes not in the replica yet and not overdue (normally just this run's own). */
  readonly pending: number;
  /** Replica with Object Lock only: probes whose replica's retention was read this run. */
  readonly retentionChecked: number;
  /** Of those, the replicas that carry no retention in force (no mode, or a date already past). */
  readonly replicasUnlocked: number;
}

const POLL_INTERVAL_MS = 2000;
const SWEEP_CONCURRENCY = 8;
/** One ListObjectsV2 page. Resolved probes are deleted, so normally only a few are listed. */
const MAX_PROBES_PER_RUN = 1000;
const MAX_WAIT_SECONDS = 600;
/** What S3 answers GetObjectRetention for a version without retention. */
const NO_RETENTION = 'NoSuchObjectLockConfiguration';
const PROBE_NAME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)-([0-9a-f]{16})$/;

interface Probe {
  readonly key: string;
  readonly token: string;
  readonly writtenAt: number;
}

/** The replica version the canary read: the one the probe's token identified. */
interface Replica {
  readonly versionId?: string;
}

type Outcome =
  | {
      readonly kind: 'replicated';
      readonly probe: Probe;
      readonly latencySeconds: number;
      readonly replica: Replica;
    }
  | { readonly kind: 'pending' | 'overdue' | 'lost'; readonly probe: Probe; readonly status: string | null }
  | { readonly kind: 'vanished'; readonly probe: Probe };

/** Reads the configuration; throws one error naming every problem. */
export function canaryConfigFromEnv(env: NodeJS.ProcessEnv): CanaryConfig {
  const problems: string[] = [];
  const primaryBucket = env[CANARY_ENV.primaryBucket] ?? '';
  const replicaBucket = env[CANARY_ENV.replicaBucket] ?? '';
  const prefix = env[CANARY_ENV.prefix] || CANARY_DEFAULT_PREFIX;
  const waitText = env[CANARY_ENV.waitSeconds] || String(CANARY_DEFAULT_WAIT_SECONDS);
  const waitSeconds = Number(waitText);
  const lockText = env[CANARY_ENV.replicaObjectLock] || 'false';
  if (primaryBucket === '') problems.push(`${CANARY_ENV.primaryBucket} is not set`);
  if (replicaBucket === '') problems.push(`${CANARY_ENV.replicaBucket} is not set`);
  if (primaryBucket !== '' && primaryBucket === replicaBucket) {
    problems.push(`${CANARY_ENV.primaryBucket} and ${CANARY_ENV.replicaBucket} are the same bucket`);
  }
  if (!prefix.startsWith(RESERVED_PREFIX) || prefix.length === RESERVED_PREFIX.length) {
    problems.push(`${CANARY_ENV.prefix} must be a folder under '${RESERVED_PREFIX}', got '${prefix}'`);
  }
  if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
    problems.push(
      `${CANARY_ENV.waitSeconds} must be a whole number from 0 to ${MAX_WAIT_SECONDS}, got '${waitText}'`,
    );
  }
  if (lockText !== 'true' && lockText !== 'false') {
    problems.push(`${CANARY_ENV.replicaObjectLock} must be 'true' or 'false', got '${lockText}'`);
  }
  const replicaRoleArn = env[CANARY_ENV.replicaRoleArn] || undefined;
  if (replicaRoleArn !== undefined && !ROLE_ARN.test(replicaRoleArn)) {
    problems.push(`${CANARY_ENV.replicaRoleArn} must be an IAM role ARN, got '${replicaRoleArn}'`);
  }
  if (problems.length > 0) throw new Error(`Invalid canary configuration: ${problems.join('; ')}`);
  return {
    primaryBucket,
    replicaBucket,
    prefix,
    waitSeconds,
    replicaObjectLock: lockText === 'true',
    ...(replicaRoleArn ? { replicaRoleArn } : {}),
  };
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/**
 * One canary run. On any failure of its own (access denied, KMS, missing bucket) it publishes
 * CanaryErrors=1 and rethrows, so the Lambda Errors metric counts the run too.
 */
export async function runCanary(config: CanaryConfig, deps: CanaryDeps): Promise<CanarySummary> {
  try {
    const { summary, resolved } = await measure(config, deps);
    publish(config, deps, summary, 0);
    await forEachLimited(resolved, SWEEP_CONCURRENCY, (key) =>
      deps.s3.send(new DeleteObjectCommand({ Bucket: config.primaryBucket, Key: key })),
    );
    return summary;
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    deps.log({ level: 'ERROR', message: 'the canary failed', error: error.name, detail: error.message });
    publish(config, deps, undefined, 1);
    throw err;
  }
}

async function measure(
  config: CanaryConfig,
  deps: CanaryDeps,
): Promise<{ summary: CanarySummary; resolved: string[] }> {
  const own = await writeProbe(config, deps);
  const earlier = await listProbes(config, deps, own.key);
  const outcomes = await forEachLimited(earlier, SWEEP_CONCURRENCY, (probe) =>
    checkProbe(config, deps, probe),
  );
  outcomes.push(await awaitProbe(config, deps, own));
  const retention = config.replicaObjectLock ? await checkRetention(config, deps, outcomes) : [];

  const latenciesSeconds: number[] = [];
  const resolved: string[] = [];
  let overdue = 0;
  let failed = 0;
  let pending = 0;
  for (const outcome of outcomes) {
    if (outcome.kind === 'replicated') latenciesSeconds.push(outcome.latencySeconds);
    if (outcome.kind === 'overdue' || outcome.kind === 'lost') overdue++;
    if (outcome.kind === 'lost' && outcome.status === 'FAILED') failed++;
    if (outcome.kind === 'pending') pending++;
    if (outcome.kind === 'replicated' || outcome.kind === 'lost') resolved.push(outcome.probe.key);
    logOutcome(deps, outcome);
  }
  const summary = {
    probe: own.key,
    completed: latenciesSeconds.length,
    latenciesSeconds,
    overdue,
    failed,
    pending,
    retentionChecked: retention.length,
    replicasUnlocked: retention.filter((locked) => !locked).length,
  };
  return { summary, resolved };
}

async function writeProbe(config: CanaryConfig, deps: CanaryDeps): Promise<Probe> {
  const writtenAt = deps.now();
  const iso = new Date(writtenAt).toISOString();
  const token = randomBytes(8).toString('hex');
  const key = `${config.prefix}${iso}-${token}`;
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: config.primaryBucket,
      Key: key,
      Body: JSON.stringify({ token, writtenAt: iso }),
      ContentType: 'application/json',
    }),
  );
  return { key, token, writtenAt };
}

/** Probes under the prefix, oldest first, except `ownKey`; other keys there are left alone. */
async function listProbes(config: CanaryConfig, deps: CanaryDeps, ownKey: string): Promise<Probe[]> {
  const page = await deps.s3.send(
    new ListObjectsV2Command({
      Bucket: config.primaryBucket,
      Prefix: config.prefix,
      MaxKeys: MAX_PROBES_PER_RUN,
    }),
  );
  const probes: Probe[] = [];
  const foreign: string[] = [];
  for (const { Key: key } of page.Contents ?? []) {
    if (key === undefined || key === ownKey) continue;
    const probe = parseProbeKey(config.prefix, key);
    if (probe) probes.push(probe);
    else foreign.push(key);
  }
  if (foreign.length > 0) {
    deps.log({
      level: 'WARN',
      message: 'ignored keys under the canary prefix that are not probes',
      keys: foreign,
    });
  }
  if (page.IsTruncated) {
    deps.log({
      level: 'WARN',
      message: `more than ${MAX_PROBES_PER_RUN} unresolved probes; checked the oldest`,
    });
  }
  return probes;
}

function parseProbeKey(prefix: string, key: string): Probe | undefined {
  const match = PROBE_NAME.exec(key.slice(prefix.length));
  if (!key.startsWith(prefix) || !match) return undefined;
  const writtenAt = Date.parse(match[1] as string);
  return Number.isNaN(writtenAt) ? undefined : { key, token: match[2] as string, writtenAt };
}

async function checkProbe(config: CanaryConfig, deps: CanaryDeps, probe: Probe): Promise<Outcome> {
  const replica = await findInReplica(config, deps, probe);
  if (replica) return replicated(probe, deps.now(), replica);
  let status: string | null;
  try {
    const head = await deps.s3.send(new HeadObjectCommand({ Bucket: config.primaryBucket, Key: probe.key }));
    status = head.ReplicationStatus ?? null;
  } catch (err) {
    // Expired by lifecycle (or deleted) between the listing and now.
    if (errorName(err) === 'NotFound') return { kind: 'vanished', probe };
    throw err;
  }
  const isOverdue = deps.now() - probe.writtenAt > CANARY_OVERDUE_SECONDS * 1000;
  if (status === 'FAILED' || (isOverdue && status !== 'PENDING')) return { kind: 'lost', probe, status };
  return { kind: isOverdue ? 'overdue' : 'pending', probe, status };
}

/** Polls the replica for this run's own probe until found or `waitSeconds` after it was written. */
async function awaitProbe(config: CanaryConfig, deps: CanaryDeps, probe: Probe): Promise<Outcome> {
  const deadline = probe.writtenAt + config.waitSeconds * 1000;
  while (deps.now() + POLL_INTERVAL_MS <= deadline) {
    await deps.sleep(POLL_INTERVAL_MS);
    const replica = await findInReplica(config, deps, probe);
    if (replica) return replicated(probe, deps.now(), replica);
  }
  return { kind: 'pending', probe, status: null };
}

function replicated(probe: Probe, observedAt: number, replica: Replica): Outcome {
  const latencySeconds = Math.max(0, (observedAt - probe.writtenAt) / 1000);
  return { kind: 'replicated', probe, latencySeconds, replica };
}

/**
 * The replica version holding this probe with the same token and writtenAt, if any. Listing first tells
 * "not there yet" from "not allowed": the role may list the replica only under the canary prefix,
 * and without an unconditioned s3:ListBucket a GetObject of a missing key answers 403, not 404.
 */
async function findInReplica(
  config: CanaryConfig,
  deps: CanaryDeps,
  probe: Probe,
): Promise<Replica | undefined> {
  const replicaS3 = deps.replicaS3 ?? deps.s3;
  const listed = await replicaS3.send(
    new ListObjectsV2Command({ Bucket: config.replicaBucket, Prefix: probe.key, MaxKeys: 1 }),
  );
  if (!listed.Contents?.some((o) => o.Key === probe.key)) return undefined;
  let text: string;
  let versionId: string | undefined;
  try {
    const object = await replicaS3.send(
      new GetObjectCommand({ Bucket: config.replicaBucket, Key: probe.key }),
    );
    text = (await object.Body?.transformToString()) ?? '';
    versionId = object.VersionId;
  } catch (err) {
    if (errorName(err) === 'NoSuchKey') return undefined;
    throw err;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: another body, as below.
  }
  const matches =
    typeof body === 'object' &&
    body !== null &&
    (body as Record<string, unknown>).token === probe.token &&
    Date.parse(String((body as Record<string, unknown>).writtenAt)) === probe.writtenAt;
  if (!matches)
    deps.log({ level: 'WARN', message: 'the replica holds another body for this probe', key: probe.key });
  return matches ? { versionId } : undefined;
}

/**
 * Whether the replica version of each replicated probe carries retention in force (true) or not
 * (false), read with GetObjectRetention on that version and logged. The API reference names no
 * error for a version without retention; S3 answers NoSuchObjectLockConfiguration (404), as the
 * S3-compatible servers that mirror it do. Any other error fails the run (CanaryErrors), so an
 * unexpected answer on a real account is reported instead of being taken for either result.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectRetention.html
 */
async function checkRetention(
  config: CanaryConfig,
  deps: CanaryDeps,
  outcomes: readonly Outcome[],
): Promise<boolean[]> {
  const replicated = outcomes.flatMap((o) => (o.kind === 'replicated' ? [o] : []));
  return forEachLimited(replicated, SWEEP_CONCURRENCY, async ({ probe, replica }) => {
    let mode: string | undefined;
    let retainUntil: Date | undefined;
    try {
      const { Retention } = await (deps.replicaS3 ?? deps.s3).send(
        new GetObjectRetentionCommand({
          Bucket: config.replicaBucket,
          Key: probe.key,
          VersionId: replica.versionId,
        }),
      );
      mode = Retention?.Mode;
      retainUntil = Retention?.RetainUntilDate;
    } catch (err) {
      if (errorName(err) !== NO_RETENTION) throw err;
    }
    const locked = mode !== undefined && retainUntil !== undefined && retainUntil.getTime() > deps.now();
    const where = { key: probe.key, versionId: replica.versionId ?? null };
    if (locked) {
      deps.log({
        level: 'INFO',
        message: 'the replica of the probe carries retention',
        ...where,
        mode,
        retainUntilDate: retainUntil?.toISOString(),
      });
    } else {
      deps.log({
        level: 'WARN',
        message: 'the replica of the probe carries no retention in force: replicas are not locked',
        ...where,
        mode: mode ?? null,
        retainUntilDate: retainUntil?.toISOString() ?? null,
      });
    }
    return locked;
  });
}

function logOutcome(deps: CanaryDeps, outcome: Outcome): void {
  const { key } = outcome.probe;
  switch (outcome.kind) {
    case 'replicated':
      deps.log({ level: 'INFO', message: 'probe replicated', key, latencySeconds: outcome.latencySeconds });
      return;
    case 'overdue':
      deps.log({ level: 'WARN', message: 'probe overdue', key, replicationStatus: outcome.status });
      return;
    case 'lost':
      deps.log({
        level: 'WARN',
        message: outcome.status === 'FAILED' ? 'probe replication FAILED' : 'probe will never replicate',
        key,
        replicationStatus: outcome.status,
      });
      return;
    case 'vanished':
    case 'pending':
      return;
  }
}

/** The run's EMF line(s); without a summary (the run failed) only CanaryErrors. */
function publish(
  config: CanaryConfig,
  deps: CanaryDeps,
  summary: CanarySummary | undefined,
  errors: 0 | 1,
): void {
  const metrics = summary
    ? [
        { name: CANARY_METRICS.latency, unit: 'Seconds' as const, values: summary.latenciesSeconds },
        { name: CANARY_METRICS.completed, unit: 'Count' as const, values: summary.completed },
        { name: CANARY_METRICS.overdue, unit: 'Count' as const, values: summary.overdue },
        // Only what was measured: no value when no probe's replica was read this run.
        ...(summary.retentionChecked > 0
          ? [
              {
                name: CANARY_METRICS.replicasUnlocked,
                unit: 'Count' as const,
                values: summary.replicasUnlocked,
              },
            ]
          : []),
      ]
    : [];
  const properties: LogDocument = {
    level: errors ? 'ERROR' : 'INFO',
    message: 'canary run',
    replicaBucket: config.replicaBucket,
    ...(summary ? { probe: summary.probe, failed: summary.failed, pending: summary.pending } : {}),
    ...(summary && config.replicaObjectLock
      ? { retentionChecked: summary.retentionChecked, replicasUnlocked: summary.replicasUnlocked }
      : {}),
  };
  const documents = emfDocuments(
    config.primaryBucket,
    deps.now(),
    [...metrics, { name: CANARY_METRICS.errors, unit: 'Count', values: errors }],
    properties,
  );
  for (const document of documents) deps.log(document);
}

async function forEachLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

/**
 * The S3 client for Lambda; AWS_ENDPOINT_URL (tests, S3-compatible servers) switches to path-style.
 * When the replica is in another region, S3 answers the first request to it with a redirect naming
 * the bucket's region; `followRegionRedirects` resends it there (a few extra requests per run).
 * https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-aws-sdk-client-s3/Interface/S3ClientConfig/
 */
export function s3ClientFromEnv(
  env: NodeJS.ProcessEnv,
  credentials?: AwsCredentialIdentityProvider,
): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL;
  return new S3Client({
    followRegionRedirects: true,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(credentials ? { credentials } : {}),
  });
}

/** Credentials are renewed this long before they expire. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * Credentials of `roleArn`, assumed with the function's own (STS AssumeRole), kept until five minutes
 * before they expire: one AssumeRole per warm function every hour, not one per request.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
export function assumedRoleCredentials(
  sts: STSClient,
  roleArn: string,
  now: () => number = Date.now,
): AwsCredentialIdentityProvider {
  let cached: AwsCredentialIdentity | undefined;
  return async () => {
    if (cached?.expiration && cached.expiration.getTime() - RENEW_BEFORE_MS > now()) return cached;
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 's3-dr-canary' }),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey)
      throw new Error(`AssumeRole ${roleArn} returned no credentials`);
    cached = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
    return cached;
  };
}

let client: S3Client | undefined;
let replicaClient: S3Client | undefined;

/** Lambda entry point (EventBridge schedule; the event is not used). */
export async function handler(): Promise<CanarySummary> {
  const config = canaryConfigFromEnv(process.env);
  client ??= s3ClientFromEnv(process.env);
  replicaClient ??= config.replicaRoleArn
    ? s3ClientFromEnv(process.env, assumedRoleCredentials(new STSClient({}), config.replicaRoleArn))
    : client;
  return runCanary(config, {
    s3: client,
    replicaS3: replicaClient,
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: writeLine,
  });
}
