import { DRILL_PREFIX } from '../../../src/commands/drill/settings';
import { runCli } from '../../support/cli';
import { newReportDir, readEvidence } from '../../support/drill';
import { startReplicator } from '../../support/replicator';
import {
  buildVaultPair,
  PRIMARY_ACCESS_KEY,
  s3With,
  startVaultProxy,
  VAULT_ROLE_ARN,
} from '../../support/vault';
import { motoS3 } from '../../support/versioned';

// s3-dr drill against a vault: the replica in account 222222222222 (moto acts in the account of
// an assumed role's credentials), probes copied into it by the replicator fixture with the vault's
// credentials; the primary account's credentials may not touch the vault (the proxy refuses them).

describe('GIVEN a deployment whose replica is a vault in another account', () => {
  it('WHEN drilled with the vault role THEN the rpo stage measures with reads signed by the vault, failover is skipped for the vault, the restore says it did not read the vault, and evidence.json records each', async () => {
    const pair = await buildVaultPair();
    const vault = startVaultProxy(pair);
    const { proxy, state, env, signers } = await vault;
    state.refusePrimary = true;
    const replicator = startReplicator(motoS3(), pair.source, pair.replica, DRILL_PREFIX, 50, {
      replicaS3: s3With(pair.vault),
    });
    const dir = newReportDir();
    let result: Awaited<ReturnType<typeof runCli>>;
    try {
      result = await runCli(
        [
          '--outputs',
          pair.outputsFile,
          '--replica-role-arn',
          VAULT_ROLE_ARN,
          'drill',
          '--skip',
          'fault',
          '--probes',
          '2',
          '--probe-interval',
          '100ms',
          '--poll-interval',
          '200ms',
          '--yes',
          '--report',
          dir,
        ],
        { env: env() },
      );
    } finally {
      await replicator.stop();
      await proxy.close();
    }

    expect(result.stderr).not.toMatch(/s3-dr: /);
    expect(result.code).toBe(0);
    const evidence = readEvidence(dir);
    const rpo = evidence.objectives.find((o) => o.name === 'rpo');
    expect(rpo?.met).toBe(true);
    expect(evidence.probes.filter((p) => p.stage === 'rpo' && p.delaySeconds !== null)).toHaveLength(2);
    const failover = evidence.stages.find((s) => s.name === 'failover');
    expect([failover?.status, failover?.reason]).toEqual([
      'skipped',
      expect.stringMatching(
        /^the replica of .* is a vault in account 222222222222, a recovery copy with no Multi-Region Access Point/,
      ),
    ]);
    // The restore stage copies the primary's own versions: the evidence does not pass it off as a
    // recovery from the vault.
    const restore = evidence.stages.find((s) => s.name === 'restore');
    expect([restore?.status, restore?.measurements?.restoredFrom, restore?.measurements?.vaultRead]).toEqual([
      'passed',
      'primary',
      false,
    ]);
    expect(evidence.events.map((e) => e.detail)).toContain(
      "restore: from the primary's own versions; the vault in account 222222222222 is not read (recovery from it, s3-dr restore --from replica, is not drilled)",
    );
    expect(result.stdout).toMatch(
      /^ {2}restore +passed .*; from the primary's versions, the vault not read$/m,
    );
    // Every request about the vault was signed by the vault's credentials, none by the primary's.
    const vaultSigners = signers(pair.replica);
    expect(vaultSigners.size).toBeGreaterThan(0);
    expect(vaultSigners.has(PRIMARY_ACCESS_KEY)).toBe(false);
    expect(signers(pair.source)).toEqual(new Set([PRIMARY_ACCESS_KEY]));
  });

  it("WHEN drilled without the vault's credentials THEN it stops before writing a probe, naming the options to pass", async () => {
    const pair = await buildVaultPair();
    const { proxy, state, env } = await startVaultProxy(pair);
    state.refusePrimary = true;
    const dir = newReportDir();
    let result: Awaited<ReturnType<typeof runCli>>;
    try {
      result = await runCli(
        ['--outputs', pair.outputsFile, 'drill', '--skip', 'fault', '--yes', '--report', dir],
        { env: env() },
      );
    } finally {
      await proxy.close();
    }

    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      `s3-dr: replica bucket ${pair.replica} is in account 222222222222 (a vault in another account) and the primary's credentials cannot read it (access denied): pass --replica-profile <a profile of account 222222222222> or --replica-role-arn arn:aws:iam::222222222222:role/<role>`,
    );
    expect(proxy.requests().filter((r) => r.method !== 'GET' && r.method !== 'HEAD')).toEqual([]);
  });
});
