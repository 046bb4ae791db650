/**
 * The overhead of `s3-dr drill` itself: requests and seconds beyond the waiting that its settings
 * ask for. Runs the built executable against a moto_server that this script starts (and stops),
 * through a recording proxy that counts every request, with the test replicator copying the
 * drill's probes after a fixed delay (moto does not replicate). Stages rpo and restore (fault and
 * failover need AWS FIS and a Multi-Region Access Point, which moto does not serve).
 *
 *   bash bench/drill.sh                      BENCH_PROBES=20 BENCH_REPEAT=3 by default
 *
 * Waiting is what the settings make the drill wait for: the rpo stage writes its probes
 * --probe-interval apart and the last one arrives after the injected delay; the restore stage
 * waits for S3's clock to pass the restore point's second (at most a second). Overhead is the
 * rest of the wall time: start-up, the preflight, the polls, the restore and verify, the evidence.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { deploymentNames } from 's3-dr-naming';
import type { Evidence } from '../packages/cli/src/commands/drill/evidence';
import { DRILL_PREFIX } from '../packages/cli/src/commands/drill/settings';
import { startRecordingProxy } from '../packages/cli/test/support/recording-proxy';
import { startReplicator } from '../packages/cli/test/support/replicator';
import { machine, median, startMoto, timeCommand } from './measure';

const PROBES = Number(process.env.BENCH_PROBES ?? 20);
const INTERVAL_MS = Number(process.env.BENCH_PROBE_INTERVAL_MS ?? 100);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 500);
const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 1000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const BIN = join(__dirname, '..', 'packages', 'cli', 'dist', 's3-dr.js');
const ACCOUNT = '123456789012';

async function main(): Promise<void> {
  const { endpoint, stop } = await startMoto();
  process.env.MOTO_ENDPOINT = endpoint;
  const env = { AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1' };
  Object.assign(process.env, env);
  const s3 = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true });
  const runs: object[] = [];
  try {
    // moto loads each service on its first request (seconds): a first drill, not measured, pays that.
    await once(s3, `warm${Date.now().toString(36).slice(-4)}`, env);
    for (let i = 0; i < REPEAT; i++)
      runs.push(await once(s3, `bench${i}${Date.now().toString(36).slice(-4)}`, env));
  } finally {
    await stop();
  }
  const best = median(runs as { seconds: number }[]);
  console.log(
    JSON.stringify(
      {
        machine: machine(),
        settings: { PROBES, INTERVAL_MS, POLL_MS, DELAY_MS, REPEAT },
        runs,
        median: best,
      },
      null,
      2,
    ),
  );
}

async function once(s3: S3Client, suffix: string, env: Record<string, string>) {
  const names = deploymentNames(suffix, ACCOUNT);
  for (const bucket of [names.primaryBucket, names.replicaBucket]) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  }
  await s3.send(
    new PutBucketReplicationCommand({
      Bucket: names.primaryBucket,
      ReplicationConfiguration: {
        Role: `arn:aws:iam::${ACCOUNT}:role/${names.replicationRole}`,
        Rules: [
          {
            ID: names.replicationRuleId,
            Status: 'Enabled',
            Priority: 1,
            Filter: {},
            DeleteMarkerReplication: { Status: 'Enabled' },
            Destination: { Bucket: `arn:aws:s3:::${names.replicaBucket}` },
          },
        ],
      },
    }),
  );
  const proxy = await startRecordingProxy();
  const replicator = startReplicator(s3, names.primaryBucket, names.replicaBucket, DRILL_PREFIX, 20, {
    delayMs: DELAY_MS,
  });
  const dir = mkdtempSync(join(tmpdir(), 's3-dr-drill-bench-'));
  let run: Awaited<ReturnType<typeof timeCommand>>;
  try {
    run = await timeCommand(
      'node',
      [
        BIN,
        'drill',
        '--env',
        suffix,
        '--skip',
        'fault,failover,locks',
        '--probes',
        String(PROBES),
        '--probe-interval',
        `${INTERVAL_MS}ms`,
        '--poll-interval',
        `${POLL_MS}ms`,
        '--yes',
        '--report',
        dir,
      ],
      { ...env, AWS_ENDPOINT_URL: proxy.endpoint },
    );
  } finally {
    await replicator.stop();
    await proxy.close();
  }
  if (run.code !== 0) throw new Error(`drill exited ${run.code}: ${run.stderr}`);
  const evidence = JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')) as Evidence;
  const requests = proxy.requests();
  const byOperation: Record<string, number> = {};
  for (const r of requests)
    byOperation[operation(r.method, r.url)] = (byOperation[operation(r.method, r.url)] ?? 0) + 1;
  const stage = (name: string) => evidence.stages.find((s) => s.name === name);
  const seconds = (name: string) => {
    const s = stage(name);
    return s?.startedAt && s.endedAt ? (Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000 : 0;
  };
  const rpoWaitSeconds = ((PROBES - 1) * INTERVAL_MS + DELAY_MS) / 1000;
  const restorePoint = evidence.events.find((e) => e.detail.startsWith('restore point T'))?.at;
  return {
    seconds: run.seconds,
    cpuSeconds: run.cpuSeconds,
    peakRssMB: run.peakRssMB,
    requests: requests.length,
    byOperation,
    stages: { preflight: seconds('preflight'), rpo: seconds('rpo'), restore: seconds('restore') },
    rpoMeasuredSeconds: evidence.objectives.find((o) => o.name === 'rpo')?.measured_seconds,
    waitingSeconds: rpoWaitSeconds,
    overheadSeconds: Math.round((run.seconds - rpoWaitSeconds) * 100) / 100,
    restorePoint,
  };
}

/** The S3 operation of a path-style request, from its method and query. */
function operation(method: string, url: string): string {
  const u = new URL(url, 'http://proxy');
  const keyed = u.pathname.split('/').filter(Boolean).length > 1;
  const q = [...u.searchParams.keys()].filter((k) => k !== 'x-id');
  if (q.includes('list-type')) return 'ListObjectsV2';
  if (q.includes('versions')) return 'ListObjectVersions';
  if (q.length === 1 && !keyed) return `${method} ?${q[0]}`;
  if (u.pathname === '/') return `${method} / (CloudFormation, STS)`;
  if (!keyed) return `${method} bucket`;
  if (method === 'PUT' && u.searchParams.has('x-id') && u.searchParams.get('x-id') === 'CopyObject')
    return 'CopyObject';
  return `${method} object${q.length ? ` ?${q.join('&')}` : ''}`;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
