import { PutObjectLockConfigurationCommand } from '@aws-sdk/client-s3';
import type { CheckResult } from '../../../src/commands/status/audit';
import { runCli } from '../../support/cli';
import { MOTO_ACCOUNT } from '../../support/dr-pair';
import {
  buildVaultPair,
  profileFiles,
  s3With,
  startVaultProxy,
  VAULT_ACCOUNT,
  VAULT_ROLE_ARN,
  type VaultPair,
} from '../../support/vault';

// status of a vault in another account on moto: the checklist opens with what each account's
// credentials could read; the replica's facts are read with the vault's credentials. A recording
// proxy tells whose credentials signed each request and refuses the primary's on the vault where a
// test says so (moto enforces no bucket policy; S3 refuses another account's principal without a grant).

interface StatusJson {
  checks: CheckResult[];
  sides?: { side: string; account?: string; via: string; read: boolean; problem?: string }[];
}

let pair: VaultPair;
let vault: Awaited<ReturnType<typeof startVaultProxy>>;
beforeAll(async () => {
  pair = await buildVaultPair({ 'a.txt': 'alpha' });
  vault = await startVaultProxy(pair);
});
afterAll(() => vault.proxy.close());
beforeEach(() => {
  vault.state.refusePrimary = false;
});

const env = (extra: Record<string, string> = {}) => vault.env(extra);
const check = (report: StatusJson, id: string) => report.checks.find((c) => c.id === id);

test('GIVEN a vault and --replica-role-arn WHEN running status THEN a line per side says each was read, with its account and credentials', async () => {
  const result = await runCli(
    ['--outputs', pair.outputsFile, '--replica-role-arn', VAULT_ROLE_ARN, 'status'],
    {
      env: env(),
    },
  );

  const lines = result.stdout.split('\n');
  expect(lines).toContainEqual(
    expect.stringMatching(
      new RegExp(
        `^PASS +access\\.primary +primary side \\(account ${MOTO_ACCOUNT} via the primary's credentials\\): read$`,
      ),
    ),
  );
  expect(lines).toContainEqual(
    expect.stringMatching(
      new RegExp(
        `^PASS +access\\.replica +replica side \\(account ${VAULT_ACCOUNT} via --replica-role-arn ${VAULT_ROLE_ARN}\\): read$`,
      ),
    ),
  );
});

test('GIVEN a vault and --replica-profile WHEN running status --json THEN the sides are in the report and every request about the replica is signed with the profile', async () => {
  const from = vault.proxy.requests().length;

  const result = await runCli(
    ['--outputs', pair.outputsFile, '--replica-profile', 'vault', '--json', 'status'],
    {
      env: env(profileFiles({ vault: pair.vault })),
    },
  );

  const report = JSON.parse(result.stdout) as StatusJson;
  expect(report.sides).toEqual([
    { side: 'primary', account: MOTO_ACCOUNT, via: "the primary's credentials", read: true },
    { side: 'replica', account: VAULT_ACCOUNT, via: '--replica-profile vault', read: true },
  ]);
  // The replica's own checks ran (versioning is Enabled in the vault) with the vault's credentials.
  expect(check(report, 'replica.versioning')?.status).toBe('PASS');
  expect(vault.signers(pair.replica, from)).toEqual(new Set([pair.vault.accessKeyId]));
});

test('GIVEN a vault that refuses the primary credentials and no --replica-* option WHEN running status THEN the replica side says it could not be read and what to pass, exit 1', async () => {
  vault.state.refusePrimary = true;

  const result = await runCli(['--outputs', pair.outputsFile, '--json', 'status'], { env: env() });

  expect(result.code).toBe(1);
  const report = JSON.parse(result.stdout) as StatusJson;
  expect(check(report, 'access.primary')?.status).toBe('PASS');
  expect(check(report, 'access.replica')).toEqual({
    id: 'access.replica',
    status: 'FAIL',
    message: `replica side (account ${VAULT_ACCOUNT} via the primary's credentials): could not read: access denied to replica bucket ${pair.replica}`,
    fix: `pass --replica-profile <a profile of account ${VAULT_ACCOUNT}> or --replica-role-arn <a role of it that may read the replica>`,
  });
  // What needs the replica is not claimed: its checks could not check.
  expect(check(report, 'replica.versioning')).toMatchObject({
    status: 'WARN',
    message: expect.stringContaining('could not check'),
  });
  // The primary's side was still checked.
  expect(check(report, 'primary.versioning')?.status).toBe('PASS');
});

test('GIVEN a pair in one account read with one set of credentials WHEN running status THEN there is no side line', async () => {
  const result = await runCli(['--source', pair.source, '--replica', pair.replica, '--json', 'status'], {
    env: env(),
  });

  const report = JSON.parse(result.stdout) as StatusJson;
  expect(report.sides).toBeUndefined();
  expect(report.checks.filter((c) => c.id.startsWith('access.'))).toEqual([]);
});

test("GIVEN a vault with Object Lock and no canary alarm WHEN running status THEN replica.retention's fix redeploys the primary's stack, which owns the canary", async () => {
  const locked = await buildVaultPair();
  await s3With(locked.vault).send(
    new PutObjectLockConfigurationCommand({
      Bucket: locked.replica,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
      },
    }),
  );

  const result = await runCli(
    ['--outputs', locked.outputsFile, '--replica-role-arn', VAULT_ROLE_ARN, '--json', 'status'],
    { env: env() },
  );

  expect(check(JSON.parse(result.stdout) as StatusJson, 'replica.retention')).toMatchObject({
    status: 'WARN',
    fix: expect.stringMatching(
      /^redeploy the stack \(npx cdk deploy TapStack\w+ --exclusively\): the canary then measures it within minutes$/,
    ),
  });
});
