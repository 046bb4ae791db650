import { drillClock, formatSeconds } from '../../../../src/commands/drill/report/facts';
import { evidenceWith } from './evidence-fixture';

describe('GIVEN a duration in seconds', () => {
  it.each([
    [0.04, '40 ms'],
    [0.094, '94 ms'],
    [0.096, '0.1 s'],
    [6.25, '6.3 s'],
    [59.94, '59.9 s'],
    [59.96, '1 min'],
    [232, '3 min 52 s'],
    [900, '15 min'],
    [3900, '1 h 5 min'],
    [2_592_004, '30 d 4 s'],
  ])('WHEN %d is shown THEN it reads %p', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});

describe('GIVEN a drill that ran across midnight (UTC)', () => {
  const clock = drillClock(evidenceWith({ startedAt: '2026-12-07T23:50:00.000Z' }));

  it('WHEN a time of its first day is shown THEN it is the time of day only', () => {
    expect(clock('2026-12-07T23:59:59.400Z')).toBe('23:59:59');
  });

  it('WHEN a time of the next day is shown THEN its date comes with it', () => {
    expect(clock('2026-12-08T00:01:02.000Z')).toBe('2026-12-08 00:01:02');
  });
});
