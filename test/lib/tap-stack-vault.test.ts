import { synthTap } from '../support/tap';

describe('GIVEN TapStack with a vault and its recovery role', () => {
  const { top, stack } = synthTap({
    context: { replicaAccount: '222222222222', primaryAccount: '111111111111', vaultRecoveryRole: 'true' },
  });

  test("THEN it publishes the vault's account and its canary and recovery roles, by name in the vault's account", () => {
    const outputs = top.toJSON().Outputs;
    const value = (key: string) => JSON.stringify(outputs[key].Value);
    expect(outputs.ReplicaAccount.Value).toBe('222222222222');
    expect(value('VaultCanaryRoleArn')).toContain(':iam::222222222222:role/s3-dr-vault-canary-dev');
    expect(value('VaultRecoveryRoleArn')).toContain(':iam::222222222222:role/s3-dr-vault-recovery-dev');
  });

  test("THEN the vault's stack is TapStackdevReplica in the vault's account, and the primary's in its own", () => {
    const replica = stack.replication.pair.replicaStack;
    expect([stack.account, replica?.stackName, replica?.account]).toEqual([
      '111111111111',
      'TapStackdevReplica',
      '222222222222',
    ]);
  });
});
