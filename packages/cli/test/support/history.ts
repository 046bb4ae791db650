import type { Chunks } from '../../src/shared/chunks';
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

/** The histories in chunks of the given sizes, in turn, the last one repeated (0: an empty chunk). */
export async function* stream(
  histories: readonly KeyHistory[],
  sizes: readonly number[] = [1],
): Chunks<KeyHistory> {
  let at = 0;
  for (let n = 0; at < histories.length; n++) {
    const size = n < sizes.length ? (sizes[n] as number) : Math.max(1, sizes[sizes.length - 1] as number);
    yield histories.slice(at, at + size);
    at += size;
  }
}
