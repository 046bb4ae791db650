import type { Evidence } from '../../../../src/commands/drill/evidence';
import { fixtureEvidence } from './evidence-fixture';

/** Markup that must stay text wherever it appears in a report. */
export const HOSTILE = `<script>alert("x")</script><img src="https://example.com/x.png" onerror='y()'> & | * _ \` @team $x$ [l](http://e) \n# h`;

/**
 * The fixture with HOSTILE (and a few variants, to tell them apart) in every string a drill takes
 * from the outside: keys, names, reasons, details, settings and measurement keys and values.
 */
export function hostileEvidence(): Evidence {
  const e = fixtureEvidence();
  const h = (where: string) => `${where}:${HOSTILE}`;
  return {
    ...e,
    runId: h('runId'),
    s3drVersion: h('version'),
    deployment: {
      ...e.deployment,
      suffix: h('suffix'),
      account: h('account'),
      primaryBucket: h('primary'),
      replicaBucket: h('replica'),
      ruleIds: [h('rule')],
      accessPoint: h('ap'),
    },
    settings: { [h('settingKey')]: h('settingValue'), list: [h('settingItem')] },
    stages: e.stages.map((s, i) => ({
      ...s,
      reason: h(`reason${i}`),
      measurements: { [h(`measurementKey${i}`)]: h(`measurementValue${i}`) },
    })),
    probes: e.probes.map((p, i) => ({ ...p, key: h(`key${i}`) })),
    events: e.events.map((ev, i) => ({ ...ev, detail: h(`detail${i}`) })),
    objectives: e.objectives.map((o, i) => ({ ...o, reason: h(`objective${i}`) })),
    undo: e.undo.map((u, i) => ({ ...u, done: false, action: h(`undo${i}`), howToFinish: h(`finish${i}`) })),
  };
}
