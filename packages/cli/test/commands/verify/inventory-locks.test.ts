import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { runCli } from '../../support/cli';
import { type InventoryRow, inventoryRow, putReports, type ReportedPair } from '../../support/inventory';
import { createBucket, createLockedBucket, motoS3 } from '../../support/versioned';

// verify --inventory --locks: the replica's versions checked against the replica bucket's default
// retention, read with GetObjectLockConfiguration from moto; the reports are written by the test.

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});

const DAY = 86_400_000;
const LAST_MODIFIED = Date.now() - 3 * DAY;

/** A pair whose replica has Object Lock, with a default retention of `days` (none: no default). */
async function lockedPair(days?: number): Promise<ReportedPair> {
  const [source, replica, destination] = await Promise.all([
    createBucket(s3, 'lck-src'),
    createLockedBucket(s3, 'lck-rep', days),
    createBucket(s3, 'lck-ops', 'none'),
  ]);
  return { source, replica, destination };
}

/** A replica version written LAST_MODIFIED, locked until `retainDays` after (none: no retain-until date). */
function replicaRow(
  key: string,
  retainDays: number | undefined,
  extra: Partial<InventoryRow> = {},
): InventoryRow {
  return inventoryRow(key, {
    lastModified: LAST_MODIFIED,
    replicationStatus: 'REPLICA',
    lockMode: 'COMPLIANCE',
    ...(retainDays === undefined ? {} : { retainUntil: LAST_MODIFIED + retainDays * DAY }),
    ...extra,
  });
}

/** The source's rows for the replica's (its current versions, without lock fields). */
function sourceRows(replica: InventoryRow[]): InventoryRow[] {
  return replica.map((r) => ({
    ...r,
    replicationStatus: 'COMPLETED',
    lockMode: undefined,
    retainUntil: undefined,
  }));
}

const verify = (p: ReportedPair, ...extra: string[]) =>
  runCli([
    '--source',
    p.source,
    '--replica',
    p.replica,
    'verify',
    '--inventory',
    '--engine',
    'local',
    ...extra,
  ]);

function reportLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .map((d) => `${d.kind} ${d.key}${d.versionId ? ` @${d.versionId}` : ''}`)
    .sort();
}

describe.each(['CSV', 'Parquet'] as const)('%s reports', (format) => {
  test('GIVEN replica versions without retention or retained less than the default WHEN verifying with --locks THEN each is reported as unlocked or retention-short (exit 1)', async () => {
    const p = await lockedPair(30);
    const replica = [
      replicaRow('ok.txt', 30),
      // Within the tolerance of a day: not reported.
      replicaRow('almost.txt', 29.5),
      replicaRow('short.txt', 10),
      replicaRow('no-mode.txt', 30, { lockMode: undefined }),
      replicaRow('no-date.txt', undefined),
      replicaRow('old.txt', undefined, { versionId: 'v1', isLatest: false, lockMode: undefined }),
      replicaRow('old.txt', 30, { versionId: 'v2' }),
      replicaRow('ü b+c%.txt', undefined, { lockMode: undefined }),
      replicaRow('gone.txt', undefined, { deleteMarker: true, lockMode: undefined }),
      replicaRow('_s3-dr/probe', undefined, { lockMode: undefined }),
    ];
    const locations = await putReports(s3, p, { source: sourceRows(replica), replica }, { format });
    const report = join(mkdtempSync(join(tmpdir(), 'lck-')), 'r.jsonl');

    const result = await verify(p, ...locations, '--locks', '--report', report, '--json');

    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout);
    expect(out.counts).toMatchObject({
      unlocked: 4,
      'retention-short': 1,
      missing: 0,
      mismatch: 0,
      extra: 0,
    });
    expect(out.locks).toEqual({ checked: 8, defaultRetention: 'COMPLIANCE, 30 days', minimumDays: 29 });
    expect(out.summary).toBe('FAIL: 0 missing, 0 mismatched, 4 unlocked, 1 retention-short');
    expect(reportLines(report)).toEqual([
      'retention-short short.txt @v-short.txt',
      'unlocked no-date.txt @v-no-date.txt',
      'unlocked no-mode.txt @v-no-mode.txt',
      'unlocked old.txt @v1',
      'unlocked ü b+c%.txt @v-ü b+c%.txt',
    ]);
    const short = JSON.parse(
      readFileSync(report, 'utf8')
        .split('\n')
        .find((l) => l.includes('retention-short')) as string,
    );
    expect(short.retention).toEqual({
      mode: 'COMPLIANCE',
      retainUntil: new Date(LAST_MODIFIED + 10 * DAY).toISOString(),
    });
    expect(short.detail).toBe(
      `COMPLIANCE until ${new Date(LAST_MODIFIED + 10 * DAY).toISOString()}, 10.0 days after its LastModifiedDate ${new Date(LAST_MODIFIED).toISOString()}: less than the replica's default retention (COMPLIANCE, 30 days)`,
    );
  });

  test('GIVEN every replica version retained at least the default WHEN verifying with --locks THEN OK, and the summary says what was checked', async () => {
    const p = await lockedPair(30);
    const replica = [replicaRow('a.txt', 30), replicaRow('b.txt', 365)];
    const locations = await putReports(s3, p, { source: sourceRows(replica), replica }, { format });

    const result = await verify(p, ...locations, '--locks');

    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toContain('  unlocked  0 (replica versions without a lock mode or retain-until date)');
    expect(lines.at(-2)).toBe(
      `locks: 2 replica versions checked for a lock mode and a retain-until date at least their LastModifiedDate + 30 days (${p.replica}'s default retention: COMPLIANCE, 30 days), less 1 day`,
    );
    expect(lines.at(-1)).toBe('OK: the replica holds every key of the source (2 keys compared)');
  });
});

test('GIVEN a replica with Object Lock but no default retention WHEN verifying with --locks THEN only versions without retention are reported, and the summary says no period was checked', async () => {
  const p = await lockedPair();
  const replica = [replicaRow('short.txt', 1), replicaRow('none.txt', undefined)];
  const locations = await putReports(s3, p, { source: sourceRows(replica), replica });

  const result = await verify(p, ...locations, '--locks', '--json');

  expect(result.code).toBe(1);
  const out = JSON.parse(result.stdout);
  expect(out.counts).toMatchObject({ unlocked: 1, 'retention-short': 0 });
  expect(out.differences).toEqual([expect.objectContaining({ kind: 'unlocked', key: 'none.txt' })]);
  expect(out.locks).toEqual({ checked: 2, defaultRetention: 'no default retention', minimumDays: null });
  const text = await verify(p, ...locations, '--locks');
  expect(text.stdout).toContain(
    `locks: 2 replica versions checked for a lock mode and retain-until date; ${p.replica} has Object Lock without a default retention, so no period was checked`,
  );
});

test('GIVEN --locks with --all-versions WHEN verifying THEN the lock findings are the same', async () => {
  const p = await lockedPair(30);
  const replica = [replicaRow('a.txt', 30), replicaRow('b.txt', 5)];
  const locations = await putReports(s3, p, { source: sourceRows(replica), replica }, { format: 'Parquet' });

  const result = await verify(p, ...locations, '--locks', '--all-versions', '--json');

  expect(result.code).toBe(1);
  expect(JSON.parse(result.stdout).counts).toMatchObject({ unlocked: 0, 'retention-short': 1, missing: 0 });
});

describe('--locks refused, exit 2, nothing written', () => {
  async function refused(p: ReportedPair, locations: string[], ...extra: string[]): Promise<string> {
    const report = join(mkdtempSync(join(tmpdir(), 'lck-')), 'r.jsonl');
    const result = await runCli([
      '--source',
      p.source,
      '--replica',
      p.replica,
      'verify',
      ...locations,
      '--report',
      report,
      ...extra,
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(existsSync(report)).toBe(false);
    const message = result.stderr.trim();
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }

  test('GIVEN a replica without Object Lock THEN it says so', async () => {
    const [source, replica, destination] = await Promise.all([
      createBucket(s3, 'lck-src'),
      createBucket(s3, 'lck-rep'),
      createBucket(s3, 'lck-ops', 'none'),
    ]);
    const p = { source, replica, destination };
    const rows = [replicaRow('a.txt', 30)];
    const locations = await putReports(s3, p, { source: sourceRows(rows), replica: rows });

    expect(await refused(p, locations, '--inventory', '--engine', 'local', '--locks')).toBe(
      `s3-dr: --locks: replica bucket ${replica} has no Object Lock, so none of its versions can be locked: deploy the pair with replicaObjectLock, or leave out --locks`,
    );
  });

  test("GIVEN a replica's report without the Object Lock fields THEN it names them", async () => {
    const p = await lockedPair(30);
    const rows = [replicaRow('a.txt', 30)];
    const locations = await putReports(
      s3,
      p,
      { source: sourceRows(rows), replica: rows },
      { lockFields: false },
    );

    expect(await refused(p, locations, '--inventory', '--engine', 'local', '--locks')).toMatch(
      /^s3-dr: --locks: the replica's report s3:\/\/.* lacks ObjectLockRetainUntilDate, ObjectLockMode: add them to .*'s inventory/,
    );
  });

  test('GIVEN --locks without --inventory THEN it asks for --inventory', async () => {
    const p = await lockedPair(30);

    expect(await refused(p, [], '--locks')).toBe(
      "s3-dr: --locks reads the replica's Object Lock fields from its S3 Inventory report: add --inventory",
    );
  });
});
