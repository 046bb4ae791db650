import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, for long streaming runs. V8 frees the buffers of already-processed
 * list pages (external memory) only at a major GC, which it schedules lazily: over 100k+ entries
 * the peak RSS then drifts ~40 MB above the working set. Collecting every few dozen pages (a few
 * milliseconds each, on a heap of tens of MB) keeps the peak near the working set. Falls back to
 * a no-op where the runtime does not allow it.
 */
export const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : () => undefined;
  } catch {
    return () => undefined;
  }
})();

/** Calls {@link collectGarbage} once every `every` calls. */
export function periodicCollector(every: number): () => void {
  let calls = 0;
  return () => {
    if (++calls % every === 0) collectGarbage();
  };
}

/** How often listings collect: every 10 pages, i.e. 10,000 entries. */
export const PAGES_PER_COLLECTION = 10;
