import { parseHTML } from 'linkedom';
import type { Evidence } from '../../../../src/commands/drill/evidence';
import { timelineSvg } from '../../../../src/commands/drill/report/charts';
import { fixtureEvidence, shortDrillEvidence } from './evidence-fixture';

/** The labels under the timeline's time axis, left to right. */
function tickLabels(evidence: Evidence): string[] {
  const { document } = parseHTML(`<!DOCTYPE html><html><body>${timelineSvg(evidence)}</body></html>`);
  return [...document.querySelectorAll('g[aria-label="x-axis tick label"] text')].map(
    (t) => t.textContent ?? '',
  );
}

describe('GIVEN the timeline of a drill', () => {
  it('WHEN the drill took 12 s THEN its axis has at most 6 labels, 2 s apart, not one a second (which ran together)', () => {
    expect(tickLabels(shortDrillEvidence())).toEqual([
      '05:26:32',
      '05:26:34',
      '05:26:36',
      '05:26:38',
      '05:26:40',
      '05:26:42',
    ]);
  });

  it('WHEN the drill took half an hour THEN its axis is labelled every 10 minutes', () => {
    expect(tickLabels(fixtureEvidence())).toEqual(['09:30', '09:40', '09:50', '10:00']);
  });
});
