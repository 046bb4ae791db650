import { motoEnv } from '../../../../../test/support/moto';
import { PROBE_PREFIX } from '../../../src/commands/probe/settings';
import { runCli } from '../../support/cli';
import { bucketOf, type RecordingProxy, startRecordingProxy } from '../../support/recording-proxy';
import { startReplicator } from '../../support/replicator';
import { buildVaultPair, VAULT_ROLE_ARN, type VaultPair } from '../../support/vault';
import { motoS3 } from '../../support/versioned';

// probe against a vault in another account on moto: the probes are written to the primary with the
// primary's credentials and awaited in the vault with the vault's (a recording proxy tells whose
// credentials signed each request). The test replicator stands in for S3's replication.

const PRIMARY_KEY = 'testing';
let pair: VaultPair;
let proxy: RecordingProxy;
beforeAll(async () => {
  pair = await buildVaultPair();
  proxy = await startRecordingProxy();
});
afterAll(() => proxy.close());

test('GIVEN a vault and --replica-role-arn WHEN probing THEN the probes are written with the primary credentials and read in the vault with the assumed role', async () => {
  const replicator = startReplicator(motoS3(), pair.source, pair.replica, PROBE_PREFIX);
  let result: Awaited<ReturnType<typeof runCli>>;
  try {
    result = await runCli(
      [
        '--outputs',
        pair.outputsFile,
        '--replica-role-arn',
        VAULT_ROLE_ARN,
        'probe',
        '--count',
        '2',
        '--timeout',
        '30s',
        '--poll-interval',
        '100ms',
        '--json',
      ],
      { env: { ...motoEnv(), AWS_ENDPOINT_URL: proxy.endpoint } },
    );
  } finally {
    await replicator.stop();
  }

  expect(JSON.parse(result.stdout)).toMatchObject({ planned: 2, arrived: 2 });
  const requests = proxy.requests();
  const writes = requests.filter((r) => r.method === 'PUT' && bucketOf(r) === pair.source);
  expect(writes.length).toBeGreaterThanOrEqual(2);
  expect(new Set(writes.map((r) => r.accessKey))).toEqual(new Set([PRIMARY_KEY]));
  const vaultSigners = new Set(requests.filter((r) => bucketOf(r) === pair.replica).map((r) => r.accessKey));
  expect(vaultSigners.size).toBe(1);
  expect(vaultSigners.has(PRIMARY_KEY)).toBe(false);
});
