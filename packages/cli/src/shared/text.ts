/**
 * `n` and the noun, singular or plural as `n` needs: `count(1, 'key')` -> `1 key`, `count(3, 'key')`
 * -> `3 keys`, `count(2, 'mismatch', 'mismatches')`. Every count the CLI prints goes through here.
 */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/**
 * The word of `words` that `typed` is a slip of (two letters off at most: a letter missing, extra,
 * wrong, or two swapped), ignoring case; undefined when none is that close or `typed` is one of them.
 */
export function meantWord(typed: string, words: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  if (words.includes(typed)) return undefined;
  return words.find((word) => editDistance(lower, word) <= 2);
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      row[j] = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** A byte count in binary units: `512 B`, `12.0 MiB`, `1.5 TiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
