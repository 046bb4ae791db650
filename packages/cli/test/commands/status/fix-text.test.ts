import {
  redeploy,
  redeployOr,
  redeployProtected,
  redeployWith,
} from '../../../src/commands/status/checks/types';
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
    expect(redeployOr({ target: deployment, suffix: 'dev' }, 'replica', 'aws s3api x')).toBe(
      'redeploy the stack (npx cdk deploy), or: aws s3api x',
    );
  });

  it('WHEN the buckets belong to no deployment THEN only the command is left', () => {
    expect(redeployOr({ target: bare, suffix: undefined }, 'replica', 'aws s3api x')).toBe('aws s3api x');
    expect(redeployProtected({ target: bare, suffix: undefined }, 'replica')).toMatch(
      /^add deny statements for these actions to the policy/,
    );
  });

  it("WHEN the replica is a vault THEN a replica setting is put right by the vault's stack, with the vault's credentials", () => {
    expect(redeployOr({ target: vault, suffix: 'dev' }, 'replica', 'aws s3api x')).toBe(
      'redeploy TapStackdevReplica (credentials of account 222222222222) (npx cdk deploy TapStackdevReplica), or: aws s3api x (with credentials of account 222222222222)',
    );
    expect(redeployProtected({ target: vault, suffix: 'dev' }, 'replica')).toBe(
      'redeploy TapStackdevReplica (credentials of account 222222222222) with protectReplica on (the default: drop -c protectReplica=false)',
    );
    expect(redeployWith({ target: deployment, suffix: 'dev' }, 'replica', '-c removalPolicy=retain')).toBe(
      'redeploy with -c removalPolicy=retain',
    );
    expect(redeployWith({ target: vault, suffix: 'dev' }, 'replica', '-c removalPolicy=retain')).toBe(
      'redeploy TapStackdevReplica (credentials of account 222222222222) with -c removalPolicy=retain',
    );
    expect(
      redeploy(
        { target: vault, suffix: 'dev', inVault: true },
        undefined,
        ' -c alarmEmail=oncall@example.com',
      ),
    ).toBe(
      'redeploy TapStackdevReplica (credentials of account 222222222222) (npx cdk deploy TapStackdevReplica -c alarmEmail=oncall@example.com)',
    );
    expect(redeployOr({ target: vault, suffix: 'dev' }, 'primary', 'aws s3api x')).toBe(
      'redeploy the stack (npx cdk deploy TapStackdev --exclusively), or: aws s3api x',
    );
  });

  it("WHEN the replica is a vault THEN what the primary's stack owns (its alarms, its canary) is still the primary stack's, deployed alone with the primary's credentials", () => {
    expect(redeploy({ target: vault, suffix: 'dev' })).toBe(
      'redeploy the stack (npx cdk deploy TapStackdev --exclusively)',
    );
    expect(redeploy({ target: vault, suffix: 'dev' }, 'primary')).toBe(
      'redeploy the stack (npx cdk deploy TapStackdev --exclusively)',
    );
  });
});
