import { errorLines, runCliProcess } from '../../support/cli';
import { buildCrossRegion, PRIMARY_REGION, REPLICA_REGION } from '../../support/cross-region';

// The executable, as an operator runs it: usage errors and a deployment without an access point
// end before any route call (the route calls themselves are tested in failover.test.ts).

test('GIVEN no --env WHEN failing over THEN it exits 2 with one line saying what names the access point', async () => {
  const result = await runCliProcess(['failover', '--yes']);

  expect(result.code).toBe(2);
  expect(errorLines(result.stderr)).toEqual([
    "s3-dr: failover needs --env <suffix>: it moves the routes of the deployment's Multi-Region Access Point (s3-dr-<suffix>)",
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
