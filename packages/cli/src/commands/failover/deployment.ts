import type { MultiRegionAccessPointRoute, S3ControlClient } from '@aws-sdk/client-s3-control';
import {
  ACCESS_POINT_OUTPUT_KEYS,
  type DeploymentNames,
  deploymentNames,
  OUTPUT_KEYS,
  stackName,
} from 's3-dr-naming';
import {
  accessPointArn,
  type ControlFailure,
  controlRegionOrder,
  getAccessPoint,
  getRoutes,
  MANAGEMENT_REGION,
} from '../../shared/access-point';
import type { AwsClients } from '../../shared/aws';
import { CliError, describeAwsError, EXIT } from '../../shared/errors';
import { headBucket } from '../../shared/regions';
import { describeServiceError } from '../../shared/service-errors';
import { partitionOf } from '../status/checks/subscriptions';

/** The clients failover and failback use: the CLI's, and the failover control plane per region. */
export interface FailoverClients {
  readonly aws: AwsClients;
  /** S3 Control in a failover control region (route calls). @default aws.inRegion(region).s3Control */
  readonly controlIn?: (region: string) => S3ControlClient;
}

export function controlIn(clients: FailoverClients): (region: string) => S3ControlClient {
  return clients.controlIn ?? ((region) => clients.aws.inRegion(region).s3Control);
}

/** One side of the access point: its bucket and the region serving it. */
export interface Side {
  readonly bucket: string;
  readonly region: string;
  /** Its TrafficDialPercentage now: 100 active, 0 passive. */
  readonly dial: number;
}

/** A deployment with a Multi-Region Access Point, as failover and failback act on it. */
export interface AccessPointDeployment {
  readonly suffix: string;
  readonly account: string;
  readonly names: DeploymentNames;
  readonly accessPoint: { readonly name: string; readonly alias: string; readonly arn: string };
  readonly primary: Side;
  readonly replica: Side;
  /** Every route as the control plane reported it. */
  readonly routes: readonly MultiRegionAccessPointRoute[];
  /** Which control region answered the routes, and which ones failed before it. */
  readonly controlRegion: string;
  readonly controlFailures: readonly ControlFailure[];
}

/**
 * Finds the deployment's access point (`s3-dr-<suffix>`) and its current routes. The access point
 * comes from GetMultiRegionAccessPoint (served from us-west-2 only), else from the stack's
 * `MultiRegionAccessPointArn` output; the routes (with both buckets and their regions) from the
 * first failover control region that answers, the primary's region last. Neither needs the
 * primary's region to answer unless it is us-west-2 and the stack is unreadable too; an ARN
 * given with --access-point needs neither (nor STS: it names the account).
 * A deployment without an access point fails with exit 2 and what the applications must use instead.
 */
export async function findAccessPointDeployment(
  clients: FailoverClients,
  suffix: string,
  givenArn?: string,
): Promise<AccessPointDeployment> {
  const { aws } = clients;
  const given = givenArn === undefined ? undefined : parseAccessPointArn(givenArn);
  // With --access-point the ARN names the account: nothing but the control plane is asked.
  const account = given?.account ?? (await callerAccount(aws));
  const names = deploymentNames(suffix, account);
  const name = names.multiRegionAccessPoint;
  const found = given ?? (await lookUpAccessPoint(clients, names, suffix, account));
  const alias = found.alias;
  const primaryRegionHint = 'primaryRegion' in found ? found.primaryRegion : undefined;
  if (!alias) throw new CliError(`access point ${name} has no alias: is it still being created?`);
  const arn = given?.arn ?? accessPointArn(partitionOf(aws.region), account, alias);
  const answer = await getRoutes(
    controlIn(clients),
    account,
    arn,
    controlRegionOrder(primaryRegionHint ?? aws.region),
  );
  const side = (bucket: string): Side => {
    const route = answer.routes.find((r) => r.Bucket === bucket);
    if (!route?.Region) {
      throw new CliError(
        `access point ${name} has no route to ${bucket} (routes: ${answer.routes.map((r) => r.Bucket).join(', ') || 'none'}): it cannot move traffic there`,
        EXIT.findings,
      );
    }
    return { bucket, region: route.Region, dial: route.TrafficDialPercentage ?? 0 };
  };
  return {
    suffix,
    account,
    names,
    accessPoint: { name, alias, arn },
    primary: side(names.primaryBucket),
    replica: side(names.replicaBucket),
    routes: answer.routes,
    controlRegion: answer.region,
    controlFailures: answer.failures,
  };
}

const ACCESS_POINT_ARN = /^arn:(aws[a-z-]*):s3::(\d{12}):accesspoint\/([a-z0-9][a-z0-9.-]*)$/;

/** `arn:aws:s3::<account>:accesspoint/<alias>` (--access-point), or a usage error. */
export function parseAccessPointArn(arn: string): { arn: string; account: string; alias: string } {
  const match = ACCESS_POINT_ARN.exec(arn.trim());
  if (!match) {
    throw new CliError(
      `--access-point '${arn}' is not a Multi-Region Access Point ARN: expected arn:aws:s3::<account>:accesspoint/<alias> (the stack output MultiRegionAccessPointArn)`,
    );
  }
  return { arn: arn.trim(), account: match[2] as string, alias: match[3] as string };
}

/**
 * The access point's alias from GetMultiRegionAccessPoint (us-west-2), else from the stack's
 * `MultiRegionAccessPointArn` output when us-west-2 does not answer. No access point: exit 2.
 */
async function lookUpAccessPoint(
  clients: FailoverClients,
  names: DeploymentNames,
  suffix: string,
  account: string,
): Promise<{ alias?: string; primaryRegion?: string }> {
  const { aws } = clients;
  const name = names.multiRegionAccessPoint;
  try {
    const point = await getAccessPoint(controlIn(clients)(MANAGEMENT_REGION), account, name);
    if (!point) throw await noAccessPoint(aws, names, suffix);
    const primaryRegion = point.Regions?.find((r) => r.Bucket === names.primaryBucket)?.Region;
    return { alias: point.Alias, primaryRegion };
  } catch (err) {
    if (err instanceof CliError) throw err;
    // us-west-2 did not answer: the stack's output names the access point as well.
    const arn = (await stackOutputs(aws, suffix))?.[ACCESS_POINT_OUTPUT_KEYS.multiRegionAccessPointArn];
    if (!arn) {
      throw describeServiceError(
        err,
        `access point ${name} (GetMultiRegionAccessPoint in ${MANAGEMENT_REGION}, and stack ${stackName(suffix)} has no output naming it; --access-point <arn> names it)`,
        'S3 Control',
      );
    }
    return { alias: arn.slice(arn.lastIndexOf('/') + 1) };
  }
}

async function callerAccount(aws: AwsClients): Promise<string> {
  try {
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const account = (await aws.sts.send(new GetCallerIdentityCommand({}))).Account;
    if (account) return account;
  } catch (err) {
    throw describeServiceError(err, 'the caller identity (STS GetCallerIdentity, for the account id)', 'STS');
  }
  throw new CliError('STS returned no account id: cannot name the deployment');
}

/** The top-level stack's outputs; undefined when the stack cannot be read. */
async function stackOutputs(aws: AwsClients, suffix: string): Promise<Record<string, string> | undefined> {
  try {
    const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
    const res = await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName(suffix) }));
    const outputs: Record<string, string> = {};
    for (const o of res.Stacks?.[0]?.Outputs ?? []) {
      if (o.OutputKey && o.OutputValue) outputs[o.OutputKey] = o.OutputValue;
    }
    return outputs;
  } catch {
    return undefined;
  }
}

/**
 * Exit 2 for a deployment without an access point, saying what the applications must use
 * instead: there is nothing to switch, and a half-done switch is worse than none.
 */
async function noAccessPoint(aws: AwsClients, names: DeploymentNames, suffix: string): Promise<CliError> {
  const outputs = await stackOutputs(aws, suffix);
  const replicaRegion = outputs?.[OUTPUT_KEYS.replicaRegion];
  const where = async (bucket: string, known?: string): Promise<string> => {
    if (known) return `in region ${known}`;
    try {
      const region = (await headBucket(aws, bucket)).region;
      return region ? `in region ${region}` : 'in its region';
    } catch (err) {
      return `in its region (not readable here: ${describeAwsError(err, `bucket ${bucket}`).message})`;
    }
  };
  return new CliError(
    `deployment ${suffix} has no Multi-Region Access Point (${names.multiRegionAccessPoint}), so there are no routes to move: to fail over, point the applications at bucket ${names.replicaBucket} ${await where(names.replicaBucket, replicaRegion)} (and back at ${names.primaryBucket} ${await where(names.primaryBucket)} afterwards)`,
    EXIT.usage,
    'not-found',
  );
}

/** The routes as lines: `primary  primary-bucket-… (us-east-1)  100 active`. */
export function formatSides(primary: Side, replica: Side): string[] {
  const width = Math.max(primary.bucket.length, replica.bucket.length) + 2;
  const line = (label: string, s: Side) =>
    `  ${label.padEnd(8)} ${`${s.bucket}`.padEnd(width)}${`(${s.region})`.padEnd(18)} ${String(s.dial).padStart(3)} ${s.dial > 0 ? 'active' : 'passive'}`;
  return [line('primary', primary), line('replica', replica)];
}
