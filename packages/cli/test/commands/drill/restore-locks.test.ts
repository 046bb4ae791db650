import {
  CreateBucketCommand,
  GetObjectCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
} from '@aws-sdk/client-s3';
import { deploymentNames } from 's3-dr-naming';
import { DRILL_PREFIX } from '../../../src/commands/drill/settings';
import { errorLines, runCli } from '../../support/cli';
import { buildCrossRegion, motoS3In, PRIMARY_REGION, reverseRule } from '../../support/cross-region';
import { MOTO_ACCOUNT, putRule, uniqueSuffix } from '../../support/dr-pair';
import { bucketContents, newReportDir, readEvidence } from '../../support/drill';
import { type Replicator, startReplicator } from '../../support/replicator';

const s3 = motoS3In(PRIMARY_REGION);
let replicator: Replicator | undefined;
afterEach(async () => {
  await replicator?.stop();
  replicator = undefined;
});

const common = [
  '--probes',
  '2',
  '--probe-interval',
  '0',
  '--poll-interval',
  '100ms',
  '--rpo',
  '10s',
  '--yes',
];

describe('GIVEN a deployment whose replication works', () => {
  it('WHEN the restore stage runs after rpo THEN the probes, overwritten, come back as of before into the target prefix, verified, and no version is deleted', async () => {
    const deployment = await buildCrossRegion({ forwardRule: true, accessPoint: false });
    const { primaryBucket, replicaBucket } = deployment.names;
    replicator = startReplicator(s3, primaryBucket, replicaBucket, DRILL_PREFIX, 20);
    const dir = newReportDir();

    const result = await runCli([
      'drill',
      '--env',
      deployment.suffix,
      '--skip',
      'fault,failover,locks',
      ...common,
      '--report',
      dir,
    ]);

    expect(errorLines(result.stderr)).toEqual([]);
    expect(result.code).toBe(0);
    const evidence = readEvidence(dir);
    expect(evidence.objectives.find((o) => o.name === 'restore')).toMatchObject({
      target_seconds: 300,
      met: true,
    });
    const stage = evidence.stages.find((s) => s.name === 'restore');
    expect(stage?.measurements).toMatchObject({
      objects: 2,
      copied: 2,
      failed: 0,
      verified: 2,
      differences: 0,
    });
    // The copy holds each probe's original content, not the overwrite.
    const probe = evidence.probes.find((p) => p.stage === 'rpo' && p.direction === 'forward');
    const copy = await s3.send(
      new GetObjectCommand({
        Bucket: primaryBucket,
        Key: `${DRILL_PREFIX}${evidence.runId}/restored/${probe?.key}`,
      }),
    );
    expect(await copy.Body?.transformToString()).toMatch(/^s3-dr replication probe /);
    const contents = await bucketContents(deployment.names);
    expect(contents.keys.every((key) => key.startsWith(`${DRILL_PREFIX}${evidence.runId}/`))).toBe(true);
    expect(contents.deleteMarkers).toBe(0);
  });

  it('WHEN the restore stage runs alone THEN it writes objects of its own to restore', async () => {
    const deployment = await buildCrossRegion({ forwardRule: true, accessPoint: false });
    const dir = newReportDir();

    const result = await runCli([
      'drill',
      '--env',
      deployment.suffix,
      '--skip',
      'rpo,fault,failover,locks',
      ...common,
      '--report',
      dir,
    ]);

    expect(result.code).toBe(0);
    expect(readEvidence(dir).stages.find((s) => s.name === 'restore')?.measurements).toMatchObject({
      objects: 2,
      verified: 2,
    });
  });
});

/** A pair named by the naming contract whose replica has Object Lock with a 1-day GOVERNANCE default. */
async function lockedPair(): Promise<{ suffix: string; primary: string; replica: string }> {
  const suffix = uniqueSuffix();
  const names = deploymentNames(suffix, MOTO_ACCOUNT);
  await s3.send(new CreateBucketCommand({ Bucket: names.primaryBucket }));
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: names.primaryBucket,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: names.replicaBucket, ObjectLockEnabledForBucket: true }));
  await s3.send(
    new PutObjectLockConfigurationCommand({
      Bucket: names.replicaBucket,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
      },
    }),
  );
  await putRule(s3, names.primaryBucket, `arn:aws:iam::${MOTO_ACCOUNT}:role/${names.replicationRole}`, {
    ...reverseRule(names),
    ID: names.replicationRuleId,
    Destination: { Bucket: `arn:aws:s3:::${names.replicaBucket}` },
  });
  return { suffix, primary: names.primaryBucket, replica: names.replicaBucket };
}

/** The drill with its rpo and locks stages only. */
function locksDrill(suffix: string, dir: string) {
  return runCli(['drill', '--env', suffix, '--skip', 'fault,failover,restore', ...common, '--report', dir]);
}

/** Replicates the pair's drill prefix, locking each replica (GOVERNANCE) for `ms` from its copy. */
function replicateLockedFor(pair: { primary: string; replica: string }, ms: number): Replicator {
  return startReplicator(s3, pair.primary, pair.replica, DRILL_PREFIX, 20, {
    onCopy: (bucket, key) =>
      s3.send(
        new PutObjectRetentionCommand({
          Bucket: bucket,
          Key: key,
          BypassGovernanceRetention: true,
          Retention: { Mode: 'GOVERNANCE', RetainUntilDate: new Date(Date.now() + ms) },
        }),
      ),
  });
}

describe('GIVEN a replica with Object Lock, default GOVERNANCE 1 day', () => {
  it('WHEN its replicas carry that retention THEN replica-locked is met, measured in seconds', async () => {
    const pair = await lockedPair();
    // Plays S3 giving the replica the destination's default retention: the case the drill measures.
    replicator = replicateLockedFor(pair, 86_400_000 + 5_000);
    const dir = newReportDir();

    const result = await locksDrill(pair.suffix, dir);

    expect(errorLines(result.stderr)).toEqual([]);
    const locked = readEvidence(dir).objectives.find((o) => o.name === 'replica-locked');
    expect(locked).toMatchObject({ target_seconds: 86_400, met: true });
    expect(locked?.measured_seconds).toBeGreaterThanOrEqual(86_399);
    expect(result.code).toBe(0);
  });

  it('WHEN its replicas are locked for less than the default THEN replica-locked is missed, saying by how much, exit 1', async () => {
    const pair = await lockedPair();
    // Plays a replica whose retention is an hour, not the bucket's default day.
    replicator = replicateLockedFor(pair, 3_600_000);
    const dir = newReportDir();

    const result = await locksDrill(pair.suffix, dir);

    const locked = readEvidence(dir).objectives.find((o) => o.name === 'replica-locked');
    expect(locked).toMatchObject({
      target_seconds: 86_400,
      met: false,
      reason: expect.stringMatching(/^the shortest retention is (59m\d\ds|1h), less than the default 1 day$/),
    });
    expect(locked?.measured_seconds).toBeLessThan(3_700);
    expect(result.code).toBe(1);
  });
});
