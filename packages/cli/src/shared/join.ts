import { compareKeys } from './keys';
import type { KeyHistory } from './versions';

/**
 * Pairs up two key-ordered streams of histories by key (a streaming merge-join): yields
 * `[source, replica]` with `undefined` on the side that lacks the key. Both streams are pulled
 * concurrently, so their listings overlap; memory holds one history per side.
 */
export async function* joinByKey(
  source: AsyncIterable<KeyHistory>,
  replica: AsyncIterable<KeyHistory>,
): AsyncGenerator<[KeyHistory | undefined, KeyHistory | undefined]> {
  const left = source[Symbol.asyncIterator]();
  const right = replica[Symbol.asyncIterator]();
  try {
    let [a, b] = await Promise.all([left.next(), right.next()]);
    while (!a.done || !b.done) {
      const order = a.done ? 1 : b.done ? -1 : compareKeys(a.value.key, b.value.key);
      if (order === 0) {
        yield [a.value as KeyHistory, b.value as KeyHistory];
        [a, b] = await Promise.all([left.next(), right.next()]);
      } else if (order < 0) {
        yield [a.value as KeyHistory, undefined];
        a = await left.next();
      } else {
        yield [undefined, b.value as KeyHistory];
        b = await right.next();
      }
    }
  } finally {
    await Promise.all([left.return?.(), right.return?.()]);
  }
}
