import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEvidence } from '../../../../src/commands/drill/report/read';
import { CliError } from '../../../../src/shared/errors';
import { FIXTURE_PATH, fixtureEvidence } from './evidence-fixture';

const dir = mkdtempSync(join(tmpdir(), 's3-dr-evidence-'));
let n = 0;

/** Writes `text` (or a value as JSON) to a file of its own and returns the path. */
function file(content: unknown): string {
  const path = join(dir, `evidence-${++n}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The usage error that reading `path` ends with. */
function failure(path: string): CliError {
  try {
    readEvidence(path);
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error(`${path} was read without an error`);
}

describe('GIVEN the evidence a drill wrote', () => {
  it('WHEN read THEN it is the document as written', () => {
    expect(readEvidence(FIXTURE_PATH)).toEqual(fixtureEvidence());
  });

  it('WHEN it holds fields this version does not know THEN it is read all the same (a compatible addition)', () => {
    const path = file({ ...fixtureEvidence(), cost: { usd: 0.02 }, extra: 'field' });

    expect(readEvidence(path).runId).toBe('20261207T093000Z-7f3c');
  });
});

describe('GIVEN a file that is not evidence this version reads', () => {
  it.each([
    [
      'a newer schema',
      { ...fixtureEvidence(), schema: 's3-dr/drill-evidence/v2' },
      'schema "s3-dr/drill-evidence/v2" is not one this s3-dr reads (it reads "s3-dr/drill-evidence/v1"): render it with the s3-dr version that wrote it',
    ],
    [
      'another document',
      { schema: 'https://json-schema.org/draft/2020-12/schema' },
      'schema "https://json-schema.org/draft/2020-12/schema" is not one this s3-dr reads (it reads "s3-dr/drill-evidence/v1"): not a drill evidence file',
    ],
    [
      'no schema',
      { runId: 'x' },
      'no "schema" field: not a drill evidence file (expected "s3-dr/drill-evidence/v1")',
    ],
    ['a list', [1, 2], 'expected a JSON object with "schema": "s3-dr/drill-evidence/v1"'],
  ])('WHEN it is %s THEN the error says so in one line, exit 2', (_what, content, message) => {
    const path = file(content);
    const err = failure(path);

    expect(err.message).toBe(`evidence file ${path}: ${message}`);
    expect(err.exitCode).toBe(2);
  });

  it('WHEN it is not JSON THEN the error says so with the parser’s reason', () => {
    const path = file('{"schema": "s3-dr/drill-evidence/v1", ');

    expect(failure(path).message).toMatch(new RegExp(`^evidence file ${path} is not valid JSON: .+$`));
  });

  it('WHEN it does not exist THEN the error names it', () => {
    const path = join(dir, 'missing.json');

    expect(failure(path).message).toBe(`cannot read evidence file ${path}: no such file`);
  });

  it('WHEN it is a folder THEN the error names it', () => {
    expect(failure(dir).message).toBe(`cannot read evidence file ${dir}: it is a directory`);
  });
});

describe('GIVEN evidence with a damaged field', () => {
  const e = fixtureEvidence();
  it.each([
    [
      'a missing run id',
      { ...e, runId: undefined },
      'runId must be a string, got nothing (the field is missing)',
    ],
    [
      'a time that is no time',
      { ...e, startedAt: 'yesterday' },
      'startedAt must be an ISO 8601 time such as 2026-12-07T09:30:00Z, got "yesterday"',
    ],
    [
      'an unknown outcome',
      { ...e, outcome: 'ok' },
      'outcome must be one of met, missed, interrupted, error, got "ok"',
    ],
    [
      'a met flag that is a string',
      { ...e, objectives: e.objectives.map((o, i) => (i === 3 ? { ...o, met: 'yes' } : o)) },
      'objectives[3].met must be true or false, got "yes"',
    ],
    [
      'an unknown objective',
      { ...e, objectives: [{ ...e.objectives[0], name: 'mttr' }] },
      'objectives[0].name must be one of rpo, detection, catch-up, rto, failback, restore, replica-locked, got "mttr"',
    ],
    [
      'a measurement that is an object',
      { ...e, stages: [{ ...e.stages[0], measurements: { 'p 50': { a: 1 } } }] },
      'stages[0].measurements["p 50"] must be a number, string, true, false or null, got an object',
    ],
    [
      'a probe delay that is text',
      { ...e, probes: [{ ...e.probes[0], delaySeconds: '6.2' }] },
      'probes[0].delaySeconds must be a number, got "6.2"',
    ],
    [
      'a lock mode that does not exist',
      { ...e, deployment: { ...e.deployment, replicaObjectLock: { mode: 'LEGAL_HOLD', days: 30 } } },
      'deployment.replicaObjectLock.mode must be one of GOVERNANCE, COMPLIANCE, got "LEGAL_HOLD"',
    ],
    ['events that are no list', { ...e, events: {} }, 'events must be a list, got an object'],
  ])('WHEN it has %s THEN the error names the field, the rule and the value', (_what, content, message) => {
    const path = file(content);

    expect(failure(path).message).toBe(`evidence file ${path}: ${message}`);
  });

  it('WHEN a value is long THEN the error line shows its start only', () => {
    const path = file({ ...e, outcome: 'x'.repeat(500) });

    expect(failure(path).message).toBe(
      `evidence file ${path}: outcome must be one of met, missed, interrupted, error, got "${'x'.repeat(56)}...`,
    );
  });
});
