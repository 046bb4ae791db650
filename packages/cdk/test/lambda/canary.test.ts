import {
  DeleteObjectCommand,
  type GetObjectRetentionCommandInput,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mostInFlightBy } from '../../../../test/support/in-flight';
import { motoEnv } from '../../../../test/support/moto';
import {
  type CanaryConfig,
  type CanaryDeps,
  type CanarySummary,
  canaryConfigFromEnv,
  handler,
  runCanary,
  s3ClientFromEnv,
} from '../../lambda/canary';
import type { LogDocument } from '../../lambda/emf';
import {
  createLockedBucket,
  createVersionedBucket,
  keysUnder,
  motoS3,
  motoS3WithObjectRetention,
  motoS3WithReplicationStatus,
  readText,
  replicate,
} from './s3-fixture';

const PREFIX = '_s3-dr/canary/';
const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const MINUTE = 60_000;

const s3 = motoS3();
let config: CanaryConfig;

beforeEach(async () => {
  config = {
    primaryBucket: await createVersionedBucket(s3, 'canary-primary'),
    replicaBucket: await createVersionedBucket(s3, 'canary-replica'),
    prefix: PREFIX,
    waitSeconds: 0,
  };
});

/** A canary run at `at` (epoch ms) with a clock that only moves when the canary sleeps. */
async function runAt(
  at: number,
  options: { client?: S3Client; config?: CanaryConfig; onSleep?: () => Promise<void> } = {},
): Promise<{ summary: CanarySummary; lines: LogDocument[] }> {
  let clock = at;
  const lines: LogDocument[] = [];
  const deps: CanaryDeps = {
    s3: options.client ?? s3,
    now: () => clock,
    sleep: async (ms) => {
      await options.onSleep?.();
      clock += ms;
    },
    log: (document) => lines.push(document),
  };
  const summary = await runCanary(options.config ?? config, deps);
  return { summary, lines };
}

/** A moto client that runs `before` with the request's input before it sends any `command`. */
function motoS3Before(
  command: string,
  before: (input: { Bucket: string; Key: string }) => Promise<void>,
): S3Client {
  const client = motoS3();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === command) await before(args.input as { Bucket: string; Key: string });
      return next(args);
    },
    { step: 'initialize' },
  );
  return client;
}

/** The error S3 answers a request the caller's policy refuses. */
const accessDenied = () =>
  new S3ServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: 'Access Denied',
  });

/** The run's EMF line (the one carrying CanaryErrors). */
function runLine(lines: readonly LogDocument[]): LogDocument | undefined {
  return lines.find((line) => '_aws' in line && 'CanaryErrors' in line);
}

describe('runCanary', () => {
  it('GIVEN empty buckets WHEN the canary runs THEN it writes one probe whose body holds its token and write time', async () => {
    const { summary } = await runAt(T0);

    const keys = await keysUnder(s3, config.primaryBucket, PREFIX);
    expect(keys).toEqual([summary.probe]);
    const token = /^_s3-dr\/canary\/2025-03-01T12:00:00\.000Z-([0-9a-f]{16})$/.exec(summary.probe)?.[1];
    expect(JSON.parse(await readText(s3, config.primaryBucket, summary.probe))).toEqual({
      token,
      writtenAt: '2025-03-01T12:00:00.000Z',
    });
    const head = await s3.send(new HeadObjectCommand({ Bucket: config.primaryBucket, Key: summary.probe }));
    expect(head.ContentType).toBe('application/json');
  });

  it('GIVEN probes measured and swept WHEN the canary runs THEN it wrote and deleted nothing outside its prefix in either bucket', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: config.primaryBucket, Key: 'data/keep.txt', Body: 'keep me' }),
    );
    await runAt(T0);
    await replicate(s3, config.primaryBucket, config.replicaBucket, PREFIX);
    // moto ignores a DeleteObject of a missing key, where S3 answers a simple DELETE in a versioned
    // bucket with a delete marker (userguide/DeletingObjectVersions.html): count the requests.
    const client = motoS3();
    const written: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (/^(Put|Delete|Copy)Object/.test(context.commandName ?? ''))
          written.push((args.input as { Key: string }).Key);
        return next(args);
      },
      { step: 'initialize' },
    );

    const { summary } = await runAt(T0 + 2 * MINUTE, { client });

    expect(summary.completed).toBe(1);
    expect(written.length).toBeGreaterThan(1);
    expect(written.filter((key) => !key.startsWith(PREFIX))).toEqual([]);
    for (const bucket of [config.primaryBucket, config.replicaBucket]) {
      const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      const keys = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].map((entry) => entry.Key);
      expect(keys.filter((key) => !key?.startsWith(PREFIX))).toEqual(
        bucket === config.primaryBucket ? ['data/keep.txt'] : [],
      );
    }
  });

  it('GIVEN a probe the replicator copied WHEN the canary runs 2 minutes after writing it THEN it publishes a 120 s latency and one completed probe', async () => {
    const first = await runAt(T0);
    await replicate(s3, config.primaryBucket, config.replicaBucket, PREFIX);

    const { summary, lines } = await runAt(T0 + 2 * MINUTE);

    expect(runLine(lines)).toEqual({
      level: 'INFO',
      message: 'canary run',
      replicaBucket: config.replicaBucket,
      probe: summary.probe,
      failed: 0,
      pending: 1,
      SourceBucket: config.primaryBucket,
      CanaryReplicationLatency: [120],
      CanaryProbesCompleted: 1,
      CanaryProbesOverdue: 0,
      CanaryErrors: 0,
      _aws: {
        Timestamp: T0 + 2 * MINUTE,
        CloudWatchMetrics: [
          {
            Namespace: 'S3DR/Replication',
            Dimensions: [['SourceBucket']],
            Metrics: [
              { Name: 'CanaryReplicationLatency', Unit: 'Seconds' },
              { Name: 'CanaryProbesCompleted', Unit: 'Count' },
              { Name: 'CanaryProbesOverdue', Unit: 'Count' },
              { Name: 'CanaryErrors', Unit: 'Count' },
            ],
          },
        ],
      },
    });
    expect(lines).toContainEqual({
      level: 'INFO',
      message: 'probe replicated',
      key: first.summary.probe,
      latencySeconds: 120,
    });
  });

  it('GIVEN a probe measured by one run WHEN the next run sweeps THEN it is not measured again', async () => {
    const first = await runAt(T0);
    await replicate(s3, config.primaryBucket, config.replicaBucket, PREFIX);
    await runAt(T0 + 2 * MINUTE);

    const { summary } = await runAt(T0 + 4 * MINUTE);

    expect(summary.completed).toBe(0);
    expect(await keysUnder(s3, config.primaryBucket, PREFIX)).not.toContain(first.summary.probe);
  });

  it('GIVEN replication within the wait WHEN the canary polls for its own probe THEN it measures it in the same run', async () => {
    const replicator = () => replicate(s3, config.primaryBucket, config.replicaBucket, PREFIX);

    const { summary } = await runAt(T0, { config: { ...config, waitSeconds: 10 }, onSleep: replicator });

    expect(summary).toMatchObject({ completed: 1, latenciesSeconds: [2], pending: 0 });
  });

  it('GIVEN a probe written 5 minutes ago and not replicated WHEN the canary runs THEN it is pending, not overdue', async () => {
    await runAt(T0);

    const { lines } = await runAt(T0 + 5 * MINUTE);

    expect(runLine(lines)).toMatchObject({ CanaryProbesOverdue: 0, pending: 2 });
  });

  it('GIVEN a probe written exactly 15 minutes ago WHEN the canary runs THEN it is still pending; a millisecond later it is overdue', async () => {
    await runAt(T0);

    const atLimit = await runAt(T0 + 15 * MINUTE);
    const past = await runAt(T0 + 15 * MINUTE + 1);

    expect(atLimit.summary).toMatchObject({ overdue: 0, pending: 2 });
    expect(past.summary).toMatchObject({ overdue: 1 });
  });

  it('GIVEN a probe written 20 minutes ago that never reached the replica WHEN the canary runs THEN it counts one overdue probe', async () => {
    await runAt(T0);

    const { lines } = await runAt(T0 + 20 * MINUTE);

    expect(runLine(lines)).toMatchObject({
      CanaryProbesOverdue: 1,
      CanaryProbesCompleted: 0,
      CanaryErrors: 0,
    });
    expect(runLine(lines)).not.toHaveProperty('CanaryReplicationLatency');
  });

  it('GIVEN an overdue probe the source never queued for replication WHEN the canary runs twice THEN only the first run counts it', async () => {
    await runAt(T0);

    const runs = [];
    for (const at of [T0 + 20 * MINUTE, T0 + 25 * MINUTE]) runs.push(await runAt(at));

    expect(runs.map((r) => r.summary.overdue)).toEqual([1, 0]);
    expect(runs[0]?.summary.failed).toBe(0);
    expect(runs[0]?.lines).toContainEqual({
      level: 'WARN',
      message: 'probe will never replicate',
      key: expect.stringMatching(/^_s3-dr\/canary\/2025-03-01T12:00:00\.000Z-/),
      replicationStatus: null,
    });
  });

  it('GIVEN an overdue probe still PENDING at the source WHEN the canary runs twice THEN both runs count it', async () => {
    await runAt(T0);
    const pending = motoS3WithReplicationStatus('PENDING');

    const runs = [];
    for (const at of [T0 + 20 * MINUTE, T0 + 21 * MINUTE]) runs.push(await runAt(at, { client: pending }));

    expect(runs.map((r) => r.summary.overdue)).toEqual([1, 1]);
    expect(runs.map((r) => r.summary.failed)).toEqual([0, 0]);
    expect(runs[1]?.lines).toContainEqual({
      level: 'WARN',
      message: 'probe overdue',
      key: expect.stringMatching(/^_s3-dr\/canary\/2025-03-01T12:00:00\.000Z-/),
      replicationStatus: 'PENDING',
    });
  });

  it('GIVEN a probe whose replication FAILED WHEN the canary runs a minute later THEN it is overdue at once and reported as failed', async () => {
    await runAt(T0);

    const { summary, lines } = await runAt(T0 + MINUTE, { client: motoS3WithReplicationStatus('FAILED') });

    expect(summary).toMatchObject({ overdue: 1, failed: 1 });
    expect(lines).toContainEqual(expect.objectContaining({ message: 'probe replication FAILED' }));
  });

  it('GIVEN objects under the canary prefix that are not probes WHEN the canary runs THEN they are left alone and named in one warning', async () => {
    // The second and third hold a probe name, but not at the start or not up to the end.
    const foreign = [
      `${PREFIX}2025-03-01T11:00:00.000Z-0123456789abcdef.bak`,
      `${PREFIX}notes.txt`,
      `${PREFIX}old-2025-03-01T11:00:00.000Z-0123456789abcdef`,
    ];
    for (const key of foreign) {
      await s3.send(new PutObjectCommand({ Bucket: config.primaryBucket, Key: key, Body: 'keep me' }));
    }

    const { summary, lines } = await runAt(T0 + 20 * MINUTE);

    expect(await keysUnder(s3, config.primaryBucket, PREFIX)).toEqual(expect.arrayContaining(foreign));
    expect(summary).toMatchObject({ overdue: 0, pending: 1 });
    expect(lines.filter((line) => line.level === 'WARN')).toEqual([
      { level: 'WARN', message: 'ignored keys under the canary prefix that are not probes', keys: foreign },
    ]);
  });

  it('GIVEN a run with nothing unusual (a probe replicated, one pending) WHEN the canary runs THEN it logs no warning', async () => {
    await runAt(T0);
    await replicate(s3, config.primaryBucket, config.replicaBucket, PREFIX);

    const { summary, lines } = await runAt(T0 + MINUTE);

    expect(summary).toMatchObject({ completed: 1, pending: 1 });
    expect(lines.filter((line) => line.level !== 'INFO')).toEqual([]);
  });

  it('GIVEN more than one page of keys under the prefix WHEN the canary runs THEN it warns that it checked only the oldest', async () => {
    const keys = Array.from({ length: 1001 }, (_, i) => `${PREFIX}a-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(
        keys
          .slice(i, i + 50)
          .map((key) => s3.send(new PutObjectCommand({ Bucket: config.primaryBucket, Key: key, Body: '' }))),
      );
    }

    const { lines } = await runAt(T0);

    expect(lines).toContainEqual({
      level: 'WARN',
      message: 'more than 1000 unresolved probes; checked the oldest',
    });
  });

  it('GIVEN a probe removed between the listing and its HeadObject (lifecycle) WHEN the canary runs THEN it is neither pending nor overdue, and the run goes on', async () => {
    await runAt(T0);
    const expiring = motoS3Before('HeadObjectCommand', async ({ Bucket, Key }) => {
      await s3.send(new DeleteObjectCommand({ Bucket, Key }));
    });

    const { summary, lines } = await runAt(T0 + 20 * MINUTE, { client: expiring });

    expect(summary).toMatchObject({ overdue: 0, failed: 0, pending: 1, completed: 0 });
    expect(runLine(lines)).toMatchObject({ CanaryErrors: 0 });
  });

  it('GIVEN the source refuses HeadObject of an earlier probe WHEN the canary runs THEN the run fails with that error instead of calling the probe gone', async () => {
    await runAt(T0);
    const refusing = motoS3Before('HeadObjectCommand', async () => {
      throw accessDenied();
    });

    await expect(runAt(T0 + 20 * MINUTE, { client: refusing })).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });

  it('GIVEN 20 earlier probes WHEN the canary checks them THEN at most 8 are checked at once', async () => {
    for (let i = 0; i < 20; i++) await runAt(T0 + i * 1000);
    const client = motoS3();
    // Each check starts with a listing of the replica, sent as soon as the check starts (its later
    // requests wait for that answer, so under load they need not overlap 8 at a time).
    const most = mostInFlightBy(client, 'ListObjectsV2Command', (input) => String(input.Bucket));

    const { summary } = await runAt(T0 + MINUTE, { client });

    expect(summary.pending).toBe(21);
    expect(most()[config.replicaBucket]).toBe(8);
  });

  it('GIVEN a probe listed in the replica but gone when read WHEN the canary runs THEN it is not replicated yet', async () => {
    await runAt(T0);
    await replicate(s3, config.primaryBucket, config.replicaBucket, PREFIX);
    const vanishing = motoS3Before('GetObjectCommand', async ({ Bucket, Key }) => {
      if (Bucket === config.replicaBucket) await s3.send(new DeleteObjectCommand({ Bucket, Key }));
    });

    const { summary, lines } = await runAt(T0 + 2 * MINUTE, { client: vanishing });

    expect(summary).toMatchObject({ completed: 0, pending: 2, overdue: 0 });
    expect(lines.filter((line) => line.level !== 'INFO')).toEqual([]);
  });

  it('GIVEN the replica refuses to give a listed probe (e.g. no kms:Decrypt on its key) WHEN the canary runs THEN the run fails with that error instead of calling the probe pending', async () => {
    await runAt(T0);
    await replicate(s3, config.primaryBucket, config.replicaBucket, PREFIX);
    const refusing = motoS3Before('GetObjectCommand', async () => {
      throw accessDenied();
    });
    const lines: LogDocument[] = [];
    const deps: CanaryDeps = {
      s3: refusing,
      now: () => T0 + 2 * MINUTE,
      sleep: async () => {},
      log: (l) => lines.push(l),
    };

    await expect(runCanary(config, deps)).rejects.toMatchObject({ name: 'AccessDenied' });

    expect(runLine(lines)).toMatchObject({ level: 'ERROR', CanaryErrors: 1 });
  });

  it('GIVEN no replication within the wait WHEN the canary polls for its own probe THEN it polls until the wait is over and leaves the probe pending', async () => {
    let polls = 0;

    const { summary } = await runAt(T0, {
      config: { ...config, waitSeconds: 10 },
      onSleep: async () => {
        polls++;
      },
    });

    expect(summary).toMatchObject({ completed: 0, latenciesSeconds: [], pending: 1 });
    expect(polls).toBe(5);
  });

  it.each([
    ['not JSON', () => 'not json'],
    ['JSON null', () => 'null'],
    [
      'another token',
      (body: { token: string; writtenAt: string }) => JSON.stringify({ ...body, token: '0'.repeat(16) }),
    ],
    [
      'another write time',
      (body: { token: string; writtenAt: string }) =>
        JSON.stringify({ ...body, writtenAt: '2025-03-01T11:00:00.000Z' }),
    ],
  ])(
    'GIVEN a replica of a probe whose body is %s WHEN the canary runs THEN it is not counted as replicated and a warning names it',
    async (_, bodyOf) => {
      const first = await runAt(T0);
      const body = JSON.parse(await readText(s3, config.primaryBucket, first.summary.probe));
      await s3.send(
        new PutObjectCommand({ Bucket: config.replicaBucket, Key: first.summary.probe, Body: bodyOf(body) }),
      );

      const { summary, lines } = await runAt(T0 + 2 * MINUTE);

      expect(summary).toMatchObject({ completed: 0, pending: 2 });
      expect(lines).toContainEqual({
        level: 'WARN',
        message: 'the replica holds another body for this probe',
        key: first.summary.probe,
      });
    },
  );

  it('GIVEN a primary bucket that does not exist WHEN the canary runs THEN it publishes CanaryErrors=1 and rejects', async () => {
    const missing = { ...config, primaryBucket: `${config.primaryBucket}-missing` };
    const lines: LogDocument[] = [];
    const deps: CanaryDeps = { s3, now: () => T0, sleep: async () => {}, log: (line) => lines.push(line) };

    await expect(runCanary(missing, deps)).rejects.toMatchObject({ name: 'NoSuchBucket' });

    expect(lines).toContainEqual({
      level: 'ERROR',
      message: 'the canary failed',
      error: 'NoSuchBucket',
      detail: expect.stringMatching(/\S/),
    });
    expect(runLine(lines)).toEqual({
      level: 'ERROR',
      message: 'canary run',
      replicaBucket: config.replicaBucket,
      SourceBucket: missing.primaryBucket,
      CanaryErrors: 1,
      _aws: {
        Timestamp: T0,
        CloudWatchMetrics: [
          {
            Namespace: 'S3DR/Replication',
            Dimensions: [['SourceBucket']],
            Metrics: [{ Name: 'CanaryErrors', Unit: 'Count' }],
          },
        ],
      },
    });
  });
});

describe('runCanary with a replica under Object Lock', () => {
  /** A primary without Object Lock and a locked replica (with this default retention, if any). */
  async function lockedPair(defaultRetention?: { mode: 'GOVERNANCE'; days: number }): Promise<CanaryConfig> {
    return {
      primaryBucket: await createVersionedBucket(s3, 'canary-primary'),
      replicaBucket: await createLockedBucket(s3, 'canary-locked', defaultRetention),
      prefix: PREFIX,
      waitSeconds: 0,
      replicaObjectLock: true,
    };
  }

  /** A run at `at` of a canary that probed at `at - 2 min`, its probe replicated since. */
  async function replicatedProbeRun(locked: CanaryConfig, at: number, client: S3Client) {
    const first = await runAt(at - 2 * MINUTE, { config: locked, client });
    await replicate(s3, locked.primaryBucket, locked.replicaBucket, PREFIX);
    return { first, ...(await runAt(at, { config: locked, client })) };
  }

  it("GIVEN the replica's default retention on the replicated probe WHEN the canary runs THEN it publishes CanaryReplicasUnlocked=0 and logs the retention", async () => {
    const locked = await lockedPair({ mode: 'GOVERNANCE', days: 1 });
    const requests: GetObjectRetentionCommandInput[] = [];
    const at = Date.now();

    const { first, summary, lines } = await replicatedProbeRun(
      locked,
      at,
      motoS3WithObjectRetention(requests),
    );

    expect(summary).toMatchObject({ completed: 1, retentionChecked: 1, replicasUnlocked: 0 });
    expect(runLine(lines)).toMatchObject({
      retentionChecked: 1,
      replicasUnlocked: 0,
      CanaryReplicasUnlocked: 0,
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        message: 'the replica of the probe carries retention',
        key: first.summary.probe,
        mode: 'GOVERNANCE',
      }),
    );
  });

  it('GIVEN a replicated probe WHEN the canary reads its retention THEN it asks for the replica version it read, in the replica bucket', async () => {
    const locked = await lockedPair({ mode: 'GOVERNANCE', days: 1 });
    const requests: GetObjectRetentionCommandInput[] = [];

    const { first } = await replicatedProbeRun(locked, Date.now(), motoS3WithObjectRetention(requests));

    const head = await s3.send(
      new HeadObjectCommand({ Bucket: locked.replicaBucket, Key: first.summary.probe }),
    );
    expect(requests).toEqual([
      { Bucket: locked.replicaBucket, Key: first.summary.probe, VersionId: head.VersionId },
    ]);
  });

  it('GIVEN a replicated probe without retention WHEN the canary runs THEN it publishes CanaryReplicasUnlocked=1 and warns that replicas are not locked', async () => {
    const locked = await lockedPair();

    const { first, summary, lines } = await replicatedProbeRun(locked, T0, motoS3WithObjectRetention());

    expect(summary).toMatchObject({ retentionChecked: 1, replicasUnlocked: 1 });
    expect(runLine(lines)).toMatchObject({ CanaryReplicasUnlocked: 1 });
    expect(lines).toContainEqual({
      level: 'WARN',
      message: 'the replica of the probe carries no retention in force: replicas are not locked',
      key: first.summary.probe,
      versionId: expect.any(String),
      mode: null,
      retainUntilDate: null,
    });
  });

  it('GIVEN a replica whose retention date has passed WHEN the canary runs THEN it counts it as unlocked', async () => {
    const locked = await lockedPair({ mode: 'GOVERNANCE', days: 1 });
    const inTenDays = Date.now() + 10 * 24 * 60 * MINUTE;

    const { summary } = await replicatedProbeRun(locked, inTenDays, motoS3WithObjectRetention());

    expect(summary).toMatchObject({ retentionChecked: 1, replicasUnlocked: 1 });
  });

  it('GIVEN no probe reached the replica WHEN the canary runs THEN it publishes no CanaryReplicasUnlocked value (nothing was measured)', async () => {
    const locked = await lockedPair({ mode: 'GOVERNANCE', days: 1 });
    const requests: GetObjectRetentionCommandInput[] = [];

    const { summary, lines } = await runAt(T0, {
      config: locked,
      client: motoS3WithObjectRetention(requests),
    });

    expect(summary).toMatchObject({ retentionChecked: 0, replicasUnlocked: 0 });
    expect(runLine(lines)).toMatchObject({ retentionChecked: 0 });
    expect(runLine(lines)).not.toHaveProperty('CanaryReplicasUnlocked');
    expect(requests).toEqual([]);
  });

  it('GIVEN the replica refuses GetObjectRetention WHEN the canary runs THEN the run fails with CanaryErrors=1 instead of calling the replica locked or unlocked', async () => {
    const locked = await lockedPair({ mode: 'GOVERNANCE', days: 1 });
    await runAt(T0, { config: locked });
    await replicate(s3, locked.primaryBucket, locked.replicaBucket, PREFIX);
    const client = motoS3Before('GetObjectRetentionCommand', async () => {
      throw accessDenied();
    });
    let lines: LogDocument[] = [];
    const log = (document: LogDocument) => lines.push(document);

    await expect(
      runCanary(locked, { s3: client, now: () => T0 + 2 * MINUTE, sleep: async () => {}, log }),
    ).rejects.toThrow('Access Denied');
    lines = lines.filter((line) => '_aws' in line);
    expect(lines).toEqual([expect.objectContaining({ CanaryErrors: 1 })]);
    expect(lines[0]).not.toHaveProperty('CanaryReplicasUnlocked');
  });

  it('GIVEN a replica the canary is not told is locked WHEN a probe replicated THEN it reads no retention and publishes no such metric', async () => {
    const locked = { ...(await lockedPair()), replicaObjectLock: false };
    const requests: GetObjectRetentionCommandInput[] = [];

    const { summary, lines } = await replicatedProbeRun(locked, T0, motoS3WithObjectRetention(requests));

    expect(summary.completed).toBe(1);
    expect(requests).toEqual([]);
    expect(runLine(lines)).not.toHaveProperty('CanaryReplicasUnlocked');
    expect(runLine(lines)).not.toHaveProperty('retentionChecked');
  });
});

describe('canaryConfigFromEnv', () => {
  it('GIVEN only the two bucket names WHEN read THEN the prefix and wait take their defaults', () => {
    expect(canaryConfigFromEnv({ PRIMARY_BUCKET: 'p', REPLICA_BUCKET: 'r' })).toEqual({
      primaryBucket: 'p',
      replicaBucket: 'r',
      prefix: '_s3-dr/canary/',
      waitSeconds: 60,
      replicaObjectLock: false,
    });
  });

  it("GIVEN REPLICA_OBJECT_LOCK 'true' WHEN read THEN the canary reads replicas' retention", () => {
    expect(
      canaryConfigFromEnv({ PRIMARY_BUCKET: 'p', REPLICA_BUCKET: 'r', REPLICA_OBJECT_LOCK: 'true' }),
    ).toMatchObject({ replicaObjectLock: true });
  });

  it('GIVEN an empty environment WHEN read THEN one error names both missing buckets', () => {
    expect(() => canaryConfigFromEnv({})).toThrow(
      /^Invalid canary configuration: PRIMARY_BUCKET is not set; REPLICA_BUCKET is not set$/,
    );
  });

  it('GIVEN the same bucket twice WHEN read THEN it is rejected: the canary would find each probe as its own replica', () => {
    expect(() => canaryConfigFromEnv({ PRIMARY_BUCKET: 'b', REPLICA_BUCKET: 'b' })).toThrow(
      /^Invalid canary configuration: PRIMARY_BUCKET and REPLICA_BUCKET are the same bucket$/,
    );
  });

  it.each([
    [
      'the reserved prefix itself',
      { CANARY_PREFIX: '_s3-dr/' },
      "CANARY_PREFIX must be a folder under '_s3-dr/', got '_s3-dr/'",
    ],
    [
      'a wait above 600 seconds',
      { CANARY_WAIT_SECONDS: '601' },
      "CANARY_WAIT_SECONDS must be a whole number from 0 to 600, got '601'",
    ],
    [
      'a negative wait',
      { CANARY_WAIT_SECONDS: '-1' },
      "CANARY_WAIT_SECONDS must be a whole number from 0 to 600, got '-1'",
    ],
    [
      'an Object Lock flag that is not a boolean',
      { REPLICA_OBJECT_LOCK: 'yes' },
      "REPLICA_OBJECT_LOCK must be 'true' or 'false', got 'yes'",
    ],
  ])('GIVEN %s WHEN read THEN it is rejected', (_, env, problem) => {
    expect(() => canaryConfigFromEnv({ PRIMARY_BUCKET: 'p', REPLICA_BUCKET: 'r', ...env })).toThrow(
      new Error(`Invalid canary configuration: ${problem}`),
    );
  });

  it.each([['600'], ['0']])('GIVEN a wait of %s seconds WHEN read THEN it is taken', (wait) => {
    expect(
      canaryConfigFromEnv({ PRIMARY_BUCKET: 'p', REPLICA_BUCKET: 'r', CANARY_WAIT_SECONDS: wait }),
    ).toMatchObject({
      waitSeconds: Number(wait),
    });
  });

  it('GIVEN a prefix outside the reserved prefix WHEN read THEN it is rejected, since the canary deletes what it measured', () => {
    expect(() =>
      canaryConfigFromEnv({ PRIMARY_BUCKET: 'p', REPLICA_BUCKET: 'r', CANARY_PREFIX: 'data/' }),
    ).toThrow("Invalid canary configuration: CANARY_PREFIX must be a folder under '_s3-dr/', got 'data/'");
  });

  it('GIVEN a wait that is not a whole number of seconds WHEN read THEN it is rejected', () => {
    expect(() =>
      canaryConfigFromEnv({ PRIMARY_BUCKET: 'p', REPLICA_BUCKET: 'r', CANARY_WAIT_SECONDS: '1.5' }),
    ).toThrow(
      "Invalid canary configuration: CANARY_WAIT_SECONDS must be a whole number from 0 to 600, got '1.5'",
    );
  });
});

describe('s3ClientFromEnv', () => {
  it('GIVEN no endpoint WHEN built THEN it follows region redirects (a replica in another region) and uses virtual-hosted names', async () => {
    const client = s3ClientFromEnv({});

    expect(client.config.followRegionRedirects).toBe(true);
    expect(client.config.forcePathStyle).toBe(false);
    expect(await client.config.endpoint?.()).toBeUndefined();
  });

  it('GIVEN AWS_ENDPOINT_URL WHEN built THEN it sends there, path-style', async () => {
    const client = s3ClientFromEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' });

    expect(client.config.followRegionRedirects).toBe(true);
    expect(client.config.forcePathStyle).toBe(true);
    expect(await client.config.endpoint?.()).toMatchObject({ hostname: '127.0.0.1', port: 5000 });
  });
});

describe('handler', () => {
  const savedEnv = process.env;

  afterEach(() => {
    process.env = savedEnv;
    jest.restoreAllMocks();
  });

  it('GIVEN the function environment WHEN invoked THEN it returns the summary and writes the run line to stdout', async () => {
    process.env = {
      ...savedEnv,
      ...motoEnv(),
      PRIMARY_BUCKET: config.primaryBucket,
      REPLICA_BUCKET: config.replicaBucket,
      CANARY_WAIT_SECONDS: '0',
    };
    const written: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });

    const summary = await handler();

    expect(summary).toMatchObject({ completed: 0, overdue: 0, pending: 1 });
    expect(written.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ SourceBucket: config.primaryBucket, CanaryErrors: 0 }),
    );
  });
});
