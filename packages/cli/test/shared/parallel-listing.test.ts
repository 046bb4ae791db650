import type { S3Client } from '@aws-sdk/client-s3';
import { mostInFlight } from '../../../../test/support/in-flight';
import { compareKeys } from '../../src/shared/keys';
import { listCurrentObjects } from '../../src/shared/objects';
import type { Splitter } from '../../src/shared/ranges';
import { type ListOptions, listKeyHistories } from '../../src/shared/versions';
import { collectChunks } from '../support/collect';
import { pick, randomKeys, seeded } from '../support/random-keys';
import { createBucket, motoS3, put, remove } from '../support/versioned';

// Parallel key-range listings against moto: for random buckets (unicode and /-heavy keys, several
// versions and delete markers per key, small pages so that one key's versions span pages), the
// histories listed as ranges equal the sequential listing, whatever the split points. Each bucket
// is generated from a printed seed, so a failure reproduces.

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});

interface Seeded {
  readonly bucket: string;
  readonly keys: readonly string[];
}

/** A bucket with `count` random keys, each 1-4 versions, some currently deleted (delete marker). */
async function seedBucket(seed: number, count: number): Promise<Seeded> {
  const random = seeded(seed);
  const keys = randomKeys(random, count);
  const bucket = await createBucket(s3, `pl-${seed}`);
  await Promise.all(
    keys.map(async (key) => {
      const versions = 1 + Math.floor(random() * 4);
      const deleted = random() < 0.2;
      for (let v = 0; v < versions; v++) await put(s3, bucket, key, `${key} v${v}`);
      if (deleted) await remove(s3, bucket, key);
    }),
  );
  return { bucket, keys };
}

/** Splits at listed keys (a key's versions then end one range), between keys, or past the end. */
function splitterFor(random: () => number, keys: readonly string[]): Splitter {
  return (sample) => {
    const last = sample[sample.length - 1] as string;
    const later = keys.filter((k) => compareKeys(k, last) > 0);
    const choice = random();
    if (choice < 0.6 && later.length) return pick(random, later);
    if (choice < 0.85 && later.length) return `${pick(random, later)}${pick(random, ['/', '0', 'é', '😀'])}`;
    return `${last}${pick(random, ['/', '\uFFFD', '😀'])}`;
  };
}

const SEEDS = [101, 202, 303, 404];

describe.each(SEEDS)('a random bucket (seed %i)', (seed) => {
  let seededBucket: Seeded;
  beforeAll(async () => {
    seededBucket = await seedBucket(seed, 40);
  }, 60_000);

  test('GIVEN its versions listed as ranges split at random keys WHEN merged THEN every history equals the sequential listing', async () => {
    const random = seeded(seed + 1);
    const base: ListOptions = { bucket: seededBucket.bucket, pageSize: 1 + Math.floor(random() * 5) };

    const sequential = await collectChunks(listKeyHistories(s3, base));
    const parallel = await collectChunks(
      listKeyHistories(s3, { ...base, concurrency: 6, splitter: splitterFor(random, seededBucket.keys) }),
    );

    expect(sequential.map((h) => h.key)).toEqual(seededBucket.keys);
    expect(parallel).toEqual(sequential);
  });

  test('GIVEN its versions listed as ranges split by the built-in guess WHEN merged THEN every history equals the sequential listing', async () => {
    const base: ListOptions = { bucket: seededBucket.bucket, pageSize: 4 };

    const sequential = await collectChunks(listKeyHistories(s3, base));
    const parallel = await collectChunks(listKeyHistories(s3, { ...base, concurrency: 8 }));

    expect(parallel).toEqual(sequential);
  });

  test('GIVEN its current objects listed as ranges WHEN merged THEN they equal the sequential listing', async () => {
    const random = seeded(seed + 2);
    const base = { bucket: seededBucket.bucket, pageSize: 1 + Math.floor(random() * 4) };

    const sequential = await collectChunks(listCurrentObjects(s3, base));
    const guessed = await collectChunks(listCurrentObjects(s3, { ...base, concurrency: 8 }));
    const splitAtRandom = await collectChunks(
      listCurrentObjects(s3, { ...base, concurrency: 5, splitter: splitterFor(random, seededBucket.keys) }),
    );

    expect(sequential.length).toBeGreaterThan(0);
    expect(guessed).toEqual(sequential);
    expect(splitAtRandom).toEqual(sequential);
  });
});

test('GIVEN a key with more versions than a page and a range ending at that key WHEN listed as ranges THEN its versions stay together and in order', async () => {
  const bucket = await createBucket(s3, 'pl-split');
  const ids: string[] = [];
  for (let v = 0; v < 7; v++) ids.unshift(await put(s3, bucket, 'a/many', `v${v}`));
  for (const key of ['a/before', 'a/many/x', 'a/manz', 'b/after']) await put(s3, bucket, key, key);
  // Every range ends at a/many: the first range holds all its versions over several pages.
  const atMany: Splitter = (sample) =>
    compareKeys(sample[sample.length - 1] as string, 'a/many') < 0 ? 'a/many' : undefined;

  const histories = await collectChunks(
    listKeyHistories(s3, { bucket, pageSize: 2, concurrency: 4, splitter: atMany }),
  );

  expect(histories.map((h) => h.key)).toEqual(['a/before', 'a/many', 'a/many/x', 'a/manz', 'b/after']);
  expect(histories[1]?.entries.map((e) => e.versionId)).toEqual(ids);
});

test('GIVEN a prefix WHEN listed as ranges THEN only its keys are listed, as sequentially', async () => {
  const { bucket } = await seedBucket(505, 30);
  const base: ListOptions = { bucket, prefix: 'a', pageSize: 2 };

  const sequential = await collectChunks(listKeyHistories(s3, base));
  const parallel = await collectChunks(listKeyHistories(s3, { ...base, concurrency: 6 }));

  expect(parallel).toEqual(sequential);
  expect(sequential.every((h) => h.key.startsWith('a'))).toBe(true);
});

test.each([
  [
    'versions',
    (s3: S3Client, options: ListOptions) => listKeyHistories(s3, options),
    'ListObjectVersionsCommand',
  ],
  [
    'current objects',
    (s3: S3Client, options: ListOptions) => listCurrentObjects(s3, options),
    'ListObjectsV2Command',
  ],
])(
  'GIVEN a listing of %s with concurrency 4 WHEN it runs THEN its requests overlap (the key space is split)',
  async (_, list, command) => {
    const keys = Array.from({ length: 60 }, (_, i) => `k/${String(i).padStart(4, '0')}`);
    const bucket = await createBucket(s3, 'pl-overlap');
    await Promise.all(keys.map((key) => put(s3, bucket, key, key)));
    const client = motoS3();
    const most = mostInFlight(client, command);

    const listed = await collectChunks(list(client, { bucket, pageSize: 2, concurrency: 4 }));

    expect(listed.map((h) => h.key)).toEqual(keys);
    expect(most()).toBeGreaterThan(1);
  },
);
