/**
 * The parallel listing's schedule alone, without HTTP, XML or comparison: listRanges over an
 * in-memory listing of 100,000 keys in 1,000-key pages, each request answered after a fixed
 * latency. Shows how many requests the ranges cost and how long the listing takes when the CPU
 * per key is negligible, for several key layouts, beside one request at a time.
 *
 *   npx tsx bench/list-schedule.ts            (BENCH_LATENCY_MS=50, BENCH_CONCURRENCY=8)
 */
import { compareKeys } from '../packages/cli/src/shared/keys';
import { listRanges, type RangeSource } from '../packages/cli/src/shared/ranges';

const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

let seed = 42;
const random = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
const day = (i: number) =>
  `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (Math.floor(i / 12) % 28)).padStart(2, '0')}`;

/** The layouts of bench/list.ts, and two more: UUIDs, and a few users' numbered photos. */
const LAYOUTS: Record<string, (i: number) => string> = {
  numbered: (i) => `data/${String(i).padStart(8, '0')} é+%.bin`,
  hashed: (i) => `objects/${hex(16)} données-${i}.bin`,
  tree: (i) => `logs/${day(i)}/${hex(12)}-ü.json`,
  uuid: () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
  users: (i) =>
    `users/${['ana', 'bo', 'chen', 'dara', 'eli'][i % 5]}/photos/${String(Math.floor(i / 5)).padStart(6, '0')}.jpg`,
};

function memoryListing(keys: readonly string[]): RangeSource<string, number> & { requests: number } {
  const listing = {
    requests: 0,
    uniqueKeys: true,
    listing: 'the memory listing',
    keyOf: (key: string) => key,
    fetch: async ({ after, cursor }: { after?: string; cursor?: number }) => {
      listing.requests++;
      await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
      let start = cursor ?? 0;
      if (cursor === undefined && after !== undefined) {
        let lo = 0;
        let hi = keys.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (compareKeys(keys[mid] as string, after) <= 0) lo = mid + 1;
          else hi = mid;
        }
        start = lo;
      }
      return {
        items: keys.slice(start, start + 1000),
        next: start + 1000 < keys.length ? start + 1000 : undefined,
      };
    },
  };
  return listing;
}

async function time(keys: readonly string[], concurrency: number): Promise<{ ms: number; requests: number }> {
  const listing = memoryListing(keys);
  const started = Date.now();
  let listed = 0;
  for await (const chunk of listRanges(listing, { concurrency, pageSize: 1000 })) listed += chunk.length;
  if (listed !== keys.length) throw new Error(`listed ${listed} of ${keys.length} keys`);
  return { ms: Date.now() - started, requests: listing.requests };
}

async function main(): Promise<void> {
  console.log(
    `| layout | one request at a time | ${CONCURRENCY} at once | requests (one / ${CONCURRENCY}) | speed-up |`,
  );
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, make] of Object.entries(LAYOUTS)) {
    const keys = Array.from({ length: KEYS }, (_, i) => make(i)).sort(compareKeys);
    const one = await time(keys, 1);
    const many = await time(keys, CONCURRENCY);
    console.log(
      `| ${name} | ${one.ms} ms | ${many.ms} ms | ${one.requests} / ${many.requests} | ${(one.ms / many.ms).toFixed(1)}x |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
