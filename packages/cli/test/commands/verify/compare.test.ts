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
