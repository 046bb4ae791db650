import { describeFiles } from '../../../src/commands/verify/inventory/download';
import type { InventoryReport } from '../../../src/commands/verify/inventory/reports';

const report = (sizes: number[]): InventoryReport => ({
  root: 's3://ops/inventory/src/cfg/',
  destinationBucket: 'ops',
  sourceBucket: 'src',
  folder: '2026-12-01T01-00Z',
  dt: '2026-12-01-01-00',
  createdAt: 0,
  format: 'CSV',
  fields: [],
  files: sizes.map((size, i) => ({ key: `data/${i}.csv.gz`, size, md5: '' })),
});

test('GIVEN a report of a few KiB WHEN describing its download THEN its size is in KiB, not 0.0 MiB', () => {
  expect(describeFiles(report([1024, 2048]))).toBe('2 files, 3.0 KiB');
});

test('GIVEN a report of several GiB WHEN describing its download THEN its size is in GiB', () => {
  expect(describeFiles(report([3 * 1024 ** 3]))).toBe('1 file, 3.0 GiB');
});
