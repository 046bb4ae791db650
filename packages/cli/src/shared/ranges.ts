import { getMaxListeners, setMaxListeners } from 'node:events';
import { boundaryAfter } from './boundaries';
import { compareKeys } from './keys';
import { checkAdvances } from './paging';

/** One page of a listing: entries in key order, and where the listing goes on (none: it ends). */
export interface RangePage<T, C> {
  readonly items: readonly T[];
  readonly next?: C;
}

/** Where a request starts: after a key (every entry of that key excluded), or at a cursor. */
export interface RangeStart<C> {
  readonly after?: string;
  readonly cursor?: C;
}

/** A paged listing in key order that can start after any key (ListObjectsV2, ListObjectVersions). */
export interface RangeSource<T, C> {
  fetch(start: RangeStart<C>): Promise<RangePage<T, C>>;
  keyOf(item: T): string;
  /** One entry per key (ListObjectsV2): a range ending at its last key needs no further page. */
  readonly uniqueKeys: boolean;
  /** What is listed, for errors: `the listing of bucket b`. */
  readonly listing: string;
}

/** Picks a key about `entriesAhead` entries after the last of `sample` (a page's keys), or none. */
export type Splitter = (sample: readonly string[], count: number, entriesAhead: number) => string | undefined;

export interface RangeOptions {
  /** Requests in flight at most; 1 lists page after page, as a plain listing does. */
  readonly concurrency: number;
  /** Entries per page the source returns when a page is full (MaxKeys). */
  readonly pageSize: number;
  /** Roughly how many pages each new range should hold. @default 4 */
  readonly pagesPerRange?: number;
  /** Where to split; @default boundaryAfter over the keys after `prefix` */
  readonly splitter?: Splitter;
  readonly prefix?: string;
  /** Called once per page received. */
  readonly onPage?: (entries: number) => void;
  readonly signal?: AbortSignal;
}

interface Range<T, C> {
  /** Exclusive lower bound; undefined: the start of the listing. */
  after?: string;
  /** Inclusive upper bound (every entry of this key belongs here); undefined: the end of the listing. */
  until?: string;
  /** Whether `until` is a listed key (see receive), not a guess. */
  untilFixed?: boolean;
  cursor?: C;
  started: boolean;
  done: boolean;
  busy: boolean;
  /** Received entries, trimmed to the range, not yet handed out. */
  readonly chunks: (readonly T[])[];
  /** Keys of the last full page received (first, last and some between): where it may split. */
  sample?: readonly string[];
  /** How many entries that page held. */
  sampleOf?: number;
  lastKey?: string;
}

/**
 * Lists a key space as several consecutive key ranges at once and hands the entries back in key
 * order, as one sequential listing would, in chunks (at most one page each).
 *
 * It starts with one range over everything. When a request slot is free, a range whose last page
 * was full is split a few pages past its last key (a guess from that page: see boundaries.ts):
 * it now ends at that key (inclusive), and a new range starts after it. A range stops at the first
 * entry past its end; that page's entries past the end are dropped (the next range lists them).
 * In a listing of versions a range takes the first key past its end too, whole, and the next
 * ranges start after that key (see receive). Ranges end between keys, never inside one key's
 * versions; a range's own pages continue with the listing's cursor (key and version-id markers),
 * as a sequential listing does.
 *
 * Cost: the requests of a sequential listing plus about one per range boundary (its last page is
 * partly the next range's first) and, at the end of the listing, one per range guessed past the
 * last key (fewer than `concurrency`). Memory: at most `concurrency * pagesPerRange` pages wait
 * to be handed out; the range being handed out always proceeds.
 */
export async function* listRanges<T, C>(
  source: RangeSource<T, C>,
  options: RangeOptions,
): AsyncGenerator<readonly T[]> {
  const concurrency = Math.max(1, options.concurrency);
  // Each request in flight listens to the signal: allow this listing's share without Node's
  // "possible EventTarget memory leak" warning.
  if (options.signal && concurrency > 1) {
    setMaxListeners(getMaxListeners(options.signal) + concurrency, options.signal);
  }
  const pagesPerRange = options.pagesPerRange ?? 4;
  const prefix = options.prefix ?? '';
  const split: Splitter =
    options.splitter ?? ((sample, count, ahead) => boundaryAfter(sample, count, ahead, prefix));
  const maxWaiting = concurrency * pagesPerRange * options.pageSize;
  const ranges: Range<T, C>[] = [{ started: false, done: false, busy: false, chunks: [] }];
  let inFlight = 0;
  let waiting = 0;
  let failure: { error: unknown } | undefined;
  let closed = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };

  const request = (range: Range<T, C>): void => {
    range.busy = true;
    inFlight++;
    const start: RangeStart<C> = range.started ? { cursor: range.cursor } : { after: range.after };
    range.started = true;
    source
      .fetch(start)
      .then((page) => {
        checkAdvances(source.listing, 'S3', start.cursor, page.next);
        return page;
      })
      .then(
        (page) => {
          inFlight--;
          range.busy = false;
          if (closed) return;
          options.onPage?.(page.items.length);
          receive(range, page);
          pump();
          notify();
        },
        (error: unknown) => {
          inFlight--;
          range.busy = false;
          failure ??= { error };
          notify();
        },
      );
  };

  /** Whether every entry of a page lies inside the range (a page is in key order). */
  const inside = (range: Range<T, C>, items: readonly T[]): boolean =>
    items.length > 0 &&
    (range.after === undefined || compareKeys(source.keyOf(items[0] as T), range.after) > 0) &&
    (range.until === undefined || compareKeys(source.keyOf(items[items.length - 1] as T), range.until) <= 0);

  const receive = (range: Range<T, C>, page: RangePage<T, C>): void => {
    // Most pages lie inside their range: kept whole, without a comparison per entry.
    const whole = inside(range, page.items);
    const kept: T[] = [];
    let past = false;
    /** The first key listed past the range's end: no key lies between the end and it. */
    let beyond: string | undefined;
    for (const item of whole ? [] : page.items) {
      const key = source.keyOf(item);
      if (range.after !== undefined && compareKeys(key, range.after) <= 0) continue;
      if (range.until !== undefined && compareKeys(key, range.until) > 0) {
        beyond ??= key;
        if (!source.uniqueKeys && !range.untilFixed) {
          // Servers differ on where "after this key marker" starts when the marker is not the
          // last entry of a page (moto drops the first entry at or after it), so a range started
          // at a guess may lack entries of the first key it lists. This range, which lists that
          // key from an earlier position, takes it whole; later ranges start after it.
          range.until = key;
          range.untilFixed = true;
          for (const later of ranges.slice(ranges.indexOf(range) + 1)) {
            if (later.after !== undefined && compareKeys(later.after, key) >= 0) break;
            later.after = key;
          }
          kept.push(item);
          continue;
        }
        past = true;
        break;
      }
      kept.push(item);
    }
    const last = page.items.length ? source.keyOf(page.items[page.items.length - 1] as T) : undefined;
    range.cursor = page.next;
    range.done =
      past ||
      page.next === undefined ||
      (source.uniqueKeys && range.until !== undefined && last === range.until);
    if (last !== undefined) range.lastKey = last;
    if (page.next === undefined && !past) {
      // The listing ended inside this range: every later range is empty.
      for (const later of ranges.slice(ranges.indexOf(range) + 1)) later.done = true;
    } else if (beyond !== undefined) {
      // Later ranges that end before `beyond` are empty: no request for them (guesses from keys
      // with gaps, e.g. dates, overshoot into ranges that hold nothing).
      for (const later of ranges.slice(ranges.indexOf(range) + 1)) {
        if (later.until === undefined || compareKeys(later.until, beyond) >= 0) break;
        if (!later.started) later.done = true;
      }
    }
    range.sample = page.items.length >= options.pageSize ? sampleKeys(page.items, source.keyOf) : undefined;
    range.sampleOf = page.items.length;
    const chunk = whole ? page.items : kept;
    if (chunk.length) {
      range.chunks.push(chunk);
      waiting += chunk.length;
    }
  };

  /**
   * Splits the first range that has a full page to guess from into up to `parts + 1` ranges
   * (at most MAX_CUTS_PER_PAGE + 1), `pagesPerRange` pages apart; whether it did.
   */
  const splitSome = (parts: number): boolean => {
    for (let i = 0; i < ranges.length; i++) {
      const range = ranges[i] as Range<T, C>;
      const sample = range.sample;
      if (range.done || !sample || range.lastKey === undefined) continue;
      range.sample = undefined; // one guess per page received
      const cuts: string[] = [];
      let previous = range.lastKey;
      for (let j = 1; j <= Math.min(parts, MAX_CUTS_PER_PAGE); j++) {
        const at = split(sample, range.sampleOf ?? sample.length, j * pagesPerRange * options.pageSize);
        if (at === undefined || compareKeys(at, previous) <= 0) break;
        if (range.until !== undefined && compareKeys(at, range.until) >= 0) break;
        cuts.push(at);
        previous = at;
      }
      if (!cuts.length) continue;
      const added = cuts.map(
        (at, j): Range<T, C> => ({
          after: at,
          until: cuts[j + 1] ?? range.until,
          untilFixed: j + 1 < cuts.length ? false : range.untilFixed,
          started: false,
          done: false,
          busy: false,
          chunks: [],
        }),
      );
      range.until = cuts[0];
      range.untilFixed = false;
      ranges.splice(i + 1, 0, ...added);
      return true;
    }
    return false;
  };

  const pump = (): void => {
    while (!closed && !failure && inFlight < concurrency) {
      const room = waiting + inFlight * options.pageSize < maxWaiting;
      const next = ranges.find((r, i) => !r.done && !r.busy && (i === 0 || room));
      if (next) {
        request(next);
        continue;
      }
      const slots = Math.min(
        concurrency - inFlight,
        Math.floor((maxWaiting - waiting) / options.pageSize) - inFlight,
      );
      if (slots < 1 || !splitSome(slots)) return;
    }
  };

  try {
    pump();
    while (ranges.length) {
      if (options.signal?.aborted) return;
      if (failure) throw failure.error;
      const head = ranges[0] as Range<T, C>;
      const chunk = head.chunks.shift();
      if (chunk) {
        waiting -= chunk.length;
        pump();
        // The range's start may have moved up since the chunk arrived (see receive).
        const from = head.after;
        const first = chunk[0] as T;
        if (from === undefined || compareKeys(source.keyOf(first), from) > 0) yield chunk;
        else {
          const rest = chunk.filter((item) => compareKeys(source.keyOf(item), from) > 0);
          if (rest.length) yield rest;
        }
        continue;
      }
      if (head.done && !head.busy) {
        ranges.shift();
        pump();
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    closed = true;
  }
}

/**
 * New ranges guessed from one page at most: the further ahead a guess, the likelier it falls into
 * a gap of the key space (dates: day 40 of a month) and costs a request for an empty range.
 */
const MAX_CUTS_PER_PAGE = 3;

/** About 100 keys of a page, its first and last included: enough to guess from, cheap to read. */
function sampleKeys<T>(items: readonly T[], keyOf: (item: T) => string): string[] {
  const step = Math.max(1, Math.floor(items.length / 100));
  const keys: string[] = [];
  for (let i = 0; i < items.length - 1; i += step) keys.push(keyOf(items[i] as T));
  keys.push(keyOf(items[items.length - 1] as T));
  return keys;
}
