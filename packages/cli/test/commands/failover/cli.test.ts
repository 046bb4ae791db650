import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorLines, runCliProcess } from '../../support/cli';
import { buildCrossRegion, PRIMARY_REGION, REPLICA_REGION } from '../../support/cross-region';

// The executable, as an operator runs it: usage errors and a deployment without an access point
// end before any route call (the route calls themselves are tested in failover.test.ts).

test('GIVEN no target WHEN failing over THEN it exits 2 with one line saying what names the deployment', async () => {
  const result = await runCliProcess(['failover', '--yes']);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    's3-dr: failover needs the deployment: --env <suffix>, --outputs <file>, or --source <bucket> --replica <bucket> --access-point <arn>; it moves the routes of its Multi-Region Access Point',
  ]);
});

test('GIVEN --source/--replica without --access-point WHEN failing back THEN it exits 2 before any request, saying to add --access-point', async () => {
  const result = await runCliProcess(['--source', 'a-bucket', '--replica', 'b-bucket', 'failback', '--yes']);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    's3-dr: failback with --source/--replica needs --access-point <arn> too (the stack output MultiRegionAccessPointArn): the buckets alone do not name the access point whose routes it moves',
  ]);
});

test('GIVEN --outputs without MultiRegionAccessPointArn WHEN failing over THEN it exits 2: no routes to move, use the replica bucket', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 's3-dr-outputs-')), 'o.json');
  writeFileSync(
    file,
    JSON.stringify({ PrimaryBucketArn: 'arn:aws:s3:::p-bucket', ReplicaBucketArn: 'arn:aws:s3:::r-bucket' }),
  );

  const result = await runCliProcess(['--outputs', file, 'failover']);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    `s3-dr: ${file} has no MultiRegionAccessPointArn output: the deployment has no Multi-Region Access Point, so there are no routes to move (point the applications at bucket r-bucket instead); --access-point <arn> names one`,
  ]);
});

test('GIVEN a typo WHEN failing over THEN it suggests the option', async () => {
  const result = await runCliProcess(['--env', 'dev', 'failover', '--forse']);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    "s3-dr: unknown option '--forse', did you mean --force? (run s3-dr failover --help)",
  ]);
});

test('GIVEN a --since without a zone WHEN failing back THEN it exits 2 before any request', async () => {
  const result = await runCliProcess(['--env', 'dev', 'failback', '--since', '2026-11-26T04:00:00']);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    "s3-dr: --since '2026-11-26T04:00:00' is not a valid point in time: it has no time zone: add Z for UTC or an offset such as +02:00",
  ]);
});

test('GIVEN a deployment without an access point WHEN failing over with --json THEN it exits 2 with the bucket and region to use, on stderr and as a JSON error', async () => {
  const d = await buildCrossRegion({ accessPoint: false });
  const message = `deployment ${d.suffix} has no Multi-Region Access Point (s3-dr-${d.suffix}), so there are no routes to move: to fail over, point the applications at bucket ${d.names.replicaBucket} in region ${REPLICA_REGION} (and back at ${d.names.primaryBucket} in region ${PRIMARY_REGION} afterwards)`;

  const result = await runCliProcess(['--env', d.suffix, '--json', 'failover', '--yes']);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([`s3-dr: ${message}`]);
  expect(JSON.parse(result.stdout)).toEqual({ error: { code: 'not-found', message, exitCode: 2 } });
});

test('GIVEN a deployment without an access point WHEN failing back THEN it exits 2 the same way', async () => {
  const d = await buildCrossRegion({ accessPoint: false });

  const result = await runCliProcess(['--env', d.suffix, 'failback', '--yes']);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)[0]).toContain(`has no Multi-Region Access Point (s3-dr-${d.suffix})`);
});

test('GIVEN an --access-point that is not an access point ARN WHEN failing over THEN it exits 2 before any request', async () => {
  const result = await runCliProcess([
    '--env',
    'dev',
    'failover',
    '--access-point',
    'arn:aws:s3:::my-bucket',
  ]);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    "s3-dr: --access-point 'arn:aws:s3:::my-bucket' is not a Multi-Region Access Point ARN: expected arn:aws:s3::<account>:accesspoint/<alias> (the stack output MultiRegionAccessPointArn)",
  ]);
});
