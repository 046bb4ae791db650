import { joinByKey } from '../../src/shared/join';
import { compareKeys } from '../../src/shared/keys';
import type { KeyHistory } from '../../src/shared/versions';
import { history, stream, version } from '../support/history';
import { randomKeys, seeded } from '../support/random-keys';

describe('joinByKey', () => {
  const h = (key: string): KeyHistory => history(version(key, 'v', 0));
  const collect = async (a: KeyHistory[], b: KeyHistory[], sizesA?: number[], sizesB?: number[]) => {
    const out: [string | undefined, string | undefined][] = [];
    for await (const pairs of joinByKey(stream(a, sizesA), stream(b, sizesB))) {
      for (const [l, r] of pairs) out.push([l?.key, r?.key]);
    }
    return out;
  };

  test('GIVEN two sorted streams WHEN joined THEN each key appears once with its counterpart or undefined', async () => {
    expect(await collect([h('a'), h('c'), h('d')], [h('b'), h('c'), h('e')])).toEqual([
      ['a', undefined],
      [undefined, 'b'],
      ['c', 'c'],
      ['d', undefined],
      [undefined, 'e'],
    ]);
  });

  test('GIVEN keys beyond U+FFFF and in U+E000..U+FFFF WHEN joined THEN UTF-8 order pairs them', async () => {
    // UTF-8 (S3) order: U+E000 before U+1F600; JavaScript's < says the opposite.
    const keys = ['x\uE000', 'x😀'];
    expect(await collect(keys.map(h), keys.map(h))).toEqual(keys.map((k) => [k, k]));
  });

  test('GIVEN an empty side WHEN joined THEN every key of the other side is yielded alone', async () => {
    expect(await collect([], [h('a'), h('b')])).toEqual([
      [undefined, 'a'],
      [undefined, 'b'],
    ]);
  });

  test('GIVEN chunks of different sizes on each side, some empty WHEN joined THEN the pairs are as with one key per chunk', async () => {
    const a = ['a', 'c', 'd', 'f', 'g'].map(h);
    const b = ['b', 'c', 'e', 'f', 'h', 'i'].map(h);
    const oneByOne = await collect(a, b);

    expect(await collect(a, b, [0, 3, 0, 2], [5, 0, 1])).toEqual(oneByOne);
    expect(await collect(a, b, [5], [1, 4, 1])).toEqual(oneByOne);
  });

  test.each([1, 2, 3, 4, 5])(
    'GIVEN random key sets in random chunks (seed %i) WHEN joined THEN each key of either side appears once, in UTF-8 order, paired when on both',
    async (seed) => {
      const random = seeded(seed);
      const all = randomKeys(random, 60);
      const a = all.filter(() => random() < 0.6);
      const b = all.filter(() => random() < 0.6);
      const sizes = () => Array.from({ length: 20 }, () => Math.floor(random() * 5));

      const joined = await collect(a.map(h), b.map(h), sizes(), sizes());

      const expected = [...new Set([...a, ...b])]
        .sort(compareKeys)
        .map((k) => [a.includes(k) ? k : undefined, b.includes(k) ? k : undefined]);
      expect(joined).toEqual(expected);
    },
  );
});
