import type { AwsClients } from '../../shared/aws';
import {
  type AccessPointDeployment,
  type DeploymentRef,
  type FailoverClients,
  findAccessPointDeployment,
} from './deployment';
import {
  backlogFinding,
  bucketAnswers,
  type Finding,
  failedFinding,
  readBacklog,
  replicaArchive,
  ruleTo,
} from './readiness';
import { type SwitchOptions, type SwitchResult, switchRoutes } from './switch';

export interface FailoverRequest extends SwitchOptions, Omit<DeploymentRef, 'command'> {
  /** The replica may be at most this far behind (newest ReplicationLatency), unless --force. */
  readonly maxLagMs: number;
}

/**
 * `s3-dr failover`: makes the replica the active side of the deployment's access point (replica
 * 100, primary 0). Before it moves traffic it checks that the replica bucket answers in its region
 * and that the forward rule's backlog (metrics in the primary's region) is within --max-lag; it
 * warns when the replica archives versions that need a restore to be read. Every check that
 * needs the primary's region fails cleanly when that region does not answer, so that --force
 * works in a regional outage.
 */
export async function runFailover(
  clients: FailoverClients,
  request: FailoverRequest,
  onPlan: (text: string) => void,
): Promise<SwitchResult> {
  const deployment = await findAccessPointDeployment(clients, { ...request, command: 'failover' });
  const { aws } = clients;
  const { replica } = deployment;
  const now = new Date(request.now?.() ?? Date.now());
  const [answers, backlog, archive] = await Promise.all([
    bucketAnswers(aws, 'replica.answers', replica.bucket, replica.region),
    forwardBacklog(aws, deployment, now, request.maxLagMs),
    replicaArchive(aws, replica.bucket, replica.region),
  ]);
  const findings = [answers, ...backlog, archive];
  return switchRoutes(clients, deployment, 'failover', findings, request, onPlan);
}

/**
 * The forward rule's backlog and failed operations (metrics in the primary's region). Without
 * --env and a ReplicationRuleId output the rule is the primary's rule to the replica
 * (GetBucketReplication). Failed operations warn and do not refuse: in an outage the replica is
 * what there is, and the objects can be replicated later (backfill).
 */
async function forwardBacklog(
  aws: AwsClients,
  deployment: AccessPointDeployment,
  now: Date,
  maxLagMs: number,
): Promise<Finding[]> {
  const { primary, replica } = deployment;
  let ruleId = deployment.replicationRuleId;
  if (!ruleId) {
    const found = await ruleTo(aws, primary.bucket, replica.bucket, primary.region);
    if (found.problem || !found.rule?.ID) {
      return [
        {
          id: 'replication.backlog',
          status: 'FAIL',
          message: `cannot read the backlog: ${found.problem ?? 'the rule to the replica has no id'}`,
        },
      ];
    }
    ruleId = found.rule.ID;
  }
  const backlog = await readBacklog(
    aws,
    { ruleId, source: primary.bucket, destination: replica.bucket, region: primary.region },
    now,
  );
  const failed = failedFinding('replication.failed', backlog, 'WARN');
  return [backlogFinding('replication.backlog', backlog, maxLagMs), ...(failed ? [failed] : [])];
}

/**
 * The command that brings the traffic back, with the time the failover started. `target` names
 * the deployment as failover was given it (`--env dev`, `--outputs o.json`, ...).
 */
export function failbackCommand(target: string, startedAt: string, region?: string): string {
  return `s3-dr failback ${target} --since ${startedAt}${region ? ` --region ${region}` : ''}`;
}
