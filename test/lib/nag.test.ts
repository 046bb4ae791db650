import type { PolicyViolation } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { synthTap } from '../support/tap';

/** One line per finding and resource, `rule path`, so a failure shows what and where. */
function findings(violations: PolicyViolation[]): string[] {
  return violations
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`))
    .sort();
}

describe('cdk-nag', () => {
  test('AwsSolutionsChecks report no unacknowledged findings on the whole app', () => {
    const { app, stack } = synthTap({ context: { alarmEmail: 'oncall@example.com' } });
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    expect(findings(report.violations)).toEqual([]);
  });

  test.each([
    ['cross-region', { replicaRegion: 'us-west-2' }],
    ['cross-region, two-way', { replicaRegion: 'us-west-2', bidirectional: 'true' }],
    ['one region, two-way', { bidirectional: 'true' }],
    ['drill', { drill: 'true' }],
    ['one region, two-way, drill', { bidirectional: 'true', drill: 'true' }],
    ['cross-region, two-way, drill', { replicaRegion: 'us-west-2', bidirectional: 'true', drill: 'true' }],
    ['vault', { replicaAccount: '222222222222', primaryAccount: '111111111111' }],
    [
      'vault across regions with its recovery role',
      {
        replicaAccount: '222222222222',
        primaryAccount: '111111111111',
        replicaRegion: 'us-west-2',
        vaultRecoveryRole: 'true',
      },
    ],
  ])('AwsSolutionsChecks report no unacknowledged findings %s, in every stack', (_, topology) => {
    const { app, stack } = synthTap({ context: { alarmEmail: 'oncall@example.com', ...topology } });
    const checks = new AwsSolutionsChecks(app);
    const replicaStack = stack.replication.pair.replicaStack;
    for (const scope of [stack, ...(replicaStack ? [replicaStack] : [])]) {
      expect(findings(checks.validateScope(scope).violations)).toEqual([]);
    }
  });

  test('NIST80053R5Checks report only the findings accepted in docs/security-checks.md', () => {
    const { app, stack } = synthTap();
    const report = new NIST80053R5Checks(app).validateScope(stack);
    const canaryChildren = ['LatencyAlarm', 'SilentAlarm', 'OverdueAlarm', 'ErrorsAlarm'];
    const functions = ['EventLog', 'Canary'].map(
      (f) => `TapStackdev/S3Replication/Default/${f}/Handler/Function/Resource`,
    );
    expect(findings(report.violations)).toEqual(
      [
        ...canaryChildren.map(
          (a) =>
            `NIST.800.53.R5-CloudWatchAlarmAction TapStackdev/S3Replication/Default/Canary/${a}/Resource`,
        ),
        'NIST.800.53.R5-IAMNoInlinePolicy TapStackdev/S3Replication/Default/Primary/Bucket/Notifications/HandlerPolicy/Resource',
        ...functions.map((f) => `NIST.800.53.R5-LambdaConcurrency ${f}`),
        ...functions.map((f) => `NIST.800.53.R5-LambdaDLQ ${f}`),
        ...functions.map((f) => `NIST.800.53.R5-LambdaInsideVPC ${f}`),
        'NIST.800.53.R5-S3BucketReplicationEnabled TapStackdev/S3Replication/Default/AccessLogs/Bucket/Resource',
        'NIST.800.53.R5-S3BucketReplicationEnabled TapStackdev/S3Replication/Default/BatchOperations/Bucket/Resource',
        'NIST.800.53.R5-S3BucketReplicationEnabled TapStackdev/S3Replication/Default/Replica/Bucket/Resource',
        'NIST.800.53.R5-S3DefaultEncryptionKMS TapStackdev/S3Replication/Default/AccessLogs/Bucket/Resource',
        'NIST.800.53.R5-S3DefaultEncryptionKMS TapStackdev/S3Replication/Default/BatchOperations/Bucket/Resource',
      ].sort(),
    );
  });
});
