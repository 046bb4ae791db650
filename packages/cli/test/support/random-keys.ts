import { compareKeys } from '../../src/shared/keys';

/** A seeded pseudo-random generator (mulberry32): the same seed gives the same sequence. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

/**
 * Key fragments where naive ordering goes wrong: `/` and its neighbours in byte order (`.`, `0`),
 * a prefix of other keys (empty piece), Latin-1, CJK, U+E000..U+FFFF (sorted below surrogate
 * pairs by JavaScript, above them by UTF-8) and characters beyond U+FFFF.
 */
const PIECES = [
  '/',
  '/',
  '//',
  'a',
  'a/',
  'b',
  '.',
  '0',
  '9',
  ' ',
  '+',
  '%',
  'é',
  'Ω',
  '日',
  '\uE000',
  '\uFFFD',
  '😀',
  '𝄞',
  'z',
  '',
];

/** `count` distinct random keys (1 to 8 pieces each) in S3's (UTF-8 binary) order. */
export function randomKeys(random: () => number, count: number): string[] {
  const keys = new Set<string>();
  while (keys.size < count) {
    const length = 1 + Math.floor(random() * 8);
    let key = '';
    for (let i = 0; i < length; i++) key += pick(random, PIECES);
    if (key) keys.add(key);
  }
  return [...keys].sort(compareKeys);
}
