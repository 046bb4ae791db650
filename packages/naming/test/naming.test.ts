import { deploymentNames, MAX_SUFFIX_LENGTH, replicaStackName, stackName } from '../src';

describe('naming contract', () => {
  test('the stack is TapStack followed by the suffix', () => {
    expect(stackName('dev')).toBe('TapStackdev');
  });

  test('bucket names carry the suffix and the account id', () => {
    const names = deploymentNames('dev', '123456789012');
    expect([names.primaryBucket, names.replicaBucket, names.accessLogsBucket]).toEqual([
      'primary-bucket-dev-123456789012',
      'replica-bucket-dev-123456789012',
      'access-logs-dev-123456789012',
    ]);
  });

  test('every name of a deployment carries its suffix', () => {
    for (const name of Object.values(deploymentNames('prod', '123456789012'))) {
      expect(name).toContain('prod');
    }
  });

  test('with the longest allowed suffix every bucket name fits in 63 characters, one more would not', () => {
    const longest = deploymentNames('a'.repeat(MAX_SUFFIX_LENGTH), '123456789012');
    const lengths = [
      longest.primaryBucket,
      longest.replicaBucket,
      longest.accessLogsBucket,
      longest.replicaAccessLogsBucket,
      longest.opsBucket,
    ].map((n) => n.length);
    expect(Math.max(...lengths)).toBe(63);
  });

  test('with the longest allowed suffix the role names fit in the 64 characters IAM allows', () => {
    const longest = deploymentNames('a'.repeat(MAX_SUFFIX_LENGTH), '123456789012');
    for (const role of [longest.replicationRole, longest.reverseReplicationRole, longest.batchRole]) {
      expect(role.length).toBeLessThanOrEqual(64);
    }
  });

  test('with the longest allowed suffix the access point name fits in 50 characters', () => {
    // Multi-Region Access Point names: 3-50 lowercase letters, digits and hyphens.
    const longest = deploymentNames('a'.repeat(MAX_SUFFIX_LENGTH), '123456789012');
    expect(longest.multiRegionAccessPoint).toMatch(/^[a-z0-9-]{3,50}$/);
  });

  test('the replica stack is the stack name followed by Replica', () => {
    expect(replicaStackName('dev')).toBe('TapStackdevReplica');
    expect(deploymentNames('dev', '123456789012').replicaStack).toBe('TapStackdevReplica');
  });

  test('with the longest allowed suffix the function and schedule names fit in the 64 characters Lambda and EventBridge allow', () => {
    const longest = deploymentNames('a'.repeat(MAX_SUFFIX_LENGTH), '123456789012');
    for (const name of [
      longest.canaryFunction,
      longest.eventsFunction,
      longest.reverseCanaryFunction,
      longest.canarySchedule,
      longest.reverseCanarySchedule,
    ]) {
      expect(name.length).toBeLessThanOrEqual(64);
    }
  });
});
