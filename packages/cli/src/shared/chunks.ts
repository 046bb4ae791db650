/**
 * A stream handed over in chunks (about one list page each), so that the async hand-off between
 * listing, join and comparison is paid once per page and not once per key.
 */
export type Chunks<T> = AsyncIterable<readonly T[]>;

/** Each chunk of `chunks` through `map` (empty results are dropped). */
export async function* mapChunks<T, U>(
  chunks: Chunks<T>,
  map: (chunk: readonly T[]) => readonly U[],
): Chunks<U> {
  for await (const chunk of chunks) {
    const mapped = map(chunk);
    if (mapped.length) yield mapped;
  }
}

/** One item at a time, for consumers that await per item anyway. */
export async function* flatten<T>(chunks: Chunks<T>): AsyncGenerator<T> {
  for await (const chunk of chunks) yield* chunk;
}
