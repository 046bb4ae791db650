import { compareKeys } from './keys';

/** Marks "the key ends here" in a position's alphabet; it sorts before every character. */
const END = -1;
/** Positions beyond this many code points do not move a boundary enough to matter. */
const MAX_POSITIONS = 64;

/**
 * Guesses a key about `entriesAhead` listing entries after the last key of a sample page, so that
 * a listing can be split there. The guess only decides where one range stops and the next starts:
 * a bad guess costs a request, never a key (see ranges.ts).
 *
 * The keys after `prefix` are read as numbers in a mixed radix, one digit per character position,
 * whose alphabet at each position is the characters the sample shows there, widened so that
 * counters can carry (`data/00000999` -> `data/00001998`; see alphabetsOf). The sample's span
 * (last - first, for `count` entries) is added `entriesAhead / count` times to its last key.
 * Characters are compared as code points, the order of UTF-8 bytes, in which S3 lists keys.
 * Returns undefined when no key after the sample can be written that way.
 */
export function boundaryAfter(
  sample: readonly string[],
  count: number,
  entriesAhead: number,
  prefix = '',
): string | undefined {
  const lastKey = sample[sample.length - 1];
  if (lastKey === undefined || count < 1) return undefined;
  const model = modelOf(sample, prefix);
  if (!model) return undefined;
  const { alphabets, last, span } = model;
  const times = Math.max(1, Math.round(entriesAhead / count));
  const ahead = add(last, multiply(span, times, alphabets), alphabets);
  if (!ahead) return undefined;
  const boundary = prefix + stringOf(ahead, alphabets);
  return compareKeys(boundary, lastKey) > 0 ? boundary : undefined;
}

interface Model {
  readonly alphabets: readonly number[][];
  readonly last: readonly number[];
  readonly span: readonly number[];
}

/** Models per sample (a range asks for several boundaries from one page). */
const models = new WeakMap<readonly string[], { prefix: string; model?: Model }>();

function modelOf(sample: readonly string[], prefix: string): Model | undefined {
  const cached = models.get(sample);
  if (cached && cached.prefix === prefix) return cached.model;
  const keys = sample.map((key) => Array.from(key.slice(prefix.length), (c) => c.codePointAt(0) as number));
  const width = Math.min(MAX_POSITIONS, Math.max(...keys.map((k) => k.length)));
  const alphabets = alphabetsOf(keys, width);
  const first = digitsOf(keys[0] as number[], alphabets);
  const last = digitsOf(keys[keys.length - 1] as number[], alphabets);
  const span = subtract(last, first, alphabets);
  const model = span ? { alphabets, last, span } : undefined;
  models.set(sample, { prefix, model });
  return model;
}

/**
 * The characters each position shows in the sample, widened so that counters can carry: all ten
 * digits where a digit shows, and all of 0-9a-f in a run of letters and digits (between other
 * characters) where any position shows a-f among digits: hex names (hashes, UUIDs) whose first
 * positions show only digits in one page.
 */
function alphabetsOf(keys: readonly (readonly number[])[], width: number): number[][] {
  const seen = Array.from({ length: width }, (_, i) => new Set(keys.map((key) => key[i] ?? END)));
  const alnum = seen.map((chars) => [...chars].every((c) => isDigit(c) || isLetter(c)));
  const hexRun = new Array<boolean>(width).fill(false);
  for (let i = 0; i < width; ) {
    let j = i;
    while (j < width && alnum[j]) j++;
    const run = seen.slice(i, j);
    const hex =
      run.some((chars) => [...chars].some(isDigit)) &&
      run.some((chars) => [...chars].some(isHexLetter)) &&
      run.every((chars) => [...chars].every((c) => isDigit(c) || isHexLetter(c)));
    for (let k = i; k < j; k++) hexRun[k] = hex;
    i = Math.max(j, i + 1);
  }
  return seen.map((chars, i) => {
    if (hexRun[i]) for (const c of HEX) chars.add(c);
    else if ([...chars].some(isDigit)) for (let d = 0x30; d <= 0x39; d++) chars.add(d);
    return [...chars].sort((a, b) => a - b);
  });
}

const isLetter = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isHexLetter = (c: number): boolean => c >= 0x61 && c <= 0x66;
const HEX = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

function digitsOf(key: readonly number[], alphabets: readonly number[][]): number[] {
  return alphabets.map((alphabet, i) => alphabet.indexOf(key[i] ?? END));
}

function stringOf(digits: readonly number[], alphabets: readonly number[][]): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    const c = (alphabets[i] as number[])[digits[i] as number] as number;
    if (c === END) break;
    out += String.fromCodePoint(c);
  }
  return out;
}

/** a - b for a > b; undefined when a <= b. */
function subtract(
  a: readonly number[],
  b: readonly number[],
  alphabets: readonly number[][],
): number[] | undefined {
  const out = new Array<number>(a.length);
  let borrow = 0;
  for (let i = a.length - 1; i >= 0; i--) {
    let d = (a[i] as number) - (b[i] as number) - borrow;
    borrow = d < 0 ? 1 : 0;
    if (d < 0) d += (alphabets[i] as number[]).length;
    out[i] = d;
  }
  return borrow || out.every((d) => d === 0) ? undefined : out;
}

function multiply(a: readonly number[], times: number, alphabets: readonly number[][]): number[] {
  const out = new Array<number>(a.length);
  let carry = 0;
  for (let i = a.length - 1; i >= 0; i--) {
    const base = (alphabets[i] as number[]).length;
    const v = (a[i] as number) * times + carry;
    out[i] = v % base;
    carry = Math.floor(v / base);
  }
  // A product beyond the first position saturates at its largest digit: still "far ahead".
  return carry ? alphabets.map((alphabet) => alphabet.length - 1) : out;
}

/** a + b; undefined when the sum overflows the first position (no such key in this radix). */
function add(
  a: readonly number[],
  b: readonly number[],
  alphabets: readonly number[][],
): number[] | undefined {
  const out = new Array<number>(a.length);
  let carry = 0;
  for (let i = a.length - 1; i >= 0; i--) {
    const base = (alphabets[i] as number[]).length;
    const v = (a[i] as number) + (b[i] as number) + carry;
    out[i] = v % base;
    carry = v >= base ? 1 : 0;
  }
  return carry ? undefined : out;
}
