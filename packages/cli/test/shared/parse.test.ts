import { parseDuration } from '../../src/shared/duration';
import { parsePointInTime } from '../../src/shared/parse';

const NOW = Date.parse('2024-06-01T00:00:00Z');

test('GIVEN a UTC time WHEN parsed THEN it is that instant', () => {
  expect(parsePointInTime('2024-05-01T12:00:00Z', NOW)).toBe(Date.parse('2024-05-01T12:00:00Z'));
});

test('GIVEN an offset WHEN parsed THEN it is converted to UTC', () => {
  expect(parsePointInTime('2024-05-01T14:00:00+02:00', NOW)).toBe(Date.parse('2024-05-01T12:00:00Z'));
});

test('GIVEN fractional seconds WHEN parsed THEN milliseconds are kept', () => {
  expect(parsePointInTime('2024-05-01T12:00:00.999999Z', NOW)).toBe(Date.parse('2024-05-01T12:00:00.999Z'));
});

test('GIVEN no zone WHEN parsed THEN it is refused, asking for one', () => {
  expect(() => parsePointInTime('2024-05-01T12:00:00', NOW)).toThrow(/has no time zone/);
});

test('GIVEN February 30th WHEN parsed THEN it is refused', () => {
  expect(() => parsePointInTime('2024-02-30T12:00:00Z', NOW)).toThrow(/no such date/);
});

test('GIVEN a time after now WHEN parsed THEN it is refused', () => {
  expect(() => parsePointInTime('2024-06-01T00:00:01Z', NOW)).toThrow(/in the future/);
});

test('GIVEN grace periods with units WHEN parsed THEN they are milliseconds, zero allowed', () => {
  expect(['30s', '15m', '2h', '1d', '0'].map(parseDuration('--grace', { allowZero: true }))).toEqual([
    30_000, 900_000, 7_200_000, 86_400_000, 0,
  ]);
});

test('GIVEN a grace period that is not a duration WHEN parsed THEN it is refused', () => {
  expect(() => parseDuration('--grace', { allowZero: true })('soon')).toThrow(/--grace must be a duration/);
});
