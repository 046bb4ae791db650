import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Evidence } from '../../../../src/commands/drill/evidence';

/**
 * A realistic evidence.json: a cross-region deployment drilled through every stage; 20 probes in
 * the rpo stage, 4 written while FIS paused replication (one alarm went to ALARM and back), a
 * failover and a failback with their route changes, a restore and the replicas' Object Lock. One
 * objective is missed: the failover (RTO) took 3 min 52 s against 3 min.
 */
export const FIXTURE_PATH = join(__dirname, '..', 'fixtures', 'evidence.json');

/** A fresh copy of the fixture, to change freely in a test. */
export function fixtureEvidence(): Evidence {
  return JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as Evidence;
}

/** The fixture with some of its fields replaced (a shallow merge at the top level). */
export function evidenceWith(changes: Partial<Evidence>): Evidence {
  return { ...fixtureEvidence(), ...changes };
}

/** A new folder in `root` holding a copy of the fixture as evidence.json, as a drill leaves it. */
export function drillFolder(root: string): string {
  const dir = mkdtempSync(join(root, 's3-dr-drill-'));
  copyFileSync(FIXTURE_PATH, join(dir, 'evidence.json'));
  return dir;
}

/**
 * A 12 s drill (rpo and restore only, on a small bucket), as a newcomer's first try leaves it: the
 * timeline's axis must still label its seconds legibly.
 */
export function shortDrillEvidence(): Evidence {
  const at = (seconds: number) =>
    new Date(Date.parse('2026-12-06T05:26:31.400Z') + seconds * 1000).toISOString();
  return evidenceWith({
    startedAt: at(0),
    endedAt: at(12),
    stages: [
      { name: 'preflight', status: 'passed', startedAt: at(0), endedAt: at(0.6) },
      { name: 'rpo', status: 'passed', startedAt: at(0.7), endedAt: at(9.8) },
      { name: 'fault', status: 'skipped', reason: '--skip' },
      { name: 'failover', status: 'skipped', reason: '--skip' },
      { name: 'restore', status: 'passed', startedAt: at(9.9), endedAt: at(11.9) },
      { name: 'locks', status: 'skipped', reason: 'the replica has no Object Lock with a default retention' },
    ],
    events: [],
    probes: [],
    objectives: [],
    undo: [],
  });
}
