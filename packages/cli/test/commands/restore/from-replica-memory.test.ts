import {
  costCounter,
  describeFromReplica,
  type FromReplicaPlace,
} from '../../../src/commands/restore/from-replica';
import type { RestoreAction } from '../../../src/commands/restore/plan';

// The plan's promise about memory when streaming from the vault must hold for the versions planned:
// parts grow above 10,000 × 8 MiB (78 GiB), and each object in flight holds more than the parts it uploads.

const place: FromReplicaPlace = {
  replica: 'vault',
  replicaRegion: 'us-east-1',
  written: 'primary',
  writtenRegion: 'us-east-1',
  credentials: { replicaProfile: 'vault' },
  choice: { copy: 'stream', why: '--copy stream' },
  concurrency: 4,
};

function copyOf(size: number): RestoreAction {
  return {
    type: 'copy',
    key: 'k',
    targetKey: 'k',
    atT: { kind: 'version', versionId: 'v', lastModified: 0, size, etag: '"e"' } as RestoreAction['atT'],
    reason: 'differs from the version at T',
  };
}

function copyLine(sizes: readonly number[]): string {
  const cost = costCounter('stream');
  for (const size of sizes) cost.add(copyOf(size));
  return describeFromReplica(place, cost.total()).find((line) => line.startsWith('copy:')) ?? '';
}

test('GIVEN versions of at most 8 MiB WHEN streaming THEN the plan counts 4 parts of 8 MiB per object in flight', () => {
  expect(copyLine([8 * 1024 ** 2, 1024])).toContain(
    "in 8.0 MiB parts to s3://primary (us-east-1) with the primary's credentials; at most 4 objects in flight (--concurrency), 128.0 MiB of parts in memory at most (4 parts each)",
  );
});

test('GIVEN a version of 200 GiB WHEN streaming THEN the plan names its larger parts and the memory they take', () => {
  expect(copyLine([200 * 1024 ** 3, 1024])).toContain(
    "in 8.0 MiB parts (20.5 MiB for the largest version: 10,000 parts at most) to s3://primary (us-east-1) with the primary's credentials; at most 4 objects in flight (--concurrency), 327.7 MiB of parts in memory at most (4 parts each)",
  );
});
