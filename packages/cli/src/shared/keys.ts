/**
 * Compares two keys in UTF-8 binary order, the order in which S3 lists keys.
 *
 * JavaScript compares strings by UTF-16 code units, which puts characters above U+FFFF (stored
 * as surrogate pairs, 0xD800-0xDFFF) before U+E000-U+FFFF; in UTF-8, as in code-point order,
 * they come after. Shifting the two ranges fixes that without encoding the strings.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** Whether `key` is at or under `prefix` (an empty prefix contains every key). */
export function hasPrefix(key: string, prefix: string | undefined): boolean {
  return !prefix || key.startsWith(prefix);
}
