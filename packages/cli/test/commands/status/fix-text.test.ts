import { fixForTarget, REDEPLOY_PROTECTED, redeployOr } from '../../../src/commands/status/checks/types';
import type { Target } from '../../../src/shared/target';

const deployment: Target = {
  source: 'primary-bucket-dev-111111111111',
  replica: 'replica-bucket-dev-111111111111',
  origin: 'stack',
  suffix: 'dev',
};
const vault: Target = {
  ...deployment,
  replica: 'replica-bucket-dev-222222222222',
  replicaAccount: '222222222222',
};
const bare: Target = { source: 'my-data', replica: 'my-data-dr', origin: 'explicit' };

describe('GIVEN the fix of a check', () => {
  it('WHEN the buckets are a deployment THEN the redeploy stays, with the command beside it', () => {
    expect(
      fixForTarget(redeployOr('aws s3api x'), { target: deployment, suffix: 'dev' }, 'replica.versioning'),
    ).toBe('redeploy the stack (npx cdk deploy), or: aws s3api x');
  });

  it('WHEN the buckets belong to no deployment THEN only the command is left', () => {
    expect(
      fixForTarget(redeployOr('aws s3api x'), { target: bare, suffix: undefined }, 'replica.versioning'),
    ).toBe('aws s3api x');
    expect(
      fixForTarget(REDEPLOY_PROTECTED, { target: bare, suffix: undefined }, 'replica.protection'),
    ).toMatch(/^add deny statements for these actions to the policy/);
  });

  it("WHEN the replica is a vault THEN a replica setting is put right by the vault's stack, with the vault's credentials", () => {
    expect(
      fixForTarget(redeployOr('aws s3api x'), { target: vault, suffix: 'dev' }, 'replica.versioning'),
    ).toBe(
      'redeploy TapStackdevReplica (credentials of account 222222222222) (npx cdk deploy TapStackdevReplica), or: aws s3api x',
    );
    expect(fixForTarget(REDEPLOY_PROTECTED, { target: vault, suffix: 'dev' }, 'replica.protection')).toBe(
      'redeploy TapStackdevReplica (credentials of account 222222222222) with protectReplica on (the default: drop -c protectReplica=false)',
    );
    expect(
      fixForTarget(
        'redeploy the stack (npx cdk deploy -c alarmEmail=oncall@example.com)',
        { target: vault, suffix: 'dev' },
        'vault.alarm.subscription',
      ),
    ).toBe(
      'redeploy TapStackdevReplica (credentials of account 222222222222) (npx cdk deploy TapStackdevReplica -c alarmEmail=oncall@example.com)',
    );
    expect(
      fixForTarget(redeployOr('aws s3api x'), { target: vault, suffix: 'dev' }, 'primary.versioning'),
    ).toBe('redeploy the stack (npx cdk deploy), or: aws s3api x');
  });
});
