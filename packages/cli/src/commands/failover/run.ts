import { type FailoverClients, findAccessPointDeployment } from './deployment';
import { backlogFinding, bucketAnswers, readBacklog, replicaArchive } from './readiness';
import { type SwitchOptions, type SwitchResult, switchRoutes } from './switch';

export interface FailoverRequest extends SwitchOptions {
  readonly suffix: string;
  /** The access point's ARN as given (--access-point): skips looking it up. */
  readonly accessPointArn?: string;
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
  const deployment = await findAccessPointDeployment(clients, request.suffix, request.accessPointArn);
  const { aws } = clients;
  const { primary, replica, names } = deployment;
  const now = new Date(request.now?.() ?? Date.now());
  const [answers, backlog, archive] = await Promise.all([
    bucketAnswers(aws, 'replica.answers', replica.bucket, replica.region),
    readBacklog(
      aws,
      {
        ruleId: names.replicationRuleId,
        source: primary.bucket,
        destination: replica.bucket,
        region: primary.region,
      },
      now,
    ),
    replicaArchive(aws, replica.bucket, replica.region),
  ]);
  const findings = [answers, backlogFinding('replication.backlog', backlog, request.maxLagMs), archive];
  return switchRoutes(clients, deployment, 'failover', findings, request, onPlan);
}

/** The command that brings the traffic back, with the time the failover started. */
export function failbackCommand(suffix: string, startedAt: string, region?: string): string {
  return `s3-dr failback --env ${suffix} --since ${startedAt}${region ? ` --region ${region}` : ''}`;
}
