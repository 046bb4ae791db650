import { GetBucketReplicationCommand, type ReplicationRule, type S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from '../../shared/aws';
import { describeAwsError } from '../../shared/errors';
import { readObjectLock } from '../../shared/object-lock';
import { assertBucketsExist, s3ForTarget } from '../../shared/preflight';
import type { Target } from '../../shared/target';
import { ruleExclusion } from '../probe/probe';
import { deploymentSuffix } from '../status/audit';
import type { DeploymentRecord } from './evidence';
import { runPrefix } from './settings';
import type { DrillDeployment } from './stages/types';

/**
 * What the drill needs to know before it starts, read without writing: where each bucket lives,
 * the account, the rules each way (two-way when the replica replicates the drill's keys back),
 * and the replica's Object Lock default retention.
 */
export async function discoverDeployment(
  aws: AwsClients,
  target: Target,
  runId: string,
): Promise<{ deployment: DrillDeployment; s3: S3Client }> {
  const regions = await assertBucketsExist(aws, target);
  const s3 = s3ForTarget(aws, target, regions);
  const key = `${runPrefix(runId)}probes/rpo/1-x`;
  const [forward, back, lock, account] = await Promise.all([
    rulesTo(s3, target.source, target.replica, key),
    rulesTo(s3, target.replica, target.source, key),
    readObjectLock(s3, target.replica).catch(() => undefined),
    accountOf(aws, target),
  ]);
  const suffix = deploymentSuffix(target);
  const record: DeploymentRecord = {
    suffix: suffix ?? null,
    account: account ?? null,
    region: regions.get(target.source) ?? aws.region,
    replicaRegion: regions.get(target.replica) ?? aws.region,
    primaryBucket: target.source,
    replicaBucket: target.replica,
    ruleIds: [...forward, ...back].map((r) => r.ID ?? '(no id)'),
    bidirectional: back.length > 0,
    accessPoint: null,
    replicaObjectLock:
      lock?.enabled && lock.mode && lock.days !== undefined ? { mode: lock.mode, days: lock.days } : null,
  };
  return {
    deployment: { target, record, ...(suffix ? { suffix } : {}), ...(account ? { account } : {}) },
    s3,
  };
}

/** The enabled rules of `source` that replicate the drill's keys to `destination`. */
async function rulesTo(
  s3: S3Client,
  source: string,
  destination: string,
  key: string,
): Promise<ReplicationRule[]> {
  try {
    const res = await s3.send(new GetBucketReplicationCommand({ Bucket: source }));
    return (res.ReplicationConfiguration?.Rules ?? []).filter(
      (rule) => ruleExclusion(rule, key, destination) === undefined,
    );
  } catch (err) {
    if ((err as Error)?.name === 'ReplicationConfigurationNotFoundError') return [];
    const described = describeAwsError(err, `the replication configuration of bucket ${source}`);
    if (described.code === 'access-denied') return [];
    throw described;
  }
}

/** The account: from the naming contract's bucket names, else STS; undefined when neither tells. */
async function accountOf(aws: AwsClients, target: Target): Promise<string | undefined> {
  const named = /-(\d{12})$/.exec(target.source)?.[1];
  if (named) return named;
  try {
    return (await aws.sts.send(new GetCallerIdentityCommand({}))).Account;
  } catch {
    return undefined;
  }
}
