/**
 * Benchmarks of `s3-dr verify` and `s3-dr restore` on a moto_server that this script starts (and
 * stops). Run through bench/verify-restore.sh, which installs rclone if it is missing.
 *
 *   BENCH_KEYS=2000 BENCH_CONCURRENCY=16 bash bench/verify-restore.sh
 *   BENCH_PARTS=verify BENCH_VERIFY_KEYS=10000 bash bench/verify-restore.sh   (verify only, larger)
 *
 * Prints the figures as JSON lines and a Markdown table for BENCHMARKS.md. Bounded in time: every
 * step works on a fixed number of keys and the script exits when done.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { run } from '../packages/cli/src/cli';
import { stateAt } from '../packages/cli/src/commands/restore/plan';
import { flatten } from '../packages/cli/src/shared/chunks';
import { forEachConcurrent } from '../packages/cli/src/shared/pool';
import { listKeyHistories } from '../packages/cli/src/shared/versions';
import { machine, median, startMoto, timeCommand } from './measure';
import { startSyntheticS3 } from './verify-restore-synthetic';

const N = Number(process.env.BENCH_KEYS ?? 2000);
const VERIFY_N = Number(process.env.BENCH_VERIFY_KEYS ?? N);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'verify,restore,synthetic').split(','));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const SYNTHETIC_KEYS = Number(process.env.BENCH_SYNTHETIC_KEYS ?? 50_000);
const ROOT = join(__dirname, '..');
/** The executable `npx s3-dr` runs; verify-restore.sh builds it first. */
const BIN = join(ROOT, 'packages', 'cli', 'dist', 's3-dr.js');
const quietIo = { stdout: () => undefined, stderr: () => undefined, stderrIsTTY: false };

async function main(): Promise<void> {
  const { endpoint, stop } = await startMoto();
  try {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: endpoint,
    });
    const s3 = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true });
    const results: Record<string, unknown> = { machine: machine(), concurrency: CONCURRENCY };
    log(`moto_server at ${endpoint}; verify ${VERIFY_N} keys, restore ${N} keys, concurrency ${CONCURRENCY}`);
    if (PARTS.has('verify')) results.verify = await benchVerify(s3, endpoint);
    log('verify done');
    if (PARTS.has('restore')) results.restore = await benchRestore(s3);
    log('restore done');
    if (PARTS.has('synthetic')) results.verifySynthetic = await benchSyntheticVerify();
    console.log(JSON.stringify(results, null, 2));
  } finally {
    await stop();
  }
}

/** verify (current state) vs rclone check, same two buckets, median of REPEAT runs each. */
async function benchVerify(s3: S3Client, endpoint: string): Promise<object> {
  const source = await bucket(s3, 'bench-src');
  const replica = await bucket(s3, 'bench-rep');
  const keys = Array.from({ length: VERIFY_N }, (_, i) => `data/${String(i).padStart(6, '0')} é+%.txt`);
  // A history in the source: every key written twice; the replica holds the current content.
  await putAll(s3, source, keys, 'first');
  await putAll(s3, source, keys, 'second');
  await putAll(s3, replica, keys, 'second');
  log('verify buckets seeded');
  const verifyRuns = await measure(REPEAT, 'node', [
    BIN,
    '--source',
    source,
    '--replica',
    replica,
    'verify',
    '--grace',
    '0',
  ]);
  const rcloneEnv = {
    RCLONE_CONFIG_MOTO_TYPE: 's3',
    RCLONE_CONFIG_MOTO_PROVIDER: 'Other',
    RCLONE_CONFIG_MOTO_ENDPOINT: endpoint,
    RCLONE_CONFIG_MOTO_ACCESS_KEY_ID: 'bench',
    RCLONE_CONFIG_MOTO_SECRET_ACCESS_KEY: 'bench',
    RCLONE_CONFIG_MOTO_REGION: 'us-east-1',
    RCLONE_CONFIG_MOTO_FORCE_PATH_STYLE: 'true',
    // rclone (AWS SDK for Go) refuses a custom CA bundle on a plain-HTTP endpoint.
    AWS_CA_BUNDLE: undefined,
  };
  const rcloneRuns = await measure(
    REPEAT,
    'rclone',
    ['check', `moto:${source}`, `moto:${replica}`],
    rcloneEnv,
  );
  // The fixed cost in the verify time: starting Node and the CLI (what `--help` takes; it loads no SDK).
  const startup = median(await measure(REPEAT, 'node', [BIN, '--help']));
  const v = median(verifyRuns);
  const r = median(rcloneRuns);
  return {
    keys: VERIFY_N,
    versionsInSource: 2 * VERIFY_N,
    versionsInReplica: VERIFY_N,
    verify: v,
    rcloneCheck: r,
    timeRatio: round(v.seconds / r.seconds),
    cliStartupSeconds: startup.seconds,
    timeRatioWithoutStartup: round((v.seconds - startup.seconds) / r.seconds),
    exitCodes: { verify: verifyRuns.map((x) => x.code), rclone: rcloneRuns.map((x) => x.code) },
  };
}

/** restore of all N keys vs a HeadObject + CopyObject baseline, each on its own identical bucket. */
async function benchRestore(s3: S3Client): Promise<object> {
  const keys = Array.from({ length: N }, (_, i) => `docs/${String(i).padStart(6, '0')}.txt`);
  const [ours, baseline] = [await bucket(s3, 'bench-rs'), await bucket(s3, 'bench-base')];
  await Promise.all([putAll(s3, ours, keys, 'at T'), putAll(s3, baseline, keys, 'at T')]);
  const to = await nextSecond();
  await Promise.all([putAll(s3, ours, keys, 'after T'), putAll(s3, baseline, keys, 'after T')]);

  // The journal goes to a scratch directory, never into the checkout; both runs share it.
  const journal = join(mkdtempSync(join(tmpdir(), 's3-dr-bench-')), 'restore.journal.jsonl');
  const restoreArgs = [
    'restore',
    '--bucket',
    ours,
    '--to',
    new Date(to).toISOString(),
    '--yes',
    '--journal',
    journal,
  ];
  const counts = countRequests();
  let started = performance.now();
  const code = await run(['--concurrency', String(CONCURRENCY), ...restoreArgs], quietIo);
  const oursSeconds = (performance.now() - started) / 1000;
  const oursRequests = counts.take();
  const again = await run(restoreArgs, quietIo);
  const againRequests = counts.take();

  started = performance.now();
  const baselineCopies = await headAndCopyBaseline(s3, baseline, to);
  const baselineSeconds = (performance.now() - started) / 1000;
  const baselineRequests = counts.take();
  counts.release();

  const writes = (c: Record<string, number>) => (c.CopyObjectCommand ?? 0) + (c.DeleteObjectCommand ?? 0);
  return {
    exitCode: code,
    changedKeys: N,
    requests: oursRequests,
    writeRequestsPerChangedKey: round(writes(oursRequests) / N),
    allRequestsPerChangedKey: round(sum(oursRequests) / N),
    seconds: round(oursSeconds),
    keysPerSecond: Math.round(N / oursSeconds),
    secondRun: { exitCode: again, requests: againRequests },
    baseline: {
      copies: baselineCopies,
      requests: baselineRequests,
      seconds: round(baselineSeconds),
      keysPerSecond: Math.round(N / baselineSeconds),
    },
    timeRatio: round(oursSeconds / baselineSeconds),
  };
}

/** What a tool that reads each object's metadata before copying does: HeadObject + CopyObject per key. */
async function headAndCopyBaseline(s3: S3Client, bucketName: string, to: number): Promise<number> {
  let copies = 0;
  async function* targets() {
    for await (const history of flatten(listKeyHistories(s3, { bucket: bucketName }))) {
      const atT = stateAt(history, to);
      if (atT?.kind === 'version' && history.entries[0]?.versionId !== atT.versionId) yield atT;
    }
  }
  await forEachConcurrent(targets(), CONCURRENCY, async (atT) => {
    await s3.send(new HeadObjectCommand({ Bucket: bucketName, Key: atT.key, VersionId: atT.versionId }));
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucketName,
        Key: atT.key,
        CopySource: `${bucketName}/${encodeURIComponent(atT.key)}?versionId=${atT.versionId}`,
        MetadataDirective: 'COPY',
      }),
    );
    copies++;
  });
  return copies;
}

/** Peak RSS of `verify` over a synthetic listing (no data stored anywhere), in both modes. */
async function benchSyntheticVerify(): Promise<object> {
  const versionsPerKey = 2;
  const server = await startSyntheticS3(SYNTHETIC_KEYS, versionsPerKey);
  try {
    const env = { AWS_ENDPOINT_URL: server.endpoint };
    const args = [BIN, '--source', 'synthetic-a', '--replica', 'synthetic-b', 'verify'];
    const [current] = await measure(1, 'node', args, env);
    const [allVersions] = await measure(1, 'node', [...args, '--all-versions'], env);
    return {
      current: { objectsPerBucket: SYNTHETIC_KEYS, ...current },
      allVersions: { versionsPerBucket: SYNTHETIC_KEYS * versionsPerKey, ...allVersions },
    };
  } finally {
    await server.close();
  }
}

interface Measured {
  readonly seconds: number;
  readonly peakRssMB: number;
  readonly code: number;
}

/** Runs a command `times` under GNU time: wall seconds and peak RSS (async: a server in this process may answer it). */
async function measure(
  times: number,
  command: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<Measured[]> {
  const out: Measured[] = [];
  for (let i = 0; i < times; i++) {
    const { seconds, peakRssMB, code } = await timeCommand(command, args, env);
    out.push({ seconds, peakRssMB, code });
  }
  return out;
}

/** Counts S3 commands sent by any client in this process, by command name. */
function countRequests(): { take: () => Record<string, number>; release: () => void } {
  const original = S3Client.prototype.send;
  let counts: Record<string, number> = {};
  S3Client.prototype.send = function (this: S3Client, ...args: unknown[]) {
    const name = (args[0] as { constructor: { name: string } }).constructor.name;
    counts[name] = (counts[name] ?? 0) + 1;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  return {
    take: () => {
      const taken = counts;
      counts = {};
      return taken;
    },
    release: () => {
      S3Client.prototype.send = original;
    },
  };
}

async function bucket(s3: S3Client, name: string): Promise<string> {
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  return name;
}

async function putAll(
  s3: S3Client,
  bucketName: string,
  keys: readonly string[],
  body: string,
): Promise<void> {
  await forEachConcurrent(keys, 32, async (key) => {
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: key, Body: `${key}: ${body}` }));
  });
}

/** Waits for the next whole second; returns the millisecond before it (S3 lists whole seconds). */
async function nextSecond(): Promise<number> {
  const boundary = Math.floor(Date.now() / 1000) * 1000 + 1000;
  await new Promise((resolve) => setTimeout(resolve, boundary - Date.now() + 20));
  return boundary - 1;
}

const log = (text: string): void => {
  process.stderr.write(`bench: ${text}\n`);
};
const round = (x: number): number => Math.round(x * 100) / 100;
const sum = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
