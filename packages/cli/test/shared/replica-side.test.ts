import { writeFileSync } from 'node:fs';
import { motoEnv } from '../../../../test/support/moto';
import { runCli } from '../support/cli';
import {
  buildVaultPair,
  profileFiles,
  VAULT_ACCOUNT,
  VAULT_ROLE_ARN,
  type VaultPair,
} from '../support/vault';

// The replica side's options and how the target finds a vault: through the real CLI against moto
// (moto acts in the account of an assumed role: 222222222222 here).

let pair: VaultPair;
beforeAll(async () => {
  pair = await buildVaultPair({ 'a.txt': 'alpha' });
});

test('GIVEN a vault whose stack is unreadable WHEN --env names it with --replica-role-arn THEN the replica is named with the account of the assumed role', async () => {
  // moto has no stack TapStack<suffix>: the naming contract names both buckets.
  const result = await runCli([
    '--env',
    pair.suffix,
    '--replica-role-arn',
    VAULT_ROLE_ARN,
    'verify',
    '--grace',
    '0',
  ]);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`verify s3://${pair.source}/ -> s3://${pair.replica}/`);
  expect(pair.replica.endsWith(`-${VAULT_ACCOUNT}`)).toBe(true);
});

test('GIVEN an outputs file whose ReplicaAccount is not an account id WHEN resolving the target THEN one line names the output and the rule, exit 2', async () => {
  const file = `${pair.outputsFile}.bad.json`;
  writeFileSync(
    file,
    JSON.stringify({
      PrimaryBucketArn: `arn:aws:s3:::${pair.source}`,
      ReplicaBucketArn: `arn:aws:s3:::${pair.replica}`,
      ReplicaAccount: '2222',
    }),
  );

  const result = await runCli(['--outputs', file, 'verify']);

  expect(result.code).toBe(2);
  expect(result.stderr).toBe(
    `s3-dr: outputs file ${file} has ReplicaAccount '2222', which is not a 12-digit AWS account id such as 123456789012\n`,
  );
});

describe('bad replica-side options: one line, exit 2, before any request', () => {
  const cases: [string, string[], string][] = [
    [
      'both options at once',
      ['--replica-profile', 'vault', '--replica-role-arn', VAULT_ROLE_ARN],
      '--replica-profile and --replica-role-arn both say how to reach the replica: pass only one',
    ],
    [
      'a malformed role ARN',
      ['--replica-role-arn', 'arn:aws:iam::2222:role/x'],
      "--replica-role-arn 'arn:aws:iam::2222:role/x' is not an IAM role ARN: expected arn:aws:iam::<12-digit account>:role/<name>",
    ],
  ];
  test.each(cases)('GIVEN %s WHEN verifying THEN it says so', async (_what, options, line) => {
    const files = profileFiles({ vault: pair.vault });
    const result = await runCli(['--outputs', pair.outputsFile, ...options, 'verify'], {
      env: { ...motoEnv(), ...files, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`s3-dr: ${line}\n`);
  });

  test('GIVEN an unknown --replica-profile WHEN running status --json THEN the error object names the profile', async () => {
    const files = profileFiles({ vault: pair.vault });
    const result = await runCli(
      ['--outputs', pair.outputsFile, '--replica-profile', 'nosuch', '--json', 'status'],
      {
        env: { ...motoEnv(), ...files, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
      },
    );

    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'no-such-profile',
        exitCode: 2,
        message: `AWS profile 'nosuch' (--replica-profile) does not exist: it is not in ${files.AWS_CONFIG_FILE} or ${files.AWS_SHARED_CREDENTIALS_FILE} (list them with: aws configure list-profiles)`,
      },
    });
  });
});

test('GIVEN a vault deployment WHEN failing over THEN one line says a vault has no routes to move, exit 2', async () => {
  const result = await runCli(['--outputs', pair.outputsFile, 'failover']);

  expect(result.code).toBe(2);
  expect(result.stderr).toBe(
    `s3-dr: failover: the replica of the deployment in ${pair.outputsFile} is a vault in account ${VAULT_ACCOUNT}, a recovery copy with no Multi-Region Access Point, so there are no routes to move; to recover from it: s3-dr restore --from replica\n`,
  );
});
