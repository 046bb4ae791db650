import { backlogFinding } from '../../../src/commands/failover/readiness';

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
