import { runCli } from '../../support/cli';
import { startRecordingProxy } from '../../support/recording-proxy';
import {
  buildVaultPair,
  PRIMARY_ACCESS_KEY,
  profileFiles,
  startVaultProxy,
  VAULT_ACCOUNT,
  VAULT_ROLE_ARN,
  type VaultPair,
} from '../../support/vault';

// verify against a vault in another account, through the real CLI and moto: moto acts in the
// account of the credentials (an assumed role's), but enforces no bucket policy, so a recording
// proxy in front of it tells whose credentials signed each request, and refuses the primary's
// credentials on the vault where a test says so (as S3 does without a grant).

const FILES = { 'a.txt': 'alpha', 'b/c.txt': 'beta' };
const PRIMARY_KEY = PRIMARY_ACCESS_KEY;

let pair: VaultPair;
let vault: Awaited<ReturnType<typeof startVaultProxy>>;
beforeAll(async () => {
  pair = await buildVaultPair(FILES);
  vault = await startVaultProxy(pair);
});
afterAll(() => vault.proxy.close());
beforeEach(() => {
  vault.state.refusePrimary = false;
});

const env = (extra: Record<string, string> = {}) => vault.env(extra);
const signers = (bucket: string, from: number) => vault.signers(bucket, from);

test('GIVEN a vault and --replica-role-arn WHEN verifying THEN the replica is read with the assumed role and the source with the primary credentials', async () => {
  const from = vault.proxy.requests().length;

  const result = await runCli(
    ['--outputs', pair.outputsFile, '--replica-role-arn', VAULT_ROLE_ARN, 'verify', '--grace', '0'],
    { env: env() },
  );

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('OK: the replica holds every key of the source (2 keys compared)');
  expect(signers(pair.source, from)).toEqual(new Set([PRIMARY_KEY]));
  const replicaSigners = [...signers(pair.replica, from)];
  expect(replicaSigners).toHaveLength(1);
  expect(replicaSigners[0]).not.toBe(PRIMARY_KEY);
});

test('GIVEN a vault and --replica-profile WHEN verifying THEN the replica is read with that profile', async () => {
  const files = profileFiles({ vault: pair.vault });
  const from = vault.proxy.requests().length;

  const result = await runCli(
    ['--outputs', pair.outputsFile, '--replica-profile', 'vault', 'verify', '--grace', '0'],
    { env: env(files) },
  );

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('OK: the replica holds every key of the source');
  expect(signers(pair.replica, from)).toEqual(new Set([pair.vault.accessKeyId]));
  expect(signers(pair.source, from)).toEqual(new Set([PRIMARY_KEY]));
});

test('GIVEN a vault that refuses the primary credentials and no --replica-* option WHEN verifying THEN one line says which option to pass, exit 2', async () => {
  vault.state.refusePrimary = true;

  const result = await runCli(['--outputs', pair.outputsFile, 'verify', '--grace', '0'], { env: env() });

  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(
    `s3-dr: replica bucket ${pair.replica} is in account ${VAULT_ACCOUNT} (a vault in another account) and the primary's credentials cannot read it (access denied): pass --replica-profile <a profile of account ${VAULT_ACCOUNT}> or --replica-role-arn arn:aws:iam::${VAULT_ACCOUNT}:role/<role>\n`,
  );
});

test('GIVEN the same refusal WHEN verifying with --json THEN the error object says access-denied on stdout', async () => {
  vault.state.refusePrimary = true;

  const result = await runCli(['--outputs', pair.outputsFile, '--json', 'verify'], { env: env() });

  expect(result.code).toBe(2);
  expect(JSON.parse(result.stdout)).toEqual({
    error: {
      code: 'access-denied',
      exitCode: 2,
      message: expect.stringContaining('pass --replica-profile'),
    },
  });
});

test('GIVEN a vault the primary credentials may read and no --replica-* option WHEN verifying THEN it reads the replica with them', async () => {
  const from = vault.proxy.requests().length;

  const result = await runCli(['--outputs', pair.outputsFile, 'verify', '--grace', '0'], { env: env() });

  expect(result.code).toBe(0);
  expect(signers(pair.replica, from)).toEqual(new Set([PRIMARY_KEY]));
});

test('GIVEN --replica-profile whose credentials the vault refuses WHEN verifying THEN one line names the option, exit 2', async () => {
  const files = profileFiles({ vault: { accessKeyId: 'AKIAREFUSED000000000', secretAccessKey: 'x' } });
  const refusing = await startRecordingProxy({ deny: (r) => r.accessKey === 'AKIAREFUSED000000000' });
  try {
    const result = await runCli(['--outputs', pair.outputsFile, '--replica-profile', 'vault', 'verify'], {
      env: { ...env(files), AWS_ENDPOINT_URL: refusing.endpoint },
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `s3-dr: access denied to replica bucket ${pair.replica} with the replica side's credentials (--replica-profile vault): they need read access to it and must be of account ${VAULT_ACCOUNT}\n`,
    );
  } finally {
    await refusing.close();
  }
});
