import type { DeleteMarkerEntry, ObjectVersion } from '@aws-sdk/client-s3';
import type { WithKeyAndTime } from '../../src/shared/objects';
import { elementKinds, orderPage } from '../../src/shared/versions';

// How one ListObjectVersions page becomes one ordered list of entries.

const at = (s: number) => new Date(Date.UTC(2024, 4, 1, 12, 0, s));
const v = (key: string, id: string, s: number, latest = false): WithKeyAndTime<ObjectVersion> => ({
  Key: key,
  VersionId: id,
  LastModified: at(s),
  IsLatest: latest,
  ETag: '"e"',
  Size: 1,
});
const m = (key: string, id: string, s: number, latest = false): WithKeyAndTime<DeleteMarkerEntry> => ({
  Key: key,
  VersionId: id,
  LastModified: at(s),
  IsLatest: latest,
});
const ids = (entries: readonly { versionId: string }[]) => entries.map((e) => e.versionId);

test('GIVEN the raw XML order of a page WHEN read THEN versions and delete markers keep their sequence', () => {
  const xml =
    '<ListVersionsResult><VersionIdMarker></VersionIdMarker><Version><VersionId>a</VersionId></Version><DeleteMarker></DeleteMarker><Version></Version></ListVersionsResult>';
  expect(elementKinds(xml)).toEqual(['version', 'marker', 'version']);
});

test('GIVEN a version and a marker in the same second WHEN S3 interleaved them THEN that order is kept', () => {
  // put v1, delete, put v2, delete again, all in one second: only the XML order tells.
  const page = orderPage(
    [v('k', 'v2', 0), v('k', 'v1', 0)],
    [m('k', 'm2', 0, true), m('k', 'm1', 0)],
    ['marker', 'version', 'marker', 'version'],
  );
  expect(ids(page)).toEqual(['m2', 'v2', 'm1', 'v1']);
});

test('GIVEN no XML order WHEN merging THEN keys sort first, then newer timestamps, then the latest entry', () => {
  const page = orderPage([v('a', 'a1', 5, true), v('b', 'b1', 1)], [m('a', 'am', 3), m('b', 'bm', 2, true)]);
  expect(ids(page)).toEqual(['a1', 'am', 'bm', 'b1']);
});

test('GIVEN no XML order and a tie between a version and a marker WHEN merging THEN both are flagged as of unknown order', () => {
  // "delete, then write" and "write, then delete" within one second list alike without the XML order.
  const page = orderPage([v('k', 'new', 0, true), v('k', 'old', 0)], [m('k', 'm', 0)]);
  expect(page.map((e) => [e.versionId, e.orderUnknown === true])).toEqual([
    ['new', false],
    ['m', true],
    ['old', true],
  ]);
});

test('GIVEN S3 interleaved a tie WHEN zipping the XML order THEN nothing is flagged', () => {
  const page = orderPage(
    [v('k', 'new', 0, true), v('k', 'old', 0)],
    [m('k', 'm', 0)],
    ['version', 'marker', 'version'],
  );
  expect(page.some((e) => e.orderUnknown)).toBe(false);
});

test('GIVEN an XML order of all versions before all markers WHEN merging THEN timestamps decide instead', () => {
  // moto lists every <Version> before every <DeleteMarker>; zipping that would put c1 before bm.
  const page = orderPage(
    [v('a', 'a1', 0, true), v('c', 'c1', 0, true)],
    [m('b', 'bm', 0, true)],
    ['version', 'version', 'marker'],
  );
  expect(ids(page)).toEqual(['a1', 'bm', 'c1']);
});

test('GIVEN an XML order that contradicts key order WHEN merging THEN it is ignored', () => {
  const page = orderPage(
    [v('a', 'a1', 0, true), v('b', 'b1', 0, true)],
    [m('c', 'cm', 0, true)],
    ['marker', 'version', 'version'],
  );
  expect(ids(page)).toEqual(['a1', 'b1', 'cm']);
});

test.each([
  // m (3 s) zipped before v2 (3 s, latest): the latest entry must come first.
  [
    'puts the latest entry after another',
    [v('k', 'v2', 3, true)],
    [m('k', 'm', 3)],
    ['marker', 'version'],
    ['v2', 'm'],
  ],
  // v1 (5 s) zipped after m (1 s): a key's entries must not get newer down the list.
  [
    'puts a newer entry after an older one',
    [v('k', 'v3', 9, true), v('k', 'v1', 5)],
    [m('k', 'm', 1)],
    ['version', 'marker', 'version'],
    ['v3', 'v1', 'm'],
  ],
])(
  'GIVEN an XML order that %s within a key WHEN merging THEN it is ignored',
  (_, versions, markers, kinds, expected) => {
    expect(ids(orderPage(versions, markers, kinds as ('version' | 'marker')[]))).toEqual(expected);
  },
);

test('GIVEN no XML order WHEN merging a version and a delete marker that are neither the latest THEN the newer one comes first', () => {
  const page = orderPage([v('k', 'v2', 5), v('k', 'v1', 1)], [m('k', 'latest', 9, true), m('k', 'm', 3)]);
  expect(ids(page)).toEqual(['latest', 'v2', 'm', 'v1']);
});

test('GIVEN an XML order of all versions before all markers and a tie WHEN merging THEN the tie is flagged, the order not trusted', () => {
  // Zipped as listed (v2, v1, m) the page would look plausible, but such a server says nothing
  // about the order of v1 and m, written in the same second.
  const page = orderPage(
    [v('k', 'v2', 5, true), v('k', 'v1', 3)],
    [m('k', 'm', 3)],
    ['version', 'version', 'marker'],
  );
  expect(page.map((e) => [e.versionId, e.orderUnknown === true])).toEqual([
    ['v2', false],
    ['m', true],
    ['v1', true],
  ]);
});
