import { boundaryAfter } from '../../src/shared/boundaries';
import { compareKeys } from '../../src/shared/keys';
import { listRanges, type RangeSource, type Splitter } from '../../src/shared/ranges';
import { collectChunks } from '../support/collect';
import { pick, randomKeys, seeded } from '../support/random-keys';

// The merge of parallel key-range listings, against an in-memory listing with S3's paging
// semantics (keys in UTF-8 order, each key's versions newest first, key and version-id markers).
// Property-style: every case is generated from a printed seed, so a failure reproduces.

interface Entry {
  readonly key: string;
  readonly versionId: string;
}
type Cursor = { readonly key: string; readonly versionId: string };

/** Every entry of `keys`, each key with 1 to `maxVersions` versions, in listing order. */
function entriesOf(random: () => number, keys: readonly string[], maxVersions: number): Entry[] {
  return keys.flatMap((key) =>
    Array.from({ length: 1 + Math.floor(random() * maxVersions) }, (_, v) => ({ key, versionId: `v${v}` })),
  );
}

/**
 * Where a listing that starts at a key marker (without a version id marker) begins: after every
 * entry of that key (S3's documented "after"), at the key itself (`inclusive`), or after the first
 * entry at or after it (`drop-first`, what moto 5.2 does).
 */
type StartSemantics = 'after' | 'inclusive' | 'drop-first';

/**
 * A listing like ListObjectVersions: `after` starts per `semantics`; a cursor continues after one
 * entry (KeyMarker + VersionIdMarker). Answers after a random delay, so responses arrive out of
 * order. Counts requests.
 */
function memoryListing(
  entries: readonly Entry[],
  pageSize: number,
  random: () => number,
  uniqueKeys = false,
  semantics: StartSemantics = 'after',
): RangeSource<Entry, Cursor> & { requests: number; returned: number } {
  const listing = {
    requests: 0,
    returned: 0,
    uniqueKeys,
    listing: 'the memory listing',
    keyOf: (e: Entry) => e.key,
    fetch: async ({ after, cursor }: { after?: string; cursor?: Cursor }) => {
      listing.requests++;
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 3)));
      let start = 0;
      if (cursor) {
        start = entries.findIndex((e) => e.key === cursor.key && e.versionId === cursor.versionId) + 1;
      } else if (after !== undefined) {
        const bound = semantics === 'after' ? 1 : 0;
        start = entries.findIndex((e) => compareKeys(e.key, after) >= bound);
        if (start < 0) start = entries.length;
        else if (semantics === 'drop-first') start++;
      }
      const items = entries.slice(start, start + pageSize);
      listing.returned += items.length;
      const last = items[items.length - 1];
      const next =
        start + pageSize < entries.length && last ? { key: last.key, versionId: last.versionId } : undefined;
      return { items, next };
    },
  };
  return listing;
}

/** Splits anywhere: at existing keys (often one with many versions), between them, or past the end. */
function randomSplitter(random: () => number, keys: readonly string[]): Splitter {
  return (sample) => {
    const last = sample[sample.length - 1] as string;
    const later = keys.filter((k) => compareKeys(k, last) > 0);
    const choice = random();
    if (choice < 0.15) return undefined;
    if (choice < 0.6 && later.length) return pick(random, later);
    if (choice < 0.8 && later.length)
      return `${pick(random, later)}${pick(random, ['', '\u0000', '/', '😀'])}`;
    return `${last}${pick(random, ['0', '/', 'é', '\uFFFF', '😀'])}`;
  };
}

const SEEDS = Array.from({ length: 60 }, (_, i) => 1000 + i);

test.each(SEEDS)(
  'GIVEN random unicode and /-heavy keys with versions, random split points and any key-marker semantics (seed %i) WHEN listed as parallel ranges THEN the entries equal the sequential listing',
  async (seed) => {
    const random = seeded(seed);
    const keys = randomKeys(random, 5 + Math.floor(random() * 120));
    const entries = entriesOf(random, keys, 1 + Math.floor(random() * 6));
    const pageSize = 1 + Math.floor(random() * 7);
    const semantics = pick<StartSemantics>(random, ['after', 'inclusive', 'drop-first']);
    const sequential = memoryListing(entries, pageSize, random);
    const parallel = memoryListing(entries, pageSize, random, false, semantics);

    const expected = await collectChunks(listRanges(sequential, { concurrency: 1, pageSize }));
    const actual = await collectChunks(
      listRanges(parallel, {
        concurrency: 2 + Math.floor(random() * 7),
        pageSize,
        pagesPerRange: 1 + Math.floor(random() * 3),
        splitter: randomSplitter(random, keys),
      }),
    );

    expect(expected).toEqual(entries);
    expect(actual).toEqual(entries);
  },
);

test.each(SEEDS.slice(0, 20))(
  'GIVEN random unicode and /-heavy keys (seed %i) WHEN listed as parallel ranges split by the built-in guess THEN the entries equal the sequential listing',
  async (seed) => {
    const random = seeded(seed);
    const keys = randomKeys(random, 50 + Math.floor(random() * 400));
    const entries = entriesOf(random, keys, 3);
    const pageSize = 2 + Math.floor(random() * 10);
    const semantics = pick<StartSemantics>(random, ['after', 'inclusive', 'drop-first']);
    const listing = memoryListing(entries, pageSize, random, false, semantics);

    const actual = await collectChunks(listRanges(listing, { concurrency: 8, pageSize, pagesPerRange: 2 }));

    expect(actual).toEqual(entries);
  },
);

test('GIVEN a concurrency of 1 WHEN listing THEN it sends exactly the requests of a sequential listing', async () => {
  const random = seeded(7);
  const entries = entriesOf(random, randomKeys(random, 100), 3);
  const listing = memoryListing(entries, 10, random);

  await collectChunks(listRanges(listing, { concurrency: 1, pageSize: 10 }));

  expect(listing.requests).toBe(Math.ceil(entries.length / 10));
});

test('GIVEN numbered keys WHEN listed as parallel ranges THEN requests stay within a few of a sequential listing', async () => {
  const random = seeded(11);
  const keys = Array.from({ length: 20_000 }, (_, i) => `logs/2024/${String(i).padStart(8, '0')}.json`);
  const entries = keys.map((key) => ({ key, versionId: 'null' }));
  const listing = memoryListing(entries, 100, random, true);

  const actual = await collectChunks(listRanges(listing, { concurrency: 8, pageSize: 100 }));

  expect(actual).toEqual(entries);
  expect(listing.requests).toBeGreaterThanOrEqual(200);
  expect(listing.requests).toBeLessThanOrEqual(200 + 8);
});

test('GIVEN a reader that stops after the first chunk WHEN the listing waits THEN at most concurrency x pagesPerRange pages are fetched ahead', async () => {
  const random = seeded(5);
  const keys = Array.from({ length: 5_000 }, (_, i) => `k/${String(i).padStart(6, '0')}`);
  const listing = memoryListing(
    keys.map((key) => ({ key, versionId: 'null' })),
    10,
    random,
    true,
  );
  const chunks = listRanges(listing, { concurrency: 4, pageSize: 10, pagesPerRange: 3 });

  await chunks.next();
  await new Promise((resolve) => setTimeout(resolve, 300));

  // Fetched and not yet read: what waits (4 x 3 pages) plus the requests then in flight (4).
  expect(listing.returned).toBeLessThanOrEqual((4 * 3 + 4 + 1) * 10);
  expect(listing.requests).toBeGreaterThan(4);
  await chunks.return(undefined);
});

test('GIVEN a listing whose request fails WHEN listing as parallel ranges THEN the error reaches the reader', async () => {
  const random = seeded(3);
  const entries = Array.from({ length: 500 }, (_, i) => ({
    key: `k${String(i).padStart(4, '0')}`,
    versionId: 'v',
  }));
  const listing = memoryListing(entries, 10, random, true);
  const failing: RangeSource<Entry, Cursor> = {
    ...listing,
    fetch: async (start) => {
      if (listing.requests >= 5) throw new Error('SlowDown');
      return listing.fetch(start);
    },
  };

  await expect(collectChunks(listRanges(failing, { concurrency: 4, pageSize: 10 }))).rejects.toThrow(
    'SlowDown',
  );
});

test.each([1, 4])(
  'GIVEN a listing whose page names the cursor it was asked from WHEN listing (concurrency %d) THEN it stops with an error naming that cursor',
  async (concurrency) => {
    const random = seeded(4);
    const entries = Array.from({ length: 100 }, (_, i) => ({ key: 'deep', versionId: `v${i}` }));
    const listing = memoryListing(entries, 10, random);
    // A server that ignores the version-id marker: every page after the first starts the key again.
    const repeating: RangeSource<Entry, Cursor> = {
      ...listing,
      fetch: (start) => listing.fetch(start.cursor ? { after: undefined } : start),
    };

    await expect(collectChunks(listRanges(repeating, { concurrency, pageSize: 10 }))).rejects.toThrow(
      'the memory listing does not advance: the page after key "deep", versionId "v9" names that same place to continue from',
    );
    expect(listing.requests).toBe(2);
  },
);

describe('boundaryAfter', () => {
  test('GIVEN a page of numbered keys WHEN guessing 4 pages ahead THEN the counter carries across digits', () => {
    const sample = Array.from({ length: 1000 }, (_, i) => `data/${String(i).padStart(8, '0')}.bin`);
    expect(boundaryAfter(sample, 1000, 4000)).toBe('data/00004995.bin');
  });

  test('GIVEN random hex keys WHEN guessing ahead THEN the key lies after the sample and keeps to its alphabet', () => {
    const random = seeded(9);
    const hex = () => Array.from({ length: 12 }, () => pick(random, [...'0123456789abcdef'])).join('');
    const sample = Array.from({ length: 1000 }, () => `obj/${hex()}`)
      .sort(compareKeys)
      .slice(0, 100);
    const guess = boundaryAfter(sample, 100, 400) as string;
    expect(compareKeys(guess, sample[99] as string)).toBeGreaterThan(0);
    expect(guess).toMatch(/^obj\/[0-9a-f]*$/);
  });

  test('GIVEN unicode keys WHEN guessing ahead THEN the key is after the sample in UTF-8 order', () => {
    // A character beyond U+FFFF is one position (a code point), not two UTF-16 units.
    const sample = ['k/😀/10', 'k/😀/19'];
    const guess = boundaryAfter(sample, 2, 2) as string;
    expect(guess).toBe('k/😀/28');
    expect(Buffer.compare(Buffer.from(guess), Buffer.from('k/😀/19'))).toBeGreaterThan(0);
  });

  test('GIVEN hex names whose first position shows only 0 WHEN guessing ahead THEN the counter carries through a-f', () => {
    // Read as decimal, 0f + 0f would not be 1e: the run of hex characters is read in base 16.
    expect(boundaryAfter(['x/00', 'x/0f'], 2, 2)).toBe('x/1e');
  });

  test('GIVEN a sample whose span overflows the first position WHEN guessing THEN there is no guess', () => {
    expect(boundaryAfter(['a', 'z'], 2, 100)).toBeUndefined();
  });

  test('GIVEN keys under a prefix WHEN guessing THEN the prefix is kept', () => {
    const sample = ['2024/01', '2024/09'];
    expect(boundaryAfter(sample, 2, 4, '2024/')).toMatch(/^2024\//);
  });
});
