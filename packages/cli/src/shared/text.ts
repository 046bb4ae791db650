/**
 * `n` and the noun, singular or plural as `n` needs: `count(1, 'key')` -> `1 key`, `count(3, 'key')`
 * -> `3 keys`, `count(2, 'mismatch', 'mismatches')`. Every count the CLI prints goes through here.
 */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
