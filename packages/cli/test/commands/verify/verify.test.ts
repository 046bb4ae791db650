import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutBucketEncryptionCommand, S3Client } from '@aws-sdk/client-s3';
import { runCli } from '../../support/cli';
import { createBucket, motoS3, put, remove } from '../../support/versioned';

// verify against moto_server through the real CLI entry. moto cannot replicate, so the "replica"
// is a second bucket written by the test (its version ids differ from the source's: the current-
// state mode compares content, not ids). --grace 0 makes every difference count at once.

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});

/** Two buckets holding the same `files`. */
async function pair(files: Record<string, string>): Promise<{ source: string; replica: string }> {
  const [source, replica] = await Promise.all([createBucket(s3, 'vf-src'), createBucket(s3, 'vf-rep')]);
  for (const [key, body] of Object.entries(files)) {
    await Promise.all([put(s3, source, key, body), put(s3, replica, key, body)]);
  }
  return { source, replica };
}

const verify = (p: { source: string; replica: string }, ...extra: string[]) =>
  runCli(['--source', p.source, '--replica', p.replica, 'verify', ...extra]);

const FILES = { 'a.txt': 'alpha', 'b/c.txt': 'beta', 'd.txt': 'delta' };

test('GIVEN identical buckets WHEN verifying THEN it exits 0 and reports OK', async () => {
  const p = await pair(FILES);

  const result = await verify(p, '--grace', '0');

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('OK: the replica holds every key of the source');
});

test('GIVEN a key missing in the replica WHEN verifying THEN it exits 1 and names the key as missing', async () => {
  const p = await pair(FILES);
  await put(s3, p.source, 'only-in-source.txt', 'x');

  const result = await verify(p, '--grace', '0', '--json');

  expect(result.code).toBe(1);
  expect(JSON.parse(result.stdout)).toMatchObject({
    ok: false,
    counts: { missing: 1, mismatch: 0, pending: 0, extra: 0 },
    differences: [{ kind: 'missing', key: 'only-in-source.txt' }],
  });
});

test('GIVEN a key deleted in the source but not in the replica WHEN verifying THEN it is extra and the exit code 0', async () => {
  const p = await pair(FILES);
  await remove(s3, p.source, 'a.txt');

  const result = await verify(p, '--grace', '0', '--json');

  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout).differences).toEqual([
    expect.objectContaining({ kind: 'extra', key: 'a.txt' }),
  ]);
});

test('GIVEN keys deleted in the source but not in the replica WHEN verifying THEN a note says how a restore brings them back, with the target flags given, before the verdict, exit 0', async () => {
  const p = await pair(FILES);
  await Promise.all([remove(s3, p.source, 'a.txt'), remove(s3, p.source, 'd.txt')]);

  const result = await verify(p, '--grace', '0');

  expect(result.code).toBe(0);
  const restore = `s3-dr restore --source ${p.source} --replica ${p.replica}`;
  expect(result.stdout.trim().split('\n').slice(-2)).toEqual([
    `note: 2 keys only in the replica (deleted in the source, or a delete not replicated yet): if deleted by mistake, ${restore} --bucket primary --to <a time before the deletes> brings them back from the source's versions, ${restore} --from replica --to <that time> from the replica's`,
    'WARN: no key missing for longer than 0ms, no mismatch; 2 extra',
  ]);
});

test('GIVEN a version only in the replica WHEN verifying --all-versions THEN the note says only the replica versions bring it back', async () => {
  const p = await pair({});
  await put(s3, p.replica, 'gone.txt', 'deleted from the source by version id');

  const result = await verify(p, '--grace', '0', '--all-versions');

  expect(result.code).toBe(0);
  expect(result.stdout.trim().split('\n').slice(-2)).toEqual([
    `note: 1 version only in the replica (deleted from the source by version id or by a lifecycle expiration, neither of which is replicated; or written to the replica only): if deleted by mistake, only the replica's versions bring them back: s3-dr restore --source ${p.source} --replica ${p.replica} --from replica --to <a time before the deletes> restores each key's state at that time from them`,
    'WARN: no version missing for longer than 0ms, no mismatch; 1 extra',
  ]);
});

test('GIVEN a key deleted in both buckets WHEN verifying THEN it is no difference', async () => {
  const p = await pair(FILES);
  await Promise.all([remove(s3, p.source, 'a.txt'), remove(s3, p.replica, 'a.txt')]);

  const result = await verify(p, '--grace', '0');

  expect(result.code).toBe(0);
});

test('GIVEN a key with other content in the replica WHEN verifying THEN it exits 1 with a mismatch', async () => {
  const p = await pair(FILES);
  await put(s3, p.replica, 'b/c.txt', 'BETA');

  const result = await verify(p, '--grace', '0', '--json');

  expect(result.code).toBe(1);
  expect(JSON.parse(result.stdout).differences).toEqual([
    expect.objectContaining({ kind: 'mismatch', key: 'b/c.txt', detail: expect.stringMatching(/^ETag /) }),
  ]);
});

test('GIVEN a key of another size in the replica WHEN verifying THEN the mismatch names the sizes', async () => {
  const p = await pair(FILES);
  await put(s3, p.replica, 'b/c.txt', 'longer beta');

  const result = await verify(p, '--grace', '0', '--json');

  expect(JSON.parse(result.stdout).differences[0].detail).toBe('size 4 in the source, 11 in the replica');
});

test('GIVEN a key deleted in the replica only WHEN verifying THEN it is missing, saying that a delete marker hides its version there, and the report records that marker', async () => {
  const p = await pair(FILES);
  await remove(s3, p.replica, 'a.txt');
  await remove(s3, p.replica, 'd.txt');
  await put(s3, p.source, 'never.txt', 'n');
  const report = join(mkdtempSync(join(tmpdir(), 's3dr-')), 'hidden.jsonl');

  const text = await verify(p, '--grace', '0', '--report', report);

  expect(text.code).toBe(1);
  expect(text.stdout).toContain('  missing   3 (2 of them hidden by a delete marker in the replica)');
  expect(text.stdout).toContain(
    '  missing   "a.txt": current in the source, a delete marker in the replica hides it (1 version of the key under the marker)',
  );
  expect(text.stdout).toContain(
    '  missing   "never.txt": current in the source, the replica has no version of it',
  );
  const lines = readFileSync(report, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines.map((l) => [l.key, l.replica?.deleteMarker ?? null])).toEqual([
    ['a.txt', true],
    ['d.txt', true],
    ['never.txt', null],
  ]);
});

test('GIVEN a key only in the replica WHEN verifying THEN it is reported as extra and the exit code is 0', async () => {
  const p = await pair(FILES);
  await put(s3, p.replica, 'stray.txt', 'x');

  const result = await verify(p, '--grace', '0', '--json');

  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout).counts).toMatchObject({ extra: 1, missing: 0 });
});

test('GIVEN a key written seconds ago and not yet in the replica WHEN verifying with the default grace THEN it is pending, exit 0', async () => {
  const p = await pair(FILES);
  await put(s3, p.source, 'fresh.txt', 'x');

  const result = await verify(p, '--json');

  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({
    ok: false,
    verdict: 'unsettled',
    differences: [expect.objectContaining({ kind: 'pending', key: 'fresh.txt' })],
  });
});

test('GIVEN keys pending and extra WHEN verifying THEN the last line says exactly what holds and counts them, never OK', async () => {
  const p = await pair(FILES);
  await put(s3, p.source, 'fresh.txt', 'x');
  await put(s3, p.replica, 'stray.txt', 'x');

  const result = await verify(p);

  expect(result.code).toBe(0);
  expect(result.stdout).not.toMatch(/^OK/m);
  expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
    'WARN: no key missing for longer than 15m, no mismatch; 1 pending, 1 extra',
  );
});

test('GIVEN a pending key WHEN verifying with --strict THEN it exits 1 and says why', async () => {
  const p = await pair(FILES);
  await put(s3, p.source, 'fresh.txt', 'x');

  const result = await verify(p, '--strict');

  expect(result.code).toBe(1);
  expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
    'FAIL (--strict): no key missing for longer than 15m, no mismatch; 1 pending',
  );
});

test('GIVEN an extra key WHEN verifying with --strict THEN it exits 1', async () => {
  const p = await pair(FILES);
  await put(s3, p.replica, 'stray.txt', 'x');

  const result = await verify(p, '--grace', '0', '--strict');

  expect(result.code).toBe(1);
});

test('GIVEN a --prefix that matches nothing WHEN verifying THEN it warns, says nothing was verified and exits 1', async () => {
  const p = await pair(FILES);

  const result = await verify(p, '--grace', '0', '--prefix', 'B/');

  expect(result.code).toBe(1);
  expect(result.stdout.trimEnd().split('\n').slice(-2)).toEqual([
    "WARN: no key under 'B/' in either bucket: check --prefix (prefixes are case-sensitive, without wildcards)",
    'NOTHING VERIFIED: 0 keys compared',
  ]);
});

test('GIVEN one key WHEN verifying THEN counts read in the singular', async () => {
  const p = await pair({ 'only.txt': 'x' });

  const result = await verify(p, '--grace', '0');

  expect(result.stdout).toContain('\n1 key compared\n');
  expect(result.stdout).toContain('OK: the replica holds every key of the source (1 key compared)');
});

test('GIVEN differences outside --prefix WHEN verifying with --prefix THEN only keys under it are compared', async () => {
  const p = await pair(FILES);
  await put(s3, p.source, 'other/missing.txt', 'x');

  const result = await verify(p, '--grace', '0', '--prefix', 'b/', '--json');

  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ keys: 1, counts: { missing: 0 } });
});

test('GIVEN keys with spaces, unicode, +, % and emoji WHEN verifying THEN they match and a missing one is named exactly', async () => {
  const keys = ['a b.txt', 'plus+sign', '100%/done', 'ünï/cødé', 'emoji-😀', 'emoji-\uE000'];
  const p = await pair(Object.fromEntries(keys.map((k) => [k, k])));
  await put(s3, p.source, 'new 😀+%.txt', 'x');

  const result = await verify(p, '--grace', '0', '--json');

  expect(JSON.parse(result.stdout)).toMatchObject({
    keys: keys.length + 1,
    counts: { missing: 1, mismatch: 0, extra: 0 },
    differences: [{ kind: 'missing', key: 'new 😀+%.txt' }],
  });
});

test('GIVEN ETags that differ for the same size on an SSE-KMS replica WHEN verifying THEN it is a hint, not a mismatch', async () => {
  const p = await pair(FILES);
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: p.replica,
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/replica' },
          },
        ],
      },
    }),
  );
  await put(s3, p.replica, 'b/c.txt', 'BETA');

  const result = await verify(p, '--grace', '0', '--json');

  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({
    counts: { mismatch: 0, hint: 1 },
    etagsComparable: false,
  });
});

test('GIVEN a probe under _s3-dr/ in the source only WHEN verifying THEN it is skipped unless --include-reserved', async () => {
  const p = await pair(FILES);
  await put(s3, p.source, '_s3-dr/probe/1', 'probe');

  const skipped = await verify(p, '--grace', '0');
  const included = await verify(p, '--grace', '0', '--include-reserved');

  expect([skipped.code, included.code]).toEqual([0, 1]);
});

test('GIVEN differences WHEN verifying with --report THEN the file holds one JSON line per difference', async () => {
  const p = await pair(FILES);
  await put(s3, p.source, 'missing.txt', 'x');
  await put(s3, p.replica, 'a.txt', 'ALPHA');
  const report = join(mkdtempSync(join(tmpdir(), 's3dr-')), 'verify.jsonl');

  await verify(p, '--grace', '0', '--report', report);

  const lines = readFileSync(report, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines.map((l) => [l.kind, l.key])).toEqual([
    ['mismatch', 'a.txt'],
    ['missing', 'missing.txt'],
  ]);
});

test('GIVEN Ctrl-C during the listing WHEN verifying THEN it stops, says the result is incomplete and exits 1', async () => {
  const p = await pair(FILES);
  const original = S3Client.prototype.send;
  const jestHandlers = new Set(process.listeners('SIGINT'));
  let pressed = false;
  jest.spyOn(S3Client.prototype, 'send').mockImplementation(function (this: S3Client, ...args: unknown[]) {
    if (args[0] instanceof ListObjectsV2Command && !pressed) {
      pressed = true; // once: a second Ctrl-C quits at once
      for (const handler of process.listeners('SIGINT'))
        if (!jestHandlers.has(handler)) (handler as () => void)();
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
  });

  const result = await verify(p, '--grace', '0');

  jest.restoreAllMocks();
  expect(result.code).toBe(1);
  expect(result.stdout).toContain('INCOMPLETE: interrupted before every key was compared');
});

test('GIVEN buckets written independently WHEN verifying --all-versions THEN versions are matched by id, not content', async () => {
  // moto cannot replicate with the source's version ids: every source version is missing here.
  const p = await pair({ 'a.txt': 'alpha' });

  const result = await verify(p, '--grace', '0', '--all-versions', '--json');

  expect(result.code).toBe(1);
  expect(JSON.parse(result.stdout)).toMatchObject({ mode: 'all-versions', counts: { missing: 1, extra: 1 } });
});

test('GIVEN as few differences as the list shows WHEN verifying THEN they are listed without asking for --report', async () => {
  const p = await pair(FILES);
  for (const key of ['m1.txt', 'm2.txt', 'm3.txt']) await put(s3, p.source, key, 'x');

  const result = await verify(p, '--grace', '0');

  expect(result.stdout).toContain('\ndifferences:\n  missing   "m1.txt"');
  expect(result.stdout).not.toContain('pass --report');
});

test('GIVEN more differences than the list shows WHEN verifying THEN it says they are the first ones and how to get all', async () => {
  const p = await pair(FILES);
  for (let i = 0; i < 21; i++) await put(s3, p.source, `m${String(i).padStart(2, '0')}.txt`, 'x');

  const result = await verify(p, '--grace', '0');

  expect(result.stdout).toContain('\ndifferences (first 20; pass --report <file> for all):\n');
});
