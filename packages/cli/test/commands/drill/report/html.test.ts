import { parseHTML } from 'linkedom';
import type { Evidence, Objective } from '../../../../src/commands/drill/evidence';
import { renderHtml } from '../../../../src/commands/drill/report/html';
import { evidenceWith, fixtureEvidence } from './evidence-fixture';
import { HOSTILE, hostileEvidence } from './hostile';

/** The rendered page as a DOM, to read it as a browser would lay it out (text, not markup). */
function page(evidence: Evidence) {
  return parseHTML(renderHtml(evidence)).document;
}

function text(node: { textContent: string | null } | null): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The objectives table as rows of cell texts: objective title, target, measured, result, note. */
function objectivesTable(evidence: Evidence): string[][] {
  return [...page(evidence).querySelectorAll('table.objectives tbody tr')].map((row) => {
    const [title, ...cells] = [...row.querySelectorAll('th, td')];
    return [text(title?.firstChild ?? null), ...cells.map(text)];
  });
}

function withObjective(name: Objective['name'], changes: Partial<Objective>): Evidence {
  const e = fixtureEvidence();
  return { ...e, objectives: e.objectives.map((o) => (o.name === name ? { ...o, ...changes } : o)) };
}

describe('GIVEN the evidence of a drill that missed its RTO', () => {
  it('WHEN rendered THEN the objectives table shows every objective with its target, measurement and result', () => {
    expect(objectivesTable(fixtureEvidence())).toEqual([
      ['Recovery point (RPO)', 'at most 15 min', '11.6 s', '✓ met', ''],
      ['Fault detection', 'at most 20 min', '13 min', '✓ met', ''],
      ['Catch-up after the fault', 'at most 15 min', '45.1 s', '✓ met', ''],
      ['Recovery time (RTO), failover', 'at most 3 min', '3 min 52 s', '✗ missed', '52 s over the target'],
      ['Failback time', 'at most 3 min', '2 min 31 s', '✓ met', ''],
      ['Restore time', 'at most 15 min', '1 min 44 s', '✓ met', ''],
      ['Replica Object Lock', 'at least 30 d', '30 d 4 s', '✓ met', ''],
    ]);
  });

  it('WHEN rendered THEN the header names the deployment, run, version, start, end and outcome', () => {
    const document = page(fixtureEvidence());

    expect(text(document.querySelector('h1'))).toBe('Drill of deployment prod');
    expect(text(document.querySelector('.outcome'))).toBe(
      'MISSED Objective missed: Recovery time (RTO), failover',
    );
    const facts = [...document.querySelectorAll('.facts dl div')].map(
      (fact) => `${text(fact.querySelector('dt'))}: ${text(fact.querySelector('dd'))}`,
    );
    expect(facts).toEqual(
      expect.arrayContaining([
        'Run id: 20261207T093000Z-7f3c',
        's3-dr version: 0.2.0',
        'Started: 2026-12-07 09:30:00 UTC',
        'Ended: 2026-12-07 10:01:34 UTC',
        'Deployment: prod',
        'Primary bucket: primary-bucket-prod-123456789012',
        'Regions: us-east-1 → us-west-2',
      ]),
    );
  });

  it('WHEN rendered THEN the timeline lists each fault, alarm, route change, note and undo in time order, numbered as on the chart', () => {
    const document = page(fixtureEvidence());
    const rows = [...document.querySelectorAll('table.events tbody tr')].map((row) =>
      [...row.querySelectorAll('td')].slice(0, 3).map(text),
    );

    expect(rows).toEqual([
      ['1', '09:35:22', 'fault started'],
      ['2', '09:48:22', 'alarm'],
      ['3', '09:50:22', 'fault ended'],
      ['4', '09:51:20', 'route change'],
      ['5', '09:53:22', 'alarm'],
      ['6', '09:55:12', 'note'],
      ['7', '09:57:00', 'route change'],
      ['8', '09:59:31', 'undo'],
    ]);
    const chart = document.querySelector('figure[aria-label="Timeline of the drill"] svg');
    const markers = [...(chart?.querySelectorAll('g[aria-label="dot"] title') ?? [])].map(text);
    expect(markers).toEqual(
      expect.arrayContaining([
        '2. s3-replication-canary-prod: OK -> ALARM',
        '8. failover undone: the access point routes to the primary again (confirmed by a probe)',
      ]),
    );
    expect(markers).toHaveLength(8);
    expect(text(chart)).toContain('replication paused (fault injection)');
  });

  it('WHEN a stage spans the whole drill THEN its status and duration are written inside its bar, not over the lane names', () => {
    const e = fixtureEvidence();
    const wide = {
      ...e,
      stages: e.stages.map((s) =>
        s.name === 'rpo' ? { ...s, startedAt: e.startedAt, endedAt: e.endedAt } : s,
      ),
    };
    const chart = page(wide).querySelector('figure[aria-label="Timeline of the drill"] svg');
    const label = [...(chart?.querySelectorAll('g[aria-label="text"] text') ?? [])].find((t) =>
      text(t).startsWith('passed · 31 min'),
    );

    expect(label?.parentElement?.getAttribute('text-anchor')).toBe('start');
    expect(label?.parentElement?.getAttribute('fill')).toBe('white');
  });

  it('WHEN rendered THEN the delay chart draws one dot per probe that arrived', () => {
    const chart = page(fixtureEvidence()).querySelector(
      'figure[aria-label="Replication delay of each probe"] svg',
    );

    expect(chart?.querySelectorAll('circle')).toHaveLength(26);
    expect(text(chart)).toContain('RPO target 15 min');
  });

  it('WHEN rendered twice THEN the pages are identical (an archived report can be rendered again and compared)', () => {
    expect(renderHtml(fixtureEvidence())).toBe(renderHtml(fixtureEvidence()));
  });
});

describe('GIVEN an objective a stage could not measure', () => {
  it('WHEN rendered THEN it reads "not measured" with the reason, whatever its met flag says', () => {
    const evidence = withObjective('rto', {
      measured_seconds: null,
      met: false,
      reason: 'no probe written through the access point arrived within 10 min',
    });

    expect(objectivesTable(evidence)[3]).toEqual([
      'Recovery time (RTO), failover',
      'at most 3 min',
      'not measured',
      '– not measured',
      'no probe written through the access point arrived within 10 min',
    ]);
  });

  it('WHEN it has no reason THEN the note says that none was recorded', () => {
    const evidence = withObjective('detection', { measured_seconds: null, met: false });

    expect(objectivesTable(evidence)[1]?.slice(2)).toEqual([
      'not measured',
      '– not measured',
      'no reason recorded',
    ]);
  });

  it('WHEN every other objective was met THEN the outcome names the one not measured', () => {
    const evidence = {
      ...withObjective('rto', { measured_seconds: null, met: false, reason: 'skipped' }),
      outcome: 'met' as const,
    };

    expect(text(page(evidence).querySelector('.outcome'))).toBe(
      'MET Every measured objective was met; not measured: Recovery time (RTO), failover',
    );
  });
});

describe('GIVEN a replica retention shorter than the default', () => {
  it('WHEN rendered THEN the note says by how much it falls short', () => {
    const evidence = withObjective('replica-locked', { measured_seconds: 2_592_000 - 86_400, met: false });

    expect(objectivesTable(evidence)[6]?.slice(3)).toEqual([
      '✗ missed',
      '1 d shorter than the default retention',
    ]);
  });
});

describe('GIVEN a probe that never arrived and stages that were skipped', () => {
  const e = fixtureEvidence();
  const evidence = evidenceWith({
    probes: e.probes.map((p, i) => (i === 3 ? { ...p, seenAt: null, delaySeconds: null } : p)),
    stages: e.stages.map((s) =>
      s.name === 'restore' || s.name === 'locks' ? { name: s.name, status: 'skipped', reason: '--skip' } : s,
    ),
  });

  it('WHEN rendered THEN the chart leaves it out and the page names its key', () => {
    const document = page(evidence);

    expect(
      document.querySelectorAll('figure[aria-label="Replication delay of each probe"] circle'),
    ).toHaveLength(25);
    expect(text(document.querySelector('.warning'))).toBe(
      '1 probe never arrived: _s3-dr/drill/20261207T093000Z-7f3c/rpo/probe-04.',
    );
  });

  it('WHEN rendered THEN the outcome names the skipped stages', () => {
    expect(text(page(evidence).querySelector('.outcome'))).toBe(
      'MISSED Objective missed: Recovery time (RTO), failover; stages skipped: restore, locks',
    );
  });

  it('WHEN rendered THEN the skipped stages read "skipped" with their reason', () => {
    const rows = [...page(evidence).querySelectorAll('table.stages tbody tr')].map((row) =>
      [...row.querySelectorAll('td')].map(text),
    );

    expect(rows.slice(4)).toEqual([
      ['skipped', '–', '–', '–', '--skip'],
      ['skipped', '–', '–', '–', '--skip'],
    ]);
  });
});

describe('GIVEN evidence whose strings hold markup', () => {
  const output = renderHtml(hostileEvidence());
  const document = parseHTML(output).document;

  it('WHEN rendered THEN none of it becomes an element or an attribute', () => {
    expect(document.querySelectorAll('script, img, a, iframe, object, embed, link')).toHaveLength(0);
    const handlers = [...document.querySelectorAll('*')].flatMap((el) =>
      [...el.attributes].map((a) => a.name).filter((name) => name.startsWith('on')),
    );
    expect(handlers).toEqual([]);
    expect(output).not.toMatch(/<script|<img|<a\b/i);
  });

  it('WHEN rendered THEN each string is shown as the text it is', () => {
    const body = document.body.textContent ?? '';

    for (const where of [
      'runId',
      'suffix',
      'primary',
      'rule',
      'ap',
      'settingKey',
      'settingValue',
      'reason0',
      'measurementKey1',
      'measurementValue2',
      'key5',
      'objective3',
      'undo0',
      'finish1',
    ]) {
      expect(body).toContain(`${where}:${HOSTILE}`);
    }
    // Stage starts and ends are drawn as the stages' bars; every other event is listed.
    const listed = hostileEvidence().events.filter((e) => !e.kind.startsWith('stage-'));
    expect(listed).toHaveLength(8);
    for (const event of listed) expect(body).toContain(event.detail);
  });
});

describe('GIVEN any evidence', () => {
  it('WHEN rendered THEN the page refers to nothing outside itself and forbids itself every request', () => {
    const output = renderHtml(hostileEvidence());
    // The evidence's strings are text (the test above); what could load something is our markup
    // (the tags and their attributes) and our style sheets.
    const tags = output.replace(/>[^<]*</g, '><');
    const styles = [...output.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => m[1]);

    expect(tags).not.toMatch(/\b(src|href|srcset|action|poster|data)=|<link|<script|<iframe|<object|<embed/i);
    expect(styles.length).toBeGreaterThan(0);
    for (const style of styles) expect(style).not.toMatch(/url\(|@import|@font-face/i);
    expect(output).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
  });
});
