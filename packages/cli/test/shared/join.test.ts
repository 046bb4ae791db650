import { joinByKey } from '../../src/shared/join';
import type { KeyHistory } from '../../src/shared/versions';
import { history, stream, version } from '../support/history';

describe('joinByKey', () => {
  const h = (key: string): KeyHistory => history(version(key, 'v', 0));
  const collect = async (a: KeyHistory[], b: KeyHistory[]) => {
    const out: [string | undefined, string | undefined][] = [];
    for await (const [l, r] of joinByKey(stream(...a), stream(...b))) out.push([l?.key, r?.key]);
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
});
