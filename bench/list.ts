/**
 * Parallel listing benchmark: `s3-dr verify` (list ranges at once, default --concurrency 16)
 * beside the same verify listing one page after another (--concurrency 2: one request per bucket)
 * and beside `rclone check`, all against bench/list-server.ts (in-memory keys, fixed latency per
 * request). Run through bench/list.sh, which builds the CLI and installs rclone if missing.
 *
 *   BENCH_KEYS=100000 BENCH_LATENCY_MS=50 BENCH_REPEAT=3 BENCH_LAYOUTS=numbered,hashed,tree bash bench/list.sh
 *
 * Prints JSON and a Markdown table for BENCHMARKS.md.
 */
import { join } from 'node:path';
import { type ListServer, startListServer } from './list-server';
import { machine, median, timeCommand } from './measure';

const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const LAYOUTS = (process.env.BENCH_LAYOUTS ?? 'numbered,hashed,tree').split(',');
const MODES = (process.env.BENCH_MODES ?? 'current').split(',');
const BIN = join(__dirname, '..', 'packages', 'cli', 'dist', 's3-dr.js');

/**
 * Key sets, all with non-ASCII characters: a counter in one "directory"; hash-like names in one
 * "directory"; a date tree of 336 "directories" of about 300 keys each (rclone lists each
 * directory separately, 8 at once by default).
 */
function keysOf(layout: string): string[] {
  let seed = 42;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return Array.from({ length: KEYS }, (_, i) => {
    switch (layout) {
      case 'numbered':
        return `data/${String(i).padStart(8, '0')} é+%.bin`;
      case 'hashed':
        return `objects/${hex(16)} données-${i}.bin`;
      case 'tree': {
        const month = String(1 + (i % 12)).padStart(2, '0');
        const day = String(1 + (Math.floor(i / 12) % 28)).padStart(2, '0');
        return `logs/2024-${month}-${day}/${hex(12)}-ü.json`;
      }
      default:
        throw new Error(`unknown layout ${layout}`);
    }
  });
}

interface Measured {
  readonly seconds: number;
  /** User + system CPU seconds of the measured process. */
  readonly cpuSeconds: number;
  readonly peakRssMB: number;
  /**
   * User + system CPU seconds the list server (this process) spent meanwhile: on a machine with
   * few cores it competes with the measured process for them.
   */
  readonly serverCpuSeconds: number;
  readonly code: number;
  readonly requests: Record<string, number>;
}

async function main(): Promise<void> {
  const results: object[] = [];
  for (const layout of LAYOUTS) {
    const server = await startListServer({ keys: keysOf(layout), latencyMs: LATENCY_MS });
    try {
      for (const mode of MODES) results.push(await benchLayout(server, layout, mode));
    } finally {
      await server.close();
    }
  }
  const output = { machine: machine(), keys: KEYS, latencyMs: LATENCY_MS, repeat: REPEAT, results };
  console.log(JSON.stringify(output, null, 2));
  console.log(table(results as Row[]));
}

interface Row {
  layout: string;
  mode: string;
  parallel: Measured;
  single: Measured;
  rclone?: Measured;
}

async function benchLayout(server: ListServer, layout: string, mode: string): Promise<Row> {
  const env = {
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: server.endpoint,
  };
  const verify = [BIN, '--source', 'bench-src', '--replica', 'bench-rep'];
  const verifyArgs = ['verify', '--grace', '0', ...(mode === 'all-versions' ? ['--all-versions'] : [])];
  log(`${layout} (${mode}): ${KEYS} keys per bucket, ${LATENCY_MS} ms per request`);
  const parallel = await measure(server, 'node', [...verify, ...verifyArgs], env);
  const single = await measure(server, 'node', [...verify, '--concurrency', '2', ...verifyArgs], env);
  const row: Row = { layout, mode, parallel, single };
  if (mode === 'current') {
    row.rclone = await measure(server, 'rclone', ['check', 'bench:bench-src', 'bench:bench-rep'], {
      RCLONE_CONFIG_BENCH_TYPE: 's3',
      RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
      RCLONE_CONFIG_BENCH_ENDPOINT: server.endpoint,
      RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: 'bench',
      RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: 'bench',
      RCLONE_CONFIG_BENCH_REGION: 'us-east-1',
      RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
      // The server answers ListObjectsV2 only (rclone lists "Other" providers with v1 by default).
      RCLONE_CONFIG_BENCH_LIST_VERSION: '2',
      AWS_CA_BUNDLE: undefined,
    });
  }
  log(JSON.stringify(row));
  return row;
}

/** Median (by time) of REPEAT runs under GNU time; the requests the server answered in that run. */
async function measure(
  server: ListServer,
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<Measured> {
  const runs: Measured[] = [];
  for (let i = 0; i < REPEAT; i++) {
    server.reset();
    const before = process.cpuUsage();
    const { stderr, ...run } = await timeCommand(command, args, env);
    const used = process.cpuUsage(before);
    const serverCpuSeconds = Math.round((used.user + used.system) / 1e4) / 100;
    runs.push({ ...run, serverCpuSeconds, requests: server.counts() });
    if (run.code !== 0) log(`${command} exited ${run.code}: ${stderr.slice(-300)}`);
  }
  return median(runs);
}

const listRequests = (m: Measured): number =>
  (m.requests.ListObjectsV2 ?? 0) + (m.requests.ListObjectVersions ?? 0);

function table(rows: readonly Row[]): string {
  const lines = [
    '| layout | mode | verify | single-stream | `rclone check` | verify / single | verify / rclone | list requests verify / single / rclone | per 1,000 objects (verify) | CPU s verify / single / rclone | list server CPU s verify / single / rclone | peak RSS verify / single / rclone |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const rc = r.rclone;
    lines.push(
      [
        '',
        r.layout,
        r.mode,
        `${r.parallel.seconds} s`,
        `${r.single.seconds} s`,
        rc ? `${rc.seconds} s` : '-',
        `**${(r.parallel.seconds / r.single.seconds).toFixed(2)}x**`,
        rc ? `**${(r.parallel.seconds / rc.seconds).toFixed(2)}x**` : '-',
        `${listRequests(r.parallel)} / ${listRequests(r.single)} / ${rc ? listRequests(rc) : '-'}`,
        ((listRequests(r.parallel) / (2 * KEYS)) * 1000).toFixed(2),
        `${r.parallel.cpuSeconds} / ${r.single.cpuSeconds} / ${rc ? rc.cpuSeconds : '-'}`,
        `${r.parallel.serverCpuSeconds} / ${r.single.serverCpuSeconds} / ${rc ? rc.serverCpuSeconds : '-'}`,
        `${r.parallel.peakRssMB} / ${r.single.peakRssMB} / ${rc ? rc.peakRssMB : '-'} MB`,
        '',
      ]
        .join(' | ')
        .trim(),
    );
  }
  return lines.join('\n');
}

const log = (text: string): void => {
  process.stderr.write(`bench: ${text}\n`);
};

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
