import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, for long streaming runs. V8 schedules major collections lazily: over
 * 100k+ entries the old generation (entries that waited for the comparison long enough to be
 * promoted) grows well past the working set, and the peak RSS with it (about 150 MB instead of
 * 125 MB for verify over 100k keys per bucket). A collection each time the heap has grown by
 * {@link COLLECTION_BUDGET} (tens of milliseconds each) keeps the peak near the working set.
 * Falls back to a no-op where the runtime does not allow it.
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

/**
 * Calls {@link collectGarbage} when the JavaScript heap and the buffers outside it have grown more
 * than `budget` bytes past what they held at the first call, or after the last collection. One
 * check per list page: a collection when memory asks for it, not on a schedule.
 */
export function memoryCollector(
  budget = COLLECTION_BUDGET,
  inUse = heapAndBuffers,
  collect = collectGarbage,
): () => void {
  let floor: number | undefined;
  return () => {
    const used = inUse();
    floor ??= used;
    if (used <= floor + budget) return;
    collect();
    // From what is left: when the working set itself has grown (a plan held in memory, more
    // pages waiting), the next collection waits for another `budget`, not for every page.
    floor = inUse();
  };
}

/** Bytes in use: the JavaScript heap and the buffers outside it. */
function heapAndBuffers(): number {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}

/** How far a listing lets memory grow before it collects. */
export const COLLECTION_BUDGET = 24 * 1024 * 1024;
