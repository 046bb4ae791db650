import { backlogFinding, failedFinding, periodFrom } from '../../../src/commands/failover/readiness';

// The backlog verdict on its own: what each combination of ReplicationLatency and
// BytesPendingReplication datapoints (or their absence) lets failover claim.

const rule = { ruleId: 'replicate-all-x', source: 'p', destination: 'r', region: 'us-east-1' };
const at = new Date('2026-11-26T06:00:00Z');

test('GIVEN no datapoint at all THEN it passes, saying only that no backlog was seen', () => {
  const finding = backlogFinding('replication.backlog', rule, 60_000);
  expect(finding.status).toBe('PASS');
  expect(finding.message).toContain('no backlog was seen (not a proof that the rule works');
  expect(finding.message).not.toContain('nothing was replicating');
});

test('GIVEN bytes pending but no latency datapoint THEN it fails: a backlog it cannot size', () => {
  const finding = backlogFinding(
    'replication.backlog',
    { ...rule, pendingBytes: { value: 2048, at } },
    60_000,
  );
  expect(finding).toEqual({
    id: 'replication.backlog',
    status: 'FAIL',
    message:
      'rule replicate-all-x (p -> r, metrics in us-east-1): 2048 bytes pending replication at 2026-11-26T06:00:00.000Z, and no ReplicationLatency datapoint to tell how far behind',
  });
});

test('GIVEN zero bytes pending and no latency datapoint THEN it passes', () => {
  const finding = backlogFinding('replication.backlog', { ...rule, pendingBytes: { value: 0, at } }, 60_000);
  expect(finding.status).toBe('PASS');
});

test('GIVEN a latency above --max-lag THEN it fails; at the limit it passes', () => {
  expect(backlogFinding('b', { ...rule, latencySeconds: { value: 61, at } }, 60_000).status).toBe('FAIL');
  expect(backlogFinding('b', { ...rule, latencySeconds: { value: 60, at } }, 60_000).status).toBe('PASS');
});

test('GIVEN failed replication operations THEN the finding has the status asked for, the count and the way to replicate them', () => {
  const finding = failedFinding('replication.failed', { ...rule, failedOperations: 4 }, 'WARN');
  expect(finding).toEqual({
    id: 'replication.failed',
    status: 'WARN',
    message:
      'rule replicate-all-x (p -> r, metrics in us-east-1): 4 replication operations failed in the last 15m: up to 4 objects or delete markers may be missing from r; a Batch Replication job replicates them (s3-dr backfill --status failed, with p as the source)',
  });
  expect(failedFinding('reverse.failed', { ...rule, failedOperations: 1 }, 'FAIL')?.status).toBe('FAIL');
});

test('GIVEN failures counted since a failover WHEN judged THEN the window is named by that time', () => {
  const finding = failedFinding('reverse.failed', { ...rule, failedOperations: 2, failuresFrom: at }, 'FAIL');
  expect(finding?.message).toContain('2 replication operations failed since 2026-11-26T06:00:00.000Z');
});

test('GIVEN zero failed operations THEN it passes with the count', () => {
  expect(failedFinding('replication.failed', { ...rule, failedOperations: 0 }, 'FAIL')).toEqual({
    id: 'replication.failed',
    status: 'PASS',
    message:
      'rule replicate-all-x (p -> r, metrics in us-east-1): 0 failed replication operations in the last 15m',
  });
});

test('GIVEN no datapoint THEN it passes, saying only that no failure was seen', () => {
  const finding = failedFinding('replication.failed', rule, 'FAIL');
  expect(finding?.status).toBe('PASS');
  expect(finding?.message).toContain('no failure was seen');
  expect(finding?.message).toContain('not a proof');
});

test('GIVEN metrics that could not be read THEN there is no separate finding (the backlog check fails for both)', () => {
  expect(failedFinding('replication.failed', { ...rule, error: 'AccessDenied' }, 'FAIL')).toBeUndefined();
});

test('GIVEN how far back failures are counted THEN the period is the finest CloudWatch keeps for that age', () => {
  const now = new Date('2026-11-26T06:00:00Z');
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
  expect([1, 15, 16, 63, 64].map((d) => periodFrom(daysAgo(d), now))).toEqual([60, 60, 300, 300, 3600]);
});
