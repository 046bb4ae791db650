import { median, planProbe } from '../../../src/commands/probe/probe';
import { PROBE_PREFIX } from '../../../src/commands/probe/settings';
import { formatDuration, parseDuration } from '../../../src/shared/duration';
import { CliError } from '../../../src/shared/errors';

describe('GIVEN a --timeout value', () => {
  it.each([
    ['20m', 1_200_000],
    ['2s', 2000],
    ['500ms', 500],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
  ])('WHEN %s is parsed THEN it is %d ms', (text, ms) => {
    expect(parseDuration('--timeout')(text)).toBe(ms);
  });

  it.each(['soon', '10 minutes', '5y', '0s', '0', '', 's', '90', '5.0 s'])(
    'WHEN %p is parsed THEN it is a usage error',
    (text) => {
      expect(() => parseDuration('--timeout')(text)).toThrow(CliError);
    },
  );
});

describe('GIVEN a duration in milliseconds', () => {
  it.each([
    [40, '40ms'],
    [500, '0.5s'],
    [5000, '5s'],
    [6200, '6.2s'],
    [59_990, '1m'],
    [95_000, '1m35s'],
    [1_200_000, '20m'],
    [7_200_000, '2h'],
    [5_400_000, '1h30m'],
  ])('WHEN %d is formatted THEN it reads %s, which parses back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(Math.abs(parseDuration('--timeout')(text) - ms)).toBeLessThan(1000);
  });
});

describe('GIVEN latencies', () => {
  it('WHEN their count is odd THEN the median is the middle one', () => {
    expect(median([9, 1, 5])).toBe(5);
  });

  it('WHEN their count is even THEN the median is the mean of the two middle ones', () => {
    expect(median([4, 1, 8, 6])).toBe(5);
  });
});

describe('GIVEN a probe plan', () => {
  it('WHEN planned THEN every key lies in its own folder under the reserved prefix and carries its token', () => {
    let n = 0;
    const plan = planProbe('src', 'dst', 2, new Date('2026-03-04T05:06:07.890Z'), () => `tok${++n}`);

    expect(plan.prefix).toBe(`${PROBE_PREFIX}20260304T050607Z-tok1/`);
    expect(plan.probes).toEqual([
      { key: `${plan.prefix}1-tok2`, token: 'tok2', body: 's3-dr replication probe tok2\n' },
      { key: `${plan.prefix}2-tok3`, token: 'tok3', body: 's3-dr replication probe tok3\n' },
    ]);
  });
});
