// Reads an evidence.json back (for `s3-dr drill report`): the schema id first, then every field
// the reports render, so that a wrong, newer or damaged file is one clear line and never a report
// that is half true. Fields the schema does not name are allowed (a compatible addition).
import { readFileSync } from 'node:fs';
import { CliError } from '../../../shared/errors';
import { why } from '../../../shared/report';
import { EVIDENCE_SCHEMA, type Evidence, OBJECTIVES, STAGES } from '../evidence';

/** Reads and checks an evidence file; any problem is a usage error (exit 2) naming the file. */
export function readEvidence(path: string): Evidence {
  return readEvidenceFile(path).evidence;
}

/** {@link readEvidence}, with the file's text as it was read (to copy it byte for byte). */
export function readEvidenceFile(path: string): { evidence: Evidence; text: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason = e.code === 'ENOENT' ? 'no such file' : why(path, e);
    throw new CliError(`cannot read evidence file ${path}: ${reason}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new CliError(`evidence file ${path} is not valid JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const problem = evidenceProblem(document);
  if (problem) throw new CliError(`evidence file ${path}: ${problem}`);
  return { evidence: document as Evidence, text };
}

/** The first thing wrong with a parsed evidence document, in words; undefined when it is sound. */
export function evidenceProblem(document: unknown): string | undefined {
  if (!isObject(document)) return `expected a JSON object with "schema": "${EVIDENCE_SCHEMA}"`;
  const schema = document.schema;
  if (schema === undefined)
    return `no "schema" field: not a drill evidence file (expected "${EVIDENCE_SCHEMA}")`;
  if (schema !== EVIDENCE_SCHEMA) {
    return `schema ${JSON.stringify(schema)} is not one this s3-dr reads (it reads "${EVIDENCE_SCHEMA}"): ${
      typeof schema === 'string' && schema.startsWith('s3-dr/drill-evidence/')
        ? 'render it with the s3-dr version that wrote it'
        : 'not a drill evidence file'
    }`;
  }
  return checkEvidence(document, '');
}

// A check per field: returns what is wrong with a value at a path, or undefined. Composed below
// into the shape of the whole document, so that the first mismatch is reported with its path.
type Check = (value: unknown, path: string) => string | undefined;

function wrong(value: unknown, path: string, expected: string): string {
  return `${path || 'the document'} must be ${expected}, got ${describe(value)}`;
}

const string: Check = (v, path) => (typeof v === 'string' ? undefined : wrong(v, path, 'a string'));
const number: Check = (v, path) =>
  typeof v === 'number' && Number.isFinite(v) ? undefined : wrong(v, path, 'a number');
const boolean: Check = (v, path) => (typeof v === 'boolean' ? undefined : wrong(v, path, 'true or false'));
const time: Check = (v, path) =>
  typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(Date.parse(v))
    ? undefined
    : wrong(v, path, 'an ISO 8601 time such as 2026-12-07T09:30:00Z');
const nothing: Check = (v, path) => (v === null ? undefined : wrong(v, path, 'null'));

const optional =
  (check: Check): Check =>
  (v, path) =>
    v === undefined ? undefined : check(v, path);
const nullable =
  (check: Check): Check =>
  (v, path) =>
    v === null ? undefined : check(v, path);
const oneOf =
  (values: readonly string[]): Check =>
  (v, path) =>
    typeof v === 'string' && values.includes(v) ? undefined : wrong(v, path, `one of ${values.join(', ')}`);
const either =
  (expected: string, ...checks: Check[]): Check =>
  (v, path) =>
    checks.some((check) => check(v, path) === undefined) ? undefined : wrong(v, path, expected);

function arrayOf(check: Check): Check {
  return (v, path) => {
    if (!Array.isArray(v)) return wrong(v, path, 'a list');
    for (const [i, item] of v.entries()) {
      const problem = check(item, `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

function recordOf(check: Check): Check {
  return (v, path) => {
    if (!isObject(v)) return wrong(v, path, 'an object');
    for (const [key, item] of Object.entries(v)) {
      const problem = check(item, `${path}[${JSON.stringify(key)}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

function object(fields: Readonly<Record<string, Check>>): Check {
  return (v, path) => {
    if (!isObject(v)) return wrong(v, path, 'an object');
    for (const [field, check] of Object.entries(fields)) {
      const problem = check(v[field], path ? `${path}.${field}` : field);
      if (problem) return problem;
    }
    return undefined;
  };
}

const checkEvidence: Check = object({
  runId: string,
  s3drVersion: string,
  startedAt: time,
  endedAt: time,
  outcome: oneOf(['met', 'missed', 'interrupted', 'error']),
  deployment: object({
    suffix: nullable(string),
    account: nullable(string),
    region: string,
    replicaRegion: string,
    primaryBucket: string,
    replicaBucket: string,
    ruleIds: arrayOf(string),
    bidirectional: boolean,
    accessPoint: nullable(string),
    replicaObjectLock: nullable(object({ mode: oneOf(['GOVERNANCE', 'COMPLIANCE']), days: number })),
  }),
  settings: recordOf(
    either(
      'a number, string, true, false, null or a list of strings',
      number,
      string,
      boolean,
      nothing,
      arrayOf(string),
    ),
  ),
  stages: arrayOf(
    object({
      name: oneOf(STAGES),
      status: oneOf(['passed', 'failed', 'skipped', 'error', 'interrupted']),
      startedAt: optional(time),
      endedAt: optional(time),
      reason: optional(string),
      measurements: optional(
        recordOf(either('a number, string, true, false or null', number, string, boolean, nothing)),
      ),
    }),
  ),
  probes: arrayOf(
    object({
      stage: oneOf(STAGES),
      direction: oneOf(['forward', 'back']),
      key: string,
      writtenAt: time,
      seenAt: nullable(time),
      delaySeconds: nullable(number),
      interrupted: optional(boolean),
    }),
  ),
  events: arrayOf(
    object({
      at: time,
      kind: oneOf([
        'stage-start',
        'stage-end',
        'fault-start',
        'fault-end',
        'alarm',
        'route-change',
        'undo',
        'note',
      ]),
      detail: string,
    }),
  ),
  objectives: arrayOf(
    object({
      name: oneOf(OBJECTIVES),
      target_seconds: number,
      measured_seconds: nullable(number),
      met: boolean,
      reason: optional(string),
    }),
  ),
  undo: arrayOf(object({ action: string, done: boolean, at: optional(time), howToFinish: optional(string) })),
});

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as the error line shows it: short, and never a whole object. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
