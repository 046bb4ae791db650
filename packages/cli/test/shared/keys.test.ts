import { compareKeys } from '../../src/shared/keys';

test('GIVEN ASCII keys WHEN compared THEN the order is byte order (uppercase before lowercase)', () => {
  expect(['b', 'B', 'a/b', 'a', 'a b'].sort(compareKeys)).toEqual(['B', 'a', 'a b', 'a/b', 'b']);
});

test('GIVEN a key that is a prefix of another WHEN compared THEN the shorter comes first', () => {
  expect(compareKeys('abc', 'abcd')).toBeLessThan(0);
});

test('GIVEN characters above U+FFFF and in U+E000..U+FFFF WHEN compared THEN the order is UTF-8 byte order', () => {
  const keys = ['\u{1F600}', '\uFFFD', '\uE000', 'z', '\u00E9'];
  const utf8Order = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  expect([...keys].sort(compareKeys)).toEqual(utf8Order);
});

test('GIVEN equal keys WHEN compared THEN the result is 0', () => {
  expect(compareKeys('ünï/😀', 'ünï/😀')).toBe(0);
});
