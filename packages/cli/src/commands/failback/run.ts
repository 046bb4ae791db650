import { describeAwsError } from '../../shared/errors';
import { s3ForBuckets } from '../../shared/regions';
import { NO_REPORT } from '../../shared/report';
import { count } from '../../shared/text';
import { type DeploymentRef, type FailoverClients, findAccessPointDeployment } from '../failover/deployment';
import {
  backlogFinding,
  bucketAnswers,
  type Finding,
  failedFinding,
  readBacklog,
  ruleTo,
} from '../failover/readiness';
import { type SwitchOptions, type SwitchResult, switchRoutes } from '../failover/switch';
import { type VerifyResult, verifyBuckets } from '../verify/run';

export interface FailbackRequest extends SwitchOptions, Omit<DeploymentRef, 'command'> {
  /** When the failover started (epoch ms): only keys changed since are verified. Unset: every key. */
  readonly since?: number;
  /** The reverse rule's destination may be at most this far behind, unless --force. */
  readonly maxLagMs: number;
}

/**
 * `s3-dr failback`: makes the primary the active side again (primary 100, replica 0). It refuses
 * (unless --force) while what was written on the replica side has not come back: the primary must
 * answer, the replica must have an enabled rule back to the primary whose backlog is within
 * --max-lag, and a current-state verify from the replica to the primary of the keys changed since
 * --since (every key without it) must find nothing missing, different or deleted on one side only.
 */
export async function runFailback(
  clients: FailoverClients,
  request: FailbackRequest,
  onPlan: (text: string) => void,
): Promise<SwitchResult> {
  const deployment = await findAccessPointDeployment(clients, { ...request, command: 'failback' });
  const { aws } = clients;
  const { primary, replica } = deployment;
  const now = request.now?.() ?? Date.now();
  const findings: Finding[] = [await bucketAnswers(aws, 'primary.answers', primary.bucket, primary.region)];
  const reverse = await ruleTo(aws, replica.bucket, primary.bucket, replica.region);
  if (reverse.problem || !reverse.rule?.ID) {
    findings.push({
      id: 'reverse.rule',
      status: 'FAIL',
      message: `${reverse.problem ?? 'the rule back to the primary has no id'}: what was written on the replica side does not flow back by itself (copy it back, then check with s3-dr verify --source ${replica.bucket} --replica ${primary.bucket})`,
    });
  } else {
    findings.push({
      id: 'reverse.rule',
      status: 'PASS',
      message: `rule ${reverse.rule.ID} replicates ${replica.bucket} back to ${primary.bucket}`,
    });
    const backlog = await readBacklog(
      aws,
      {
        ruleId: reverse.rule.ID,
        source: replica.bucket,
        destination: primary.bucket,
        region: replica.region,
      },
      new Date(now),
      // Failures are counted since the failover, when it says when that was.
      request.since === undefined ? undefined : new Date(request.since),
    );
    findings.push(backlogFinding('reverse.backlog', backlog, request.maxLagMs));
    // Objects written to the replica since the failover that S3 failed to replicate back would be
    // out of sight after the switch: failback refuses (unless --force).
    const failed = failedFinding('reverse.failed', backlog, 'FAIL');
    if (failed) findings.push(failed);
  }
  findings.push(await verifyBack(clients, deployment.replica, deployment.primary, request.since, now));
  return switchRoutes(clients, deployment, 'failback', findings, request, onPlan);
}

/** Verifies, from the replica to the primary, the keys changed since the failover started. */
async function verifyBack(
  clients: FailoverClients,
  replica: { bucket: string; region: string },
  primary: { bucket: string; region: string },
  since: number | undefined,
  now: number,
): Promise<Finding> {
  const id = 'reverse.verify';
  const scope =
    since === undefined
      ? 'every key (no --since; with the failover start time only what changed since is compared)'
      : `the keys written since ${new Date(since).toISOString()}`;
  const s3 = s3ForBuckets(
    clients.aws,
    new Map([
      [replica.bucket, replica.region],
      [primary.bucket, primary.region],
    ]),
  );
  let result: VerifyResult;
  try {
    result = await verifyBuckets(
      s3,
      {
        source: replica.bucket,
        replica: primary.bucket,
        mode: 'current',
        graceMs: 0,
        includeReserved: false,
        now,
        changedSince: since,
      },
      NO_REPORT,
    );
  } catch (err) {
    return {
      id,
      status: 'FAIL',
      message: `cannot verify ${scope}: ${describeAwsError(err, `${replica.bucket} and ${primary.bucket}`).message}`,
    };
  }
  const { missing, mismatch, extra } = result.counts;
  const compared = `${count(result.keys, 'key')} compared, ${replica.bucket} -> ${primary.bucket}; ${scope}`;
  if (missing + mismatch + extra === 0) {
    return { id, status: 'PASS', message: `the primary holds what the replica holds (${compared})` };
  }
  const sample = result.sample
    .filter((d) => d.kind !== 'hint')
    .slice(0, 3)
    .map((d) => `${d.kind} ${JSON.stringify(d.key)}`)
    .join(', ');
  return {
    id,
    status: 'FAIL',
    message: `the primary is not yet what the replica is: ${missing} missing, ${mismatch} different, ${extra} deleted on the replica side but current in the primary (${compared}; e.g. ${sample})`,
  };
}
