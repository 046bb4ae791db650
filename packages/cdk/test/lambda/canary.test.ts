import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { motoEnv } from '../../../../test/support/moto';
import {
  type CanaryConfig,
  type CanaryDeps,
  type CanarySummary,
  canaryConfigFromEnv,
  handler,
  runCanary,
} from '../../lambda/canary';
import type { LogDocument } from '../../lambda/emf';
import {
  createVersionedBucket,
  keysUnder,
  motoS3,
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

    const overdue = [];
    for (const at of [T0 + 20 * MINUTE, T0 + 25 * MINUTE]) {
      overdue.push((await runAt(at)).summary.overdue);
    }

    expect(overdue).toEqual([1, 0]);
  });

  it('GIVEN an overdue probe still PENDING at the source WHEN the canary runs twice THEN both runs count it', async () => {
    await runAt(T0);
    const pending = motoS3WithReplicationStatus('PENDING');

    const overdue = [];
    for (const at of [T0 + 20 * MINUTE, T0 + 21 * MINUTE]) {
      overdue.push((await runAt(at, { client: pending })).summary.overdue);
    }

    expect(overdue).toEqual([1, 1]);
  });

  it('GIVEN a probe whose replication FAILED WHEN the canary runs a minute later THEN it is overdue at once and reported as failed', async () => {
    await runAt(T0);

    const { summary, lines } = await runAt(T0 + MINUTE, { client: motoS3WithReplicationStatus('FAILED') });

    expect(summary).toMatchObject({ overdue: 1, failed: 1 });
    expect(lines).toContainEqual(expect.objectContaining({ message: 'probe replication FAILED' }));
  });

  it('GIVEN an object under the canary prefix that is not a probe WHEN the canary runs THEN it is left alone', async () => {
    const foreign = `${PREFIX}notes.txt`;
    await s3.send(new PutObjectCommand({ Bucket: config.primaryBucket, Key: foreign, Body: 'keep me' }));

    await runAt(T0 + 20 * MINUTE);

    expect(await keysUnder(s3, config.primaryBucket, PREFIX)).toContain(foreign);
  });

  it('GIVEN a primary bucket that does not exist WHEN the canary runs THEN it publishes CanaryErrors=1 and rejects', async () => {
    const missing = { ...config, primaryBucket: `${config.primaryBucket}-missing` };
    const lines: LogDocument[] = [];
    const deps: CanaryDeps = { s3, now: () => T0, sleep: async () => {}, log: (line) => lines.push(line) };

    await expect(runCanary(missing, deps)).rejects.toMatchObject({ name: 'NoSuchBucket' });

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

describe('canaryConfigFromEnv', () => {
  it('GIVEN only the two bucket names WHEN read THEN the prefix and wait take their defaults', () => {
    expect(canaryConfigFromEnv({ PRIMARY_BUCKET: 'p', REPLICA_BUCKET: 'r' })).toEqual({
      primaryBucket: 'p',
      replicaBucket: 'r',
      prefix: '_s3-dr/canary/',
      waitSeconds: 60,
    });
  });

  it('GIVEN an empty environment WHEN read THEN one error names both missing buckets', () => {
    expect(() => canaryConfigFromEnv({})).toThrow(
      'Invalid canary configuration: PRIMARY_BUCKET is not set; REPLICA_BUCKET is not set',
    );
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
