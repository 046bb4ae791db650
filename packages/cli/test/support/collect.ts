import type { Chunks } from '../../src/shared/chunks';

/** Everything an async (or plain) iterable yields, in order. */
export async function collect<T>(items: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Every entry of a stream of chunks (a listing), in order. */
export async function collectChunks<T>(chunks: Chunks<T>): Promise<T[]> {
  return (await collect(chunks)).flat() as T[];
}
