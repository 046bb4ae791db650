import type { KeyHistory, VersionEntry } from '../../src/shared/versions';

/** Builders of synthetic listings for the pure unit tests of the comparison and restore planning. */

export const T0 = Date.parse('2024-05-01T12:00:00Z');

/** A version written `seconds` after T0. */
export function version(
  key: string,
  versionId: string,
  seconds: number,
  content = versionId,
  extra: Partial<VersionEntry> = {},
): VersionEntry {
  return {
    kind: 'version',
    key,
    versionId,
    lastModified: T0 + seconds * 1000,
    isLatest: false,
    etag: `"${content}"`,
    size: content.length,
    storageClass: 'STANDARD',
    ...extra,
  };
}

/** A delete marker written `seconds` after T0. */
export function marker(key: string, versionId: string, seconds: number): VersionEntry {
  return { kind: 'marker', key, versionId, lastModified: T0 + seconds * 1000, isLatest: false };
}

/** A key's history from entries given newest first (the first becomes IsLatest). */
export function history(...entries: VersionEntry[]): KeyHistory {
  const key = entries[0]?.key ?? '';
  return { key, entries: entries.map((e, i) => ({ ...e, isLatest: i === 0 })) };
}

export async function* stream(...histories: KeyHistory[]): AsyncGenerator<KeyHistory> {
  yield* histories;
}
