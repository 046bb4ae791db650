import { ConfigError, loadConfig } from '../../lib/config';

const PRIMARY = '111111111111';
const VAULT = '222222222222';
const RULE = 'a 12-digit AWS account id such as 123456789012';

/** The problems loadConfig reports for this context, one line each. */
function problemsOf(context: Record<string, unknown>, credentialsAccount?: string): readonly string[] {
  try {
    loadConfig(context, credentialsAccount);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig with a vault (replicaAccount)', () => {
  test('GIVEN replicaAccount and primaryAccount THEN both accounts are in the configuration', () => {
    const config = loadConfig({ replicaAccount: VAULT, primaryAccount: PRIMARY });
    expect([config.primaryAccount, config.replicaAccount, config.vaultRecoveryRole]).toEqual([
      PRIMARY,
      VAULT,
      false,
    ]);
  });

  test("GIVEN no vault and no primaryAccount THEN the primary's account is the credentials' account", () => {
    expect(loadConfig({}, PRIMARY).primaryAccount).toBe(PRIMARY);
  });

  // The two stacks are deployed with two accounts' credentials (the vault's own, then the primary's):
  // an account taken from the credentials would differ between the two synths.
  test("GIVEN a vault and no primaryAccount THEN the credentials' account is not taken for the primary's", () => {
    expect(problemsOf({ replicaAccount: VAULT }, PRIMARY)).toEqual([
      `replicaAccount: '${VAULT}' needs primaryAccount set (${RULE}): the vault's policies name the primary's roles, and the vault is deployed with its own account's credentials, so the primary's account cannot come from the credentials cdk runs with`,
    ]);
  });

  test("GIVEN a vault, no primaryAccount and the vault's credentials THEN the refusal asks for primaryAccount", () => {
    expect(problemsOf({ replicaAccount: VAULT }, VAULT)).toEqual([
      `replicaAccount: '${VAULT}' needs primaryAccount set (${RULE}): the vault's policies name the primary's roles, and the vault is deployed with its own account's credentials, so the primary's account cannot come from the credentials cdk runs with`,
    ]);
  });

  test("GIVEN primaryAccount THEN it wins over the credentials' account", () => {
    expect(loadConfig({ primaryAccount: PRIMARY }, '333333333333').primaryAccount).toBe(PRIMARY);
  });

  test('GIVEN vaultRecoveryRole true with a vault THEN it is on', () => {
    const config = loadConfig({ replicaAccount: VAULT, primaryAccount: PRIMARY, vaultRecoveryRole: 'true' });
    expect(config.vaultRecoveryRole).toBe(true);
  });

  test.each([
    ['replicaAccount', '12345678901'],
    ['replicaAccount', 'arn:aws:iam::222222222222:root'],
    ['primaryAccount', '1111-1111-1111'],
  ])('a malformed %s (%s) is refused naming key, value and rule', (key, value) => {
    expect(problemsOf({ [key]: value })).toEqual([`${key}: '${value}' is invalid; expected ${RULE}`]);
  });

  test("GIVEN a vault and no primary's account (no primaryAccount, no credentials) THEN it is refused", () => {
    expect(problemsOf({ replicaAccount: VAULT })).toEqual([
      `replicaAccount: '${VAULT}' needs primaryAccount set (${RULE}): the vault's policies name the primary's roles, and the vault is deployed with its own account's credentials, so the primary's account cannot come from the credentials cdk runs with`,
    ]);
  });

  test("GIVEN replicaAccount equal to the primary's account THEN it is refused (that is no vault)", () => {
    expect(problemsOf({ replicaAccount: PRIMARY, primaryAccount: PRIMARY })).toEqual([
      `replicaAccount: '${PRIMARY}' is the primary's account (the stack's own); expected another account (a vault); drop replicaAccount for a replica in the primary's account`,
    ]);
  });

  test('GIVEN bidirectional with a vault THEN it is refused', () => {
    expect(problemsOf({ replicaAccount: VAULT, primaryAccount: PRIMARY, bidirectional: 'true' })).toEqual([
      `bidirectional: 'true' cannot work with replicaAccount '${VAULT}': a vault never replicates back (the primary's account would need write access to it); drop one of them`,
    ]);
  });

  test('GIVEN a Multi-Region Access Point with a vault THEN it is refused', () => {
    const context = {
      replicaAccount: VAULT,
      primaryAccount: PRIMARY,
      replicaRegion: 'us-west-2',
      multiRegionAccessPoint: 'true',
    };
    expect(problemsOf(context)).toEqual([
      `multiRegionAccessPoint: 'true' cannot work with replicaAccount '${VAULT}': a vault is a recovery copy, not a serving replica (a failover would send the applications' writes into it); drop one of them`,
    ]);
  });

  test("GIVEN a break-glass role of the primary's account with a vault THEN it is refused", () => {
    const breakGlassRoleArn = `arn:aws:iam::${PRIMARY}:role/break-glass`;
    expect(problemsOf({ replicaAccount: VAULT, primaryAccount: PRIMARY, breakGlassRoleArn })).toEqual([
      `breakGlassRoleArn: '${breakGlassRoleArn}' is invalid with replicaAccount '${VAULT}'; expected a role of the vault's account ${VAULT} (the protection it is exempt from lives there)`,
    ]);
  });

  test("GIVEN a break-glass role of the vault's account THEN it is accepted", () => {
    const breakGlassRoleArn = `arn:aws:iam::${VAULT}:role/break-glass`;
    const config = loadConfig({ replicaAccount: VAULT, primaryAccount: PRIMARY, breakGlassRoleArn });
    expect(config.breakGlassRoleArn).toBe(breakGlassRoleArn);
  });

  test('GIVEN vaultRecoveryRole without a vault THEN it is refused', () => {
    expect(problemsOf({ vaultRecoveryRole: 'true' })).toEqual([
      "vaultRecoveryRole: 'true' needs a vault: set replicaAccount to the vault's account (the recovery role lives there)",
    ]);
  });

  test('GIVEN a replica region of another partition with a vault THEN it is refused as without one', () => {
    const problems = problemsOf({
      replicaAccount: VAULT,
      primaryAccount: PRIMARY,
      replicaRegion: 'us-gov-west-1',
    });
    expect(problems).toEqual([
      "replicaRegion: 'us-gov-west-1' is invalid; expected a region of the same partition as region 'us-east-1' (replication cannot cross partitions)",
    ]);
  });

  test('every vault problem is reported at once', () => {
    const problems = problemsOf({
      replicaAccount: VAULT,
      bidirectional: 'true',
      breakGlassRoleArn: `arn:aws:iam::${PRIMARY}:role/x`,
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'replicaAccount',
      'bidirectional',
      'breakGlassRoleArn',
    ]);
  });
});
