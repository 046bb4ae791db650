import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  type ReplicationRule,
} from '@aws-sdk/client-s3';
import { motoEnv, noCredentialsEnv, uniqueBucket } from '../../../../../test/support/moto';
import type { ProbeReport } from '../../../src/commands/probe/probe';
import { PROBE_PREFIX } from '../../../src/commands/probe/settings';
import { errorLines, runCli, runCliProcess } from '../../support/cli';
import { type MotoClients, motoClients } from '../../support/dr-pair';
import {
  type RecordedRequest,
  type RecordingProxy,
  startRecordingProxy,
} from '../../support/recording-proxy';
import { startReplicator } from '../../support/replicator';

/** What happened, in order: the plan line on stderr and each PutObject the CLI sends. */
const mockEvents: string[] = [];
jest.mock('../../../src/shared/aws', () => {
  const actual = jest.requireActual('../../../src/shared/aws');
  return {
    ...actual,
    createClients: (options: unknown) => {
      // moto answers GetBucketReplication with a rule of its own making: see moto-fidelity.ts.
      const { withFaithfulReplication } = jest.requireActual('../../support/moto-fidelity');
      const clients = withFaithfulReplication(actual.createClients(options));
      clients.s3.middlewareStack.add(
        (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
          async (args: unknown) => {
            if (context.commandName === 'PutObjectCommand') mockEvents.push('PutObject');
            return next(args);
          },
        { step: 'initialize', name: 'recordPutObject' },
      );
      return clients;
    },
  };
});

// Plain versioned buckets: moto enforces an SSL-only bucket policy against its plain-HTTP endpoint,
// and replication settings play no part here (the test replicator stands in for S3's).

let clients: MotoClients;
beforeAll(() => {
  clients = motoClients();
});

/**
 * Two versioned buckets, the source with a replication configuration to the replica: by default
 * one enabled rule for all objects; `rules` replaces it, `null` leaves the source without one.
 */
async function versionedPair(
  rules: ((replica: string) => ReplicationRule[]) | null = (replica) => [
    {
      ID: 'all',
      Status: 'Enabled',
      Priority: 1,
      Filter: { Prefix: '' },
      DeleteMarkerReplication: { Status: 'Enabled' },
      Destination: { Bucket: `arn:aws:s3:::${replica}` },
    },
  ],
): Promise<{ source: string; replica: string }> {
  const source = uniqueBucket('probe-src');
  const replica = uniqueBucket('probe-dst');
  for (const bucket of [source, replica]) {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await clients.s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  }
  if (rules) {
    await clients.s3.send(
      new PutBucketReplicationCommand({
        Bucket: source,
        ReplicationConfiguration: {
          Role: 'arn:aws:iam::123456789012:role/replication',
          Rules: rules(replica),
        },
      }),
    );
  }
  return { source, replica };
}

async function probeVersions(bucket: string): Promise<ListObjectVersionsCommandOutput> {
  return clients.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: PROBE_PREFIX }));
}

/** Every probe key has exactly one version, and a delete marker as its current state. */
function expectCleanedUpWithDeleteMarkers(
  listing: ListObjectVersionsCommandOutput,
  keys: readonly string[],
): void {
  expect((listing.Versions ?? []).map((v) => v.Key).sort()).toEqual([...keys].sort());
  expect(
    (listing.DeleteMarkers ?? [])
      .filter((m) => m.IsLatest)
      .map((m) => m.Key)
      .sort(),
  ).toEqual([...keys].sort());
}

describe('GIVEN a pair whose replica receives every probe', () => {
  let pair: { source: string; replica: string };
  let result: { code: number; stdout: string; stderr: string };
  let report: ProbeReport;
  beforeAll(async () => {
    pair = await versionedPair();
    mockEvents.length = 0;
    const replicator = startReplicator(clients.s3, pair.source, pair.replica, PROBE_PREFIX);
    result = await runCli(
      [
        'probe',
        '--source',
        pair.source,
        '--replica',
        pair.replica,
        '--count',
        '3',
        '--timeout',
        '30s',
        '--poll-interval',
        '100ms',
        '--json',
      ],
      {
        env: motoEnv(),
        onStderr: (text) => {
          if (text.startsWith('writing ')) mockEvents.push('plan');
        },
      },
    );
    await replicator.stop();
    report = JSON.parse(result.stdout) as ProbeReport;
  });

  it('WHEN probed THEN it exits 0', () => {
    expect(result.code).toBe(0);
  });

  it('WHEN probed THEN it reports the latency of each probe, the median and the maximum', () => {
    expect(report.probes).toEqual(
      Array.from({ length: 3 }, () =>
        expect.objectContaining({ state: 'arrived', latencyMs: expect.any(Number) }),
      ),
    );
    expect(report.medianMs).toBeLessThanOrEqual(report.maxMs ?? -1);
    expect(report.maxMs).toBe(Math.max(...report.probes.map((p) => p.latencyMs ?? 0)));
  });

  it('WHEN probed THEN it names the number of probes and where it writes them before writing', () => {
    expect(result.stderr).toContain(`writing 3 probes to s3://${pair.source}/${PROBE_PREFIX}`);
    expect(mockEvents.slice(0, 4)).toEqual(['plan', 'PutObject', 'PutObject', 'PutObject']);
  });

  it('WHEN probed THEN each probe has its own token in its key and its body', async () => {
    const versions = (await probeVersions(pair.source)).Versions ?? [];
    const bodies = await Promise.all(
      versions.map(async (v) => {
        const object = await clients.s3.send(
          new GetObjectCommand({ Bucket: pair.source, Key: v.Key, VersionId: v.VersionId }),
        );
        return { key: v.Key ?? '', body: (await object.Body?.transformToString()) ?? '' };
      }),
    );
    const tokens = bodies.map(({ key }) => /-([0-9a-f]{16})$/.exec(key)?.[1]);
    expect(new Set(tokens).size).toBe(3);
    for (const { key, body } of bodies) expect(body).toContain(/-([0-9a-f]{16})$/.exec(key)?.[1]);
  });

  it('WHEN probed THEN it cleans up with delete markers on both buckets and deletes no version', async () => {
    const keys = report.probes.map((p) => p.key);
    expectCleanedUpWithDeleteMarkers(await probeVersions(pair.source), keys);
    expectCleanedUpWithDeleteMarkers(await probeVersions(pair.replica), keys);
  });
});

describe('GIVEN a replica that never receives the probes', () => {
  let pair: { source: string; replica: string };
  let result: { code: number; stdout: string; stderr: string };
  beforeAll(async () => {
    pair = await versionedPair();
    result = await runCli([
      'probe',
      '--source',
      pair.source,
      '--replica',
      pair.replica,
      '--count',
      '2',
      '--timeout',
      '2s',
      '--poll-interval',
      '200ms',
    ]);
  });

  it('WHEN probed with --timeout 2s THEN it exits 1', () => {
    expect(result.code).toBe(1);
  });

  it('WHEN probed with --timeout 2s THEN it reports each probe as not arrived after the time-out', () => {
    expect(result.stdout.match(/did not arrive/g)).toHaveLength(2);
    expect(result.stdout).toContain('2 probes: 0 arrived, 2 did not (gave up after 2s); no latency measured');
  });

  it('WHEN probed with --timeout 2s THEN it still cleans up with delete markers and deletes no version', async () => {
    const listing = await probeVersions(pair.source);
    const keys = (listing.Versions ?? []).map((v) => v.Key ?? '');
    expect(keys).toHaveLength(2);
    expectCleanedUpWithDeleteMarkers(listing, keys);
  });

  it('WHEN probed with --timeout 2s THEN the replica holds no probe object', async () => {
    // S3 would also show a delete marker per probe here; moto writes none for a key it never had.
    expect((await probeVersions(pair.replica)).Versions ?? []).toEqual([]);
  });
});

describe('GIVEN a probe waiting for a replica that never receives it', () => {
  it('WHEN interrupted with Ctrl-C THEN it stops polling, cleans up and exits 1', async () => {
    const pair = await versionedPair();
    const started = Date.now();

    const result = await runCli(
      [
        'probe',
        '--source',
        pair.source,
        '--replica',
        pair.replica,
        '--count',
        '2',
        '--timeout',
        '60s',
        '--poll-interval',
        '100ms',
      ],
      {
        env: motoEnv(),
        onStderr: (text) => {
          if (text.startsWith('writing ')) setTimeout(() => process.emit('SIGINT'), 500);
        },
      },
    );

    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('2 probes: 0 arrived, 2 did not (interrupted)');
    const listing = await probeVersions(pair.source);
    expectCleanedUpWithDeleteMarkers(
      listing,
      (listing.Versions ?? []).map((v) => v.Key ?? ''),
    );
  });
});

describe('GIVEN a probe of many probes at one request at a time', () => {
  /** Runs the probe through a recording proxy; `interruptAt` sees each request and says when to press Ctrl-C. */
  async function probeInterrupted(
    pair: { source: string; replica: string },
    interruptAt: (request: RecordedRequest, requests: readonly RecordedRequest[]) => boolean,
  ) {
    let interruptedAfter: number | undefined;
    const proxy: RecordingProxy = await startRecordingProxy({
      onRequest: (request) => {
        if (interruptedAfter === undefined && interruptAt(request, proxy.requests())) {
          interruptedAfter = proxy.requests().length;
          process.emit('SIGINT');
        }
      },
    });
    try {
      const result = await runCli(
        [
          '--concurrency',
          '1',
          'probe',
          '--source',
          pair.source,
          '--replica',
          pair.replica,
          '--count',
          '100',
          '--timeout',
          '60s',
          '--poll-interval',
          '100ms',
        ],
        { env: { ...motoEnv(), AWS_ENDPOINT_URL: proxy.endpoint } },
      );
      const after = proxy.requests().slice(interruptedAfter);
      return { result, requests: proxy.requests(), after };
    } finally {
      await proxy.close();
    }
  }
  const isPut = (r: RecordedRequest) => r.method === 'PUT' && r.url.includes(PROBE_PREFIX);

  it('WHEN interrupted while writing them THEN the report counts only the probes written', async () => {
    const pair = await versionedPair();

    const { result, requests } = await probeInterrupted(
      pair,
      (r, all) => isPut(r) && all.filter(isPut).length === 10,
    );

    const written = requests.filter(isPut).length;
    expect(written).toBeLessThan(100);
    expect(result.stdout).toContain(
      `\n${written} of 100 probes written: 0 arrived, ${written} did not (interrupted); no latency measured\n`,
    );
    expect(result.stdout.match(/^probe \d+\//gm)).toHaveLength(written);
    expect(result.code).toBe(1);
    const listing = await probeVersions(pair.source);
    expect(listing.Versions ?? []).toHaveLength(written);
  });

  it('WHEN interrupted while polling THEN it stops the round at once and goes straight to the clean-up', async () => {
    const pair = await versionedPair();
    const isReplicaRead = (r: RecordedRequest) =>
      r.method === 'GET' && r.url.startsWith(`/${pair.replica}/${PROBE_PREFIX}`);

    const { result, after } = await probeInterrupted(pair, isReplicaRead);

    // At one request at a time, the read in flight and that probe's status: then only delete markers.
    expect(after.filter((r) => r.method !== 'DELETE').length).toBeLessThanOrEqual(2);
    expect(after.filter((r) => r.method === 'DELETE')).toHaveLength(200);
    expect(result.stdout).toContain('\n100 probes: 0 arrived, 100 did not (interrupted)');
  });
});

describe('GIVEN a probe waiting for its probes', () => {
  it('WHEN nothing arrives for a while THEN stderr keeps showing how many arrived and the time elapsed', async () => {
    const pair = await versionedPair();

    const result = await runCli(
      [
        'probe',
        '--source',
        pair.source,
        '--replica',
        pair.replica,
        '--count',
        '2',
        '--timeout',
        '2500ms',
        '--poll-interval',
        '200ms',
      ],
      { env: motoEnv(), stderrIsTTY: true },
    );

    // The line is redrawn while nothing arrives, its elapsed time growing (which seconds the
    // redraws land on depends on the machine's load, so only growth is asserted).
    const redraw = '\r\x1b[2Kprobes arrived: 0/2 (';
    const elapsed = result.stderr
      .split(redraw)
      .slice(1)
      .map((rest) => Number(rest.slice(0, rest.indexOf('s)'))));
    expect(result.code).toBe(1);
    expect(new Set(elapsed).size).toBeGreaterThanOrEqual(2);
    expect(Math.max(...elapsed)).toBeGreaterThanOrEqual(2);
  });
});

describe('GIVEN a source whose replication does not cover the probes', () => {
  const probe = (pair: { source: string; replica: string }) =>
    runCli(['probe', '--source', pair.source, '--replica', pair.replica, '--timeout', '30s']);

  it('WHEN it has no replication configuration THEN it exits 1 with one line at once and writes nothing', async () => {
    const pair = await versionedPair(null);
    const started = Date.now();

    const result = await probe(pair);

    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `s3-dr: source bucket ${pair.source} would not replicate the probes (${PROBE_PREFIX}…) to ${pair.replica}: it has no replication configuration; nothing written\n`,
    );
    expect((await probeVersions(pair.source)).Versions ?? []).toEqual([]);
  });

  it('WHEN its rules take other prefixes, tagged objects only, another bucket or are disabled THEN the line says why for each rule', async () => {
    const rule = (id: string, replica: string, extra: Partial<ReplicationRule>): ReplicationRule => ({
      ID: id,
      Status: 'Enabled',
      Priority: Number(id.length),
      Filter: { Prefix: '' },
      DeleteMarkerReplication: { Status: 'Disabled' },
      Destination: { Bucket: `arn:aws:s3:::${replica}` },
      ...extra,
    });
    const pair = await versionedPair((replica) => [
      rule('docs', replica, { Filter: { Prefix: 'docs/' } }),
      rule('tagged', replica, {
        Filter: { And: { Prefix: '_s3-dr/', Tags: [{ Key: 'dr', Value: 'yes' }] } },
      }),
      rule('elsewhere', replica, { Destination: { Bucket: 'arn:aws:s3:::another-bucket' } }),
      rule('off', replica, { Status: 'Disabled' }),
    ]);

    const result = await probe(pair);

    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([
      `s3-dr: source bucket ${pair.source} would not replicate the probes (${PROBE_PREFIX}…) to ${pair.replica}: no replication rule covers it (rule docs: only keys under 'docs/'; rule tagged: only objects with given tags; rule elsewhere: replicates to another-bucket; rule off: status Disabled); nothing written`,
    ]);
    expect((await probeVersions(pair.source)).Versions ?? []).toEqual([]);
  });

  it('WHEN one rule covers the reserved prefix THEN it probes', async () => {
    const pair = await versionedPair((replica) => [
      {
        ID: 'reserved',
        Status: 'Enabled',
        Priority: 1,
        Filter: { Prefix: '_s3-dr/' },
        DeleteMarkerReplication: { Status: 'Disabled' },
        Destination: { Bucket: `arn:aws:s3:::${replica}` },
      },
    ]);

    const result = await runCli([
      'probe',
      '--source',
      pair.source,
      '--replica',
      pair.replica,
      '--count',
      '1',
      '--timeout',
      '1s',
      '--poll-interval',
      '200ms',
    ]);

    expect(result.stderr).toContain(`writing 1 probe to s3://${pair.source}/${PROBE_PREFIX}`);
  });
});

describe('GIVEN bad input', () => {
  it('WHEN the --env deployment has no stack and no buckets THEN it exits 2 with one line naming the bucket', async () => {
    const result = await runCli(['probe', '--env', 'nosuch']);

    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      's3-dr: source bucket primary-bucket-nosuch-123456789012 (named by the naming contract for suffix nosuch: its stack was not readable) does not exist: check the bucket name, --env or --region',
    ]);
  });

  it('WHEN the replica bucket does not exist THEN it exits 2 with one line and writes nothing', async () => {
    const { source } = await versionedPair();
    const missing = uniqueBucket('nosuch');

    const result = await runCli(['probe', '--source', source, '--replica', missing]);

    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^s3-dr: replica bucket ${missing} does not exist`)),
    ]);
    expect((await probeVersions(source)).Versions ?? []).toEqual([]);
  });

  it('WHEN there are no AWS credentials THEN it exits 2 with one line saying so', async () => {
    const result = await runCliProcess(
      ['probe', '--source', 'any-source', '--replica', 'any-replica'],
      noCredentialsEnv(),
    );

    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(/^s3-dr: no AWS credentials found while accessing source bucket any-source/),
    ]);
  });

  it('WHEN --timeout is not a duration THEN it exits 2 with one line naming the option', async () => {
    const result = await runCli(['probe', '--source', 'a', '--replica', 'b', '--timeout', 'soon']);

    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      "s3-dr: --timeout must be a duration such as 90s, 20m, 1h30m, 1d or 500ms, got 'soon'",
    ]);
  });
});
