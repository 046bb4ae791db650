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
