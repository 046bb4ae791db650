import { type CompareOptions, compareKey } from '../../../src/commands/verify/compare';
import { history, marker, T0, version } from '../../support/history';

// Pure unit tests of the verify engine on synthetic listings. moto cannot make a replica with the
// source's version ids, so --all-versions is tested here.

const NOW = T0 + 3_600_000;
const current: CompareOptions = { mode: 'current', graceMs: 15 * 60_000, now: NOW, etagsComparable: true };
const allVersions: CompareOptions = { ...current, mode: 'all-versions' };
const kinds = (diffs: readonly { kind: string }[]) => diffs.map((d) => d.kind);

describe('current state', () => {
  test('GIVEN the same content under different version ids WHEN compared THEN there is no difference', () => {
    expect(
      compareKey(history(version('k', 's1', 0, 'x')), history(version('k', 'r1', 5, 'x')), current),
    ).toEqual([]);
  });

  test('GIVEN the same ETag but another size in the replica WHEN compared THEN it is a mismatch', () => {
    // An ETag alone is not proof of the same content (not an MD5 under SSE-KMS): the sizes must match too.
    const replica = history(version('k', 'r1', 5, 'x', { size: 99 }));
    expect(kinds(compareKey(history(version('k', 's1', 0, 'x')), replica, current))).toEqual(['mismatch']);
  });

  test('GIVEN an old key absent from the replica WHEN compared THEN it is missing', () => {
    expect(kinds(compareKey(history(version('k', 's1', 0)), undefined, current))).toEqual(['missing']);
  });

  test('GIVEN a key written within the grace period and absent from the replica WHEN compared THEN it is pending', () => {
    const fresh = version('k', 's1', 3590);
    expect(kinds(compareKey(history(fresh), undefined, current))).toEqual(['pending']);
  });

  test('GIVEN a replica whose current entry is a delete marker WHEN compared THEN the key is missing', () => {
    const replica = history(marker('k', 'm', 10), version('k', 's1', 0));
    expect(kinds(compareKey(history(version('k', 's1', 0)), replica, current))).toEqual(['missing']);
  });

  test('GIVEN a key deleted in both WHEN compared THEN there is no difference', () => {
    const deleted = history(marker('k', 'm', 10), version('k', 's1', 0));
    expect(compareKey(deleted, deleted, current)).toEqual([]);
  });

  test('GIVEN a key deleted long ago in the source but present in the replica WHEN compared THEN it is extra', () => {
    const source = history(marker('k', 'm', 10), version('k', 's1', 0));
    expect(kinds(compareKey(source, history(version('k', 's1', 0)), current))).toEqual(['extra']);
  });

  test('GIVEN a key deleted in the source within the grace period WHEN compared THEN it is pending', () => {
    const source = history(marker('k', 'm', 3590), version('k', 's1', 0));
    expect(kinds(compareKey(source, history(version('k', 's1', 0)), current))).toEqual(['pending']);
  });

  test('GIVEN a key only in the replica WHEN compared THEN it is extra', () => {
    expect(kinds(compareKey(undefined, history(version('k', 'r1', 0)), current))).toEqual(['extra']);
  });

  test('GIVEN different sizes WHEN compared THEN it is a mismatch even where ETags are not comparable', () => {
    const options = { ...current, etagsComparable: false };
    const diffs = compareKey(
      history(version('k', 's', 0, 'abc')),
      history(version('k', 'r', 0, 'abcd')),
      options,
    );
    expect(kinds(diffs)).toEqual(['mismatch']);
  });

  test('GIVEN same size and different ETags WHEN ETags are comparable THEN it is a mismatch', () => {
    const diffs = compareKey(
      history(version('k', 's', 0, 'abc')),
      history(version('k', 'r', 0, 'xyz')),
      current,
    );
    expect(kinds(diffs)).toEqual(['mismatch']);
  });

  test('GIVEN same size and different ETags on SSE-KMS WHEN compared THEN it is only a hint', () => {
    const options = { ...current, etagsComparable: false };
    const diffs = compareKey(
      history(version('k', 's', 0, 'abc')),
      history(version('k', 'r', 0, 'xyz')),
      options,
    );
    expect(kinds(diffs)).toEqual(['hint']);
  });

  test('GIVEN a replica still holding the previous version WHEN the source changed within grace THEN it is pending', () => {
    const source = history(version('k', 's2', 3590, 'new!'), version('k', 's1', 0, 'old'));
    expect(kinds(compareKey(source, history(version('k', 's1', 0, 'old')), current))).toEqual(['pending']);
  });
});

describe('all versions', () => {
  test('GIVEN the same versions and delete markers by id WHEN compared THEN there is no difference', () => {
    const h = history(marker('k', 'm', 20), version('k', 'v2', 10), version('k', 'v1', 0));
    expect(compareKey(h, h, allVersions)).toEqual([]);
  });

  test('GIVEN an old version missing in the replica WHEN compared THEN that version id is missing', () => {
    const source = history(version('k', 'v2', 10), version('k', 'v1', 0));
    const diffs = compareKey(source, history(version('k', 'v2', 10)), allVersions);
    expect(diffs.map((d) => [d.kind, d.versionId])).toEqual([['missing', 'v1']]);
  });

  test('GIVEN a delete marker not replicated WHEN compared THEN the marker is missing', () => {
    const source = history(marker('k', 'm', 10), version('k', 'v1', 0));
    const diffs = compareKey(source, history(version('k', 'v1', 0)), allVersions);
    expect(diffs.map((d) => [d.kind, d.versionId, d.detail])).toEqual([
      ['missing', 'm', 'delete marker not in the replica'],
    ]);
  });

  test('GIVEN a version id that is a marker on one side and a version on the other WHEN compared THEN it is a mismatch', () => {
    const diffs = compareKey(history(marker('k', 'x', 0)), history(version('k', 'x', 0)), allVersions);
    expect(kinds(diffs)).toEqual(['mismatch']);
  });

  test('GIVEN a version with other content under the same id WHEN compared THEN it is a mismatch', () => {
    const diffs = compareKey(
      history(version('k', 'v1', 0, 'abc')),
      history(version('k', 'v1', 0, 'abd')),
      allVersions,
    );
    expect(diffs.map((d) => [d.kind, d.versionId])).toEqual([['mismatch', 'v1']]);
  });

  test('GIVEN a version only in the replica WHEN compared THEN it is extra', () => {
    const diffs = compareKey(
      history(version('k', 'v1', 0)),
      history(version('k', 'v9', 5), version('k', 'v1', 0)),
      allVersions,
    );
    expect(diffs.map((d) => [d.kind, d.versionId])).toEqual([['extra', 'v9']]);
  });

  test('GIVEN a version written within the grace period WHEN absent from the replica THEN it is pending', () => {
    const diffs = compareKey(
      history(version('k', 'v2', 3590), version('k', 'v1', 0)),
      history(version('k', 'v1', 0)),
      allVersions,
    );
    expect(kinds(diffs)).toEqual(['pending']);
  });
});

describe('what each difference says (as reports write it)', () => {
  const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
  /** Written `ago` seconds before NOW. */
  const written = (ago: number) => 3600 - ago;

  test('GIVEN a current key the replica has no version of WHEN compared THEN it is missing, with the source state only', () => {
    expect(compareKey(history(version('k', 's1', 0, 'abc')), undefined, current)).toEqual([
      {
        kind: 'missing',
        key: 'k',
        detail: 'current in the source, the replica has no version of it',
        source: { versionId: 's1', deleteMarker: false, size: 3, etag: '"abc"', lastModified: at(0) },
        replica: undefined,
      },
    ]);
  });

  test.each([
    [
      'a delete marker over a version',
      [marker('k', 'm', 10), version('k', 'r1', 0)],
      'current in the source, a delete marker in the replica hides it (1 version of the key under the marker)',
    ],
    [
      'a delete marker over two versions',
      [marker('k', 'm', 10), version('k', 'r2', 5), version('k', 'r1', 0)],
      'current in the source, a delete marker in the replica hides it (2 versions of the key under the marker)',
    ],
    [
      'only a delete marker',
      [marker('k', 'm', 10)],
      'current in the source, the replica has only a delete marker for it (no version)',
    ],
  ])(
    'GIVEN a current key and, in the replica, %s WHEN compared THEN it is missing, saying so, with the marker as the replica state',
    (_, entries, detail) => {
      expect(compareKey(history(version('k', 's1', 0, 'abc')), history(...entries), current)).toEqual([
        expect.objectContaining({
          kind: 'missing',
          detail,
          replica: { versionId: 'm', deleteMarker: true, lastModified: at(10) },
        }),
      ]);
    },
  );

  test('GIVEN a key written 10 s ago that the replica shows deleted WHEN compared THEN it is pending, with both states', () => {
    const replica = history(marker('k', 'm', 5));
    expect(compareKey(history(version('k', 's1', written(10), 'ab')), replica, current)).toEqual([
      {
        kind: 'pending',
        key: 'k',
        detail: 'written 10s ago, the replica shows it deleted yet',
        source: {
          versionId: 's1',
          deleteMarker: false,
          size: 2,
          etag: '"ab"',
          lastModified: at(written(10)),
        },
        replica: { versionId: 'm', deleteMarker: true, lastModified: at(5) },
      },
    ]);
  });

  test('GIVEN ages on both sides of two minutes WHEN a pending difference is described THEN seconds below 120, minutes from 120', () => {
    const detail = (ago: number) =>
      compareKey(history(version('k', 's', written(ago))), undefined, current)[0]?.detail;
    expect([119, 120, 300].map(detail)).toEqual([
      'written 119s ago, the replica has no version of it yet',
      'written 2m ago, the replica has no version of it yet',
      'written 5m ago, the replica has no version of it yet',
    ]);
  });

  test('GIVEN a key deleted 30 s ago in the source and still in the replica WHEN compared THEN it is pending', () => {
    const source = history(marker('k', 'm', written(30)), version('k', 's1', 0));
    expect(compareKey(source, history(version('k', 's1', 0)), current)).toEqual([
      expect.objectContaining({
        kind: 'pending',
        detail: 'deleted 30s ago in the source, not yet in the replica',
      }),
    ]);
  });

  test('GIVEN keys only in the replica, deleted or never written in the source WHEN compared THEN each is extra, saying which', () => {
    const replica = history(version('k', 'r1', 0));
    expect(compareKey(history(marker('k', 'm', 10)), replica, current)[0]?.detail).toBe(
      'deleted in the source, present in the replica',
    );
    expect(compareKey(undefined, replica, current)).toEqual([
      expect.objectContaining({
        kind: 'extra',
        key: 'k',
        detail: 'present in the replica only (absent or deleted in the source)',
      }),
    ]);
  });

  test('GIVEN an old size difference WHEN compared THEN it is a mismatch naming both sizes; a young one is pending', () => {
    const replica = history(version('k', 'r1', 0, 'abcd'));
    expect(compareKey(history(version('k', 's1', 0, 'ab')), replica, current)[0]).toMatchObject({
      kind: 'mismatch',
      detail: 'size 2 in the source, 4 in the replica',
    });
    expect(compareKey(history(version('k', 's1', written(10), 'ab')), replica, current)[0]).toMatchObject({
      kind: 'pending',
      detail: 'written 10s ago; size 2 in the source, 4 in the replica',
    });
  });

  test('GIVEN a young ETag-only difference on SSE-KMS buckets WHEN compared THEN it stays a hint, saying why', () => {
    const kms = { ...current, etagsComparable: false };
    const replica = history(version('k', 'r1', 0, 'xy'));
    expect(compareKey(history(version('k', 's1', written(10), 'ab')), replica, kms)).toEqual([
      expect.objectContaining({
        kind: 'hint',
        detail: 'same size, different ETags: expected with SSE-KMS (ETags are not MD5 digests there)',
      }),
    ]);
  });

  test('GIVEN every version only on one side WHEN compared by id THEN the other side may be absent', () => {
    const h = history(version('k', 'v1', 0), marker('k', 'm1', 0));
    expect(kinds(compareKey(h, undefined, allVersions))).toEqual(['missing', 'missing']);
    expect(kinds(compareKey(undefined, h, allVersions))).toEqual(['extra', 'extra']);
  });

  test('GIVEN a version and a delete marker missing from the replica WHEN compared by id THEN each says what it is, with no replica state', () => {
    const source = history(marker('k', 'm1', 10), version('k', 'v1', 0, 'abc'));
    expect(compareKey(source, history(), allVersions)).toEqual([
      {
        kind: 'missing',
        key: 'k',
        versionId: 'm1',
        detail: 'delete marker not in the replica',
        source: { versionId: 'm1', deleteMarker: true, lastModified: at(10) },
        replica: undefined,
      },
      {
        kind: 'missing',
        key: 'k',
        versionId: 'v1',
        detail: 'version not in the replica',
        source: { versionId: 'v1', deleteMarker: false, size: 3, etag: '"abc"', lastModified: at(0) },
        replica: undefined,
      },
    ]);
  });

  test('GIVEN a version exactly as old as the grace period WHEN compared by id THEN it is missing, not pending', () => {
    const source = history(version('k', 'v1', written(15 * 60)));
    expect(kinds(compareKey(source, history(), allVersions))).toEqual(['missing']);
    const younger = history(version('k', 'v1', written(15 * 60 - 1)));
    expect(compareKey(younger, history(), allVersions)[0]?.detail).toBe(
      'version written 15m ago, not yet in the replica',
    );
  });

  test('GIVEN a version id that is a version in one bucket and a delete marker in the other WHEN compared by id THEN the mismatch names both', () => {
    const source = history(version('k', 'x', 0));
    const replica = history(marker('k', 'x', 0));
    expect(compareKey(source, replica, allVersions)[0]).toMatchObject({
      kind: 'mismatch',
      detail: 'a version in the source, a delete marker in the replica',
      replica: { versionId: 'x', deleteMarker: true, lastModified: at(0) },
    });
  });

  test('GIVEN a delete marker in the source and a version of that id in the replica, and a version only in the replica WHEN compared by id THEN each is named as what it is', () => {
    const source = history(marker('k', 'x', 0));
    const replica = history(version('k', 'x', 0), version('k', 'r2', 0));
    expect(compareKey(source, replica, allVersions).map((d) => d.detail)).toEqual([
      'a delete marker in the source, a version in the replica',
      'version in the replica only',
    ]);
  });

  test('GIVEN a delete marker only in the replica WHEN compared by id THEN it is extra, named as a delete marker', () => {
    expect(compareKey(undefined, history(marker('k', 'm9', 0)), allVersions)).toEqual([
      {
        kind: 'extra',
        key: 'k',
        versionId: 'm9',
        detail: 'delete marker in the replica only',
        replica: { versionId: 'm9', deleteMarker: true, lastModified: at(0) },
      },
    ]);
  });
});
