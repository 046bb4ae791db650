import type { Chunks } from './chunks';
import { compareKeys } from './keys';
import type { KeyHistory } from './versions';

/** One key of a join: its history on each side, `undefined` on the side that lacks it. */
export type JoinedKey = [KeyHistory | undefined, KeyHistory | undefined];

/**
 * Pairs up two key-ordered streams of histories by key (a streaming merge-join), in chunks: as
 * many pairs as the chunks at hand allow, then the side that ran out is pulled again (both at once
 * when both ran out, so their listings overlap). Memory holds one chunk per side.
 */
export async function* joinByKey(source: Chunks<KeyHistory>, replica: Chunks<KeyHistory>): Chunks<JoinedKey> {
  const left = source[Symbol.asyncIterator]();
  const right = replica[Symbol.asyncIterator]();
  let a: readonly KeyHistory[] = [];
  let b: readonly KeyHistory[] = [];
  let i = 0;
  let j = 0;
  let leftDone = false;
  let rightDone = false;
  try {
    for (;;) {
      const pullLeft = !leftDone && i >= a.length;
      const pullRight = !rightDone && j >= b.length;
      if (pullLeft || pullRight) {
        const [l, r] = await Promise.all([
          pullLeft ? left.next() : undefined,
          pullRight ? right.next() : undefined,
        ]);
        if (l?.done) leftDone = true;
        else if (l) [a, i] = [l.value, 0];
        if (r?.done) rightDone = true;
        else if (r) [b, j] = [r.value, 0];
        continue;
      }
      if (leftDone && rightDone) return;
      const pairs: JoinedKey[] = [];
      // Until a side that may go on runs out of its chunk.
      while ((i < a.length || leftDone) && (j < b.length || rightDone)) {
        const x = a[i];
        const y = b[j];
        if (x === undefined && y === undefined) break;
        const order = x === undefined ? 1 : y === undefined ? -1 : compareKeys(x.key, y.key);
        if (order === 0) {
          pairs.push([x, y]);
          i++;
          j++;
        } else if (order < 0) {
          pairs.push([x, undefined]);
          i++;
        } else {
          pairs.push([undefined, y]);
          j++;
        }
      }
      if (pairs.length) yield pairs;
    }
  } finally {
    await Promise.all([left.return?.(), right.return?.()]);
  }
}
