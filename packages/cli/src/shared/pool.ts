/**
 * Runs `worker` over a (possibly endless) stream with at most `concurrency` calls in flight.
 * Items are pulled from the stream only as workers free up, so memory stays bounded by
 * `concurrency`, not by the stream's length. Stops pulling once `signal` is aborted; the calls
 * already started finish. The first error (of a worker, or of the stream itself) stops the pool and
 * is rethrown once every call already started has finished: nothing the pool started is still
 * writing when it returns.
 */
export async function forEachConcurrent<T>(
  items: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  worker: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : toAsync(items);
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (!failure && !signal?.aborted) {
      try {
        const next = await iterator.next();
        if (next.done) return;
        await worker(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  if (failure) throw failure.error;
}

async function* toAsync<T>(items: Iterable<T>): AsyncIterator<T> {
  yield* items;
}
