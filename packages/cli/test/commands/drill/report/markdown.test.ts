import type { Evidence } from '../../../../src/commands/drill/evidence';
import { md, renderMarkdown } from '../../../../src/commands/drill/report/markdown';
import { fixtureEvidence } from './evidence-fixture';
import { hostileEvidence } from './hostile';

/** The lines of a section (from its `## heading` to the next one). */
function section(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  return lines.slice(start + 1, end === -1 ? undefined : end).filter((line) => line !== '');
}

/** The cells of a table row, split at the pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((cell) => cell.trim());
}

describe('GIVEN the evidence of a drill that missed its RTO', () => {
  const markdown = renderMarkdown(fixtureEvidence());

  it('WHEN rendered THEN it opens with the deployment and the outcome', () => {
    expect(markdown.split('\n').slice(0, 3)).toEqual([
      '# S3 disaster-recovery drill: prod',
      '',
      '**Outcome: MISSED.** Objective missed: Recovery time (RTO), failover.',
    ]);
    expect(markdown).toContain('- **Run id:** 20261207T093000Z-7f3c\n');
    expect(markdown).toContain('- **s3-dr version:** 0.2.0\n');
    expect(markdown).toContain(
      '- **Started:** 2026-12-07 09:30:00 UTC\n- **Ended:** 2026-12-07 10:01:34 UTC\n',
    );
  });

  it('WHEN rendered THEN the objectives table shows every objective with its target, measurement and result', () => {
    const rows = section(markdown, 'Objectives').slice(2).map(cells);

    expect(rows.map((row) => [row[0]?.replace(/:.*/, ''), ...row.slice(1)])).toEqual([
      ['**Recovery point (RPO)**', 'at most 15 min', '11.6 s', '✅ met', ''],
      ['**Fault detection**', 'at most 20 min', '13 min', '✅ met', ''],
      ['**Catch-up after the fault**', 'at most 15 min', '45.1 s', '✅ met', ''],
      [
        '**Recovery time (RTO), failover**',
        'at most 3 min',
        '3 min 52 s',
        '❌ **missed**',
        '52 s over the target',
      ],
      ['**Failback time**', 'at most 3 min', '2 min 31 s', '✅ met', ''],
      ['**Restore time**', 'at most 15 min', '1 min 44 s', '✅ met', ''],
      ['**Replica Object Lock**', 'at least 30 d', '30 d 4 s', '✅ met', ''],
    ]);
  });

  it('WHEN rendered THEN the timeline lists the fault, alarms, route changes, note and undo in time order', () => {
    const rows = section(markdown, 'Timeline').slice(2).map(cells);

    expect(rows.map((row) => row[1])).toEqual([
      'fault started',
      'alarm',
      'fault ended',
      'route change',
      'alarm',
      'note',
      'route change',
      'undo',
    ]);
    expect(rows[1]).toEqual(['09:48:22', 'alarm', 's3-replication-canary-prod: OK -\\> ALARM']);
  });
});

describe('GIVEN an objective a stage could not measure', () => {
  it('WHEN rendered THEN its row reads "not measured" with the reason', () => {
    const e = fixtureEvidence();
    const evidence: Evidence = {
      ...e,
      objectives: e.objectives.map((o) =>
        o.name === 'restore'
          ? { ...o, measured_seconds: null, met: false, reason: 'the restore stage was skipped' }
          : o,
      ),
    };

    const row = section(renderMarkdown(evidence), 'Objectives').slice(2).map(cells)[5];

    expect(row?.slice(1)).toEqual([
      'at most 15 min',
      'not measured',
      '➖ not measured',
      'the restore stage was skipped',
    ]);
  });
});

describe('GIVEN evidence whose strings hold markup, pipes and line breaks', () => {
  const markdown = renderMarkdown(hostileEvidence());

  it('WHEN rendered THEN every table row keeps its columns', () => {
    for (const [heading, columns] of [
      ['Objectives', 5],
      ['Stages', 6],
      ['Timeline', 3],
      ['What the drill changed and put back', 3],
    ] as const) {
      const rows = section(markdown, heading);
      expect(rows.length).toBeGreaterThan(2);
      for (const row of rows) expect(cells(row)).toHaveLength(columns);
    }
  });

  it('WHEN rendered THEN no string becomes HTML, a heading, a link or a mention', () => {
    expect(markdown).not.toMatch(/(?<!\\)<(script|img)/);
    expect(markdown).not.toMatch(/(?<!\\)\[l(?<!\\)\]/);
    expect(markdown).not.toMatch(/(?<!\\)@team/);
    expect(markdown.split('\n').filter((line) => line.startsWith('# '))).toHaveLength(1);
  });
});

describe('GIVEN text for Markdown', () => {
  it.each([
    ['a | b', 'a \\| b'],
    ['<b>&amp;</b>', '\\<b\\>\\&amp;\\</b\\>'],
    ['*x* _y_ `z` ~~s~~', '\\*x\\* \\_y\\_ \\`z\\` \\~\\~s\\~\\~'],
    ['[a](b) ![i](j)', '\\[a\\](b) !\\[i\\](j)'],
    ['$x$ @team \\', '\\$x\\$ \\@team \\\\'],
    ['one\ntwo\r\nthree', 'one two three'],
    ['2026-12-07 09:30:00 UTC (us-east-1)', '2026-12-07 09:30:00 UTC (us-east-1)'],
  ])('WHEN %p is escaped THEN it reads %p', (input, output) => {
    expect(md(input)).toBe(output);
  });
});
