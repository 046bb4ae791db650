import type { MultiRegionAccessPointRoute, S3ControlClient } from '@aws-sdk/client-s3-control';
import {
  ACCESS_POINT_OUTPUT_KEYS,
  type DeploymentNames,
  deploymentNames,
  OUTPUT_KEYS,
  stackName,
  VAULT_OUTPUT_KEYS,
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
import { headBucket, locateBucket } from '../../shared/regions';
import { partitionOf } from '../status/checks/subscriptions';
import { vaultHasNoRoutes } from './target';

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
  /** Its TrafficDialPercentage now: 100 active, 0 passive; undefined when the routes could not be read. */
  readonly dial?: number;
}

/** Which deployment failover and failback act on: --env, or an access point ARN with its buckets. */
export interface DeploymentRef {
  readonly command: 'failover' | 'failback';
  /** --env: names the access point s3-dr-<suffix>, its buckets and the forward rule. */
  readonly suffix?: string;
  /** --access-point, or the MultiRegionAccessPointArn of --outputs: skips looking it up. */
  readonly accessPointArn?: string;
  /** The buckets from --outputs or --source/--replica (without --env, with accessPointArn). */
  readonly buckets?: { readonly primary: string; readonly replica: string };
  /** The forward rule's id (the ReplicationRuleId output), when known without --env. */
  readonly replicationRuleId?: string;
  /** The replica's region (the ReplicaRegion output): used when the routes cannot be read. */
  readonly replicaRegion?: string;
}

/** A deployment with a Multi-Region Access Point, as failover and failback act on it. */
export interface AccessPointDeployment {
  readonly suffix?: string;
  readonly account: string;
  /** The forward rule's id (naming contract or outputs); undefined: found in the primary's configuration. */
  readonly replicationRuleId?: string;
  readonly accessPoint: { readonly name: string; readonly alias: string; readonly arn: string };
  readonly primary: Side;
  readonly replica: Side;
  /** Every route as the control plane reported it. */
  readonly routes: readonly MultiRegionAccessPointRoute[];
  /** Which control region answered the routes (undefined: none did), and which ones failed. */
  readonly controlRegion?: string;
  readonly controlFailures: readonly ControlFailure[];
  /**
   * Why the routes could not be read (no control region answered): the plan and the readiness
   * are still shown, then this ends the run.
   */
  readonly routesError?: CliError;
}

/**
 * Finds the deployment's access point (`s3-dr-<suffix>`) and its current routes. The access point
 * comes from GetMultiRegionAccessPoint (served from us-west-2 only), else from the stack's
 * `MultiRegionAccessPointArn` output; the routes (with both buckets and their regions) from the
 * first failover control region that answers, the primary's region last. Neither needs the
 * primary's region to answer unless it is us-west-2 and the stack is unreadable too; an ARN
 * given with --access-point (or in --outputs) needs neither (nor STS: it names the account).
 * A deployment without an access point fails with exit 2 and what the applications must use instead.
 */
export async function findAccessPointDeployment(
  clients: FailoverClients,
  ref: DeploymentRef,
): Promise<AccessPointDeployment> {
  const { aws } = clients;
  const { suffix } = ref;
  const given = ref.accessPointArn === undefined ? undefined : parseAccessPointArn(ref.accessPointArn);
  if (!given && suffix === undefined) {
    throw new CliError(`${ref.command} needs --env <suffix>, or --access-point <arn> with the buckets`);
  }
  // With --access-point the ARN names the account: nothing but the control plane is asked.
  const account = given?.account ?? (await callerAccount(aws));
  const names = suffix === undefined ? undefined : deploymentNames(suffix, account);
  const primaryBucket = ref.buckets?.primary ?? names?.primaryBucket;
  const replicaBucket = ref.buckets?.replica ?? names?.replicaBucket;
  if (!primaryBucket || !replicaBucket) {
    throw new CliError(
      `${ref.command} needs the buckets: --env <suffix>, --outputs <file> or --source/--replica`,
    );
  }
  const found =
    given ??
    (await lookUpAccessPoint(clients, names as DeploymentNames, suffix as string, account, ref.command));
  const name = names?.multiRegionAccessPoint ?? found.alias ?? '';
  const alias = found.alias;
  const reported = 'regions' in found ? found.regions : undefined;
  if (!alias) throw new CliError(`access point ${name} has no alias: is it still being created?`);
  const arn = given?.arn ?? accessPointArn(partitionOf(aws.region), account, alias);
  const base = {
    suffix,
    account,
    replicationRuleId: ref.replicationRuleId ?? names?.replicationRuleId,
    accessPoint: { name, alias, arn },
  };
  let answer: Awaited<ReturnType<typeof getRoutes>>;
  try {
    answer = await getRoutes(
      controlIn(clients),
      account,
      arn,
      controlRegionOrder(reported?.get(primaryBucket) ?? aws.region),
    );
  } catch (err) {
    if (!(err instanceof CliError) || err.code !== 'unreachable') throw err;
    // No control region answered: the buckets' regions still let the readiness be checked and
    // shown before this ends the run.
    const regionOf = async (bucket: string, known?: string) =>
      reported?.get(bucket) ?? known ?? (await locateBucket(aws, bucket));
    return {
      ...base,
      primary: { bucket: primaryBucket, region: await regionOf(primaryBucket) },
      replica: { bucket: replicaBucket, region: await regionOf(replicaBucket, ref.replicaRegion) },
      routes: [],
      controlFailures: [],
      routesError: err,
    };
  }
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
    ...base,
    primary: side(primaryBucket),
    replica: side(replicaBucket),
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
  command: 'failover' | 'failback',
): Promise<{ alias?: string; regions?: Map<string, string> }> {
  const { aws } = clients;
  const name = names.multiRegionAccessPoint;
  try {
    const point = await getAccessPoint(controlIn(clients)(MANAGEMENT_REGION), account, name);
    if (!point) throw await noAccessPoint(aws, names, suffix, command);
    // The buckets' regions as the access point reports them (bucket -> region).
    const regions = new Map<string, string>();
    for (const r of point.Regions ?? []) if (r.Bucket && r.Region) regions.set(r.Bucket, r.Region);
    return { alias: point.Alias, regions };
  } catch (err) {
    if (err instanceof CliError) throw err;
    // us-west-2 did not answer: the stack's output names the access point as well.
    const arn = (await stackOutputs(aws, suffix))?.[ACCESS_POINT_OUTPUT_KEYS.multiRegionAccessPointArn];
    if (!arn) {
      throw describeAwsError(
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
    throw describeAwsError(err, 'the caller identity (STS GetCallerIdentity, for the account id)', 'STS');
  }
  throw new CliError('STS returned no account id: cannot name the deployment');
}

/** The top-level stack's outputs; undefined when the stack cannot be read. */
async function stackOutputs(aws: AwsClients, suffix: string): Promise<Record<string, string> | undefined> {
  const stack = await readStack(aws, suffix);
  return typeof stack === 'string' ? undefined : stack;
}

/**
 * Exit 2 for a deployment without an access point, saying what the applications must use
 * instead: there is nothing to switch, and a half-done switch is worse than none. When neither
 * the stack nor the primary bucket exists there is no deployment at all, and it says so.
 */
async function noAccessPoint(
  aws: AwsClients,
  names: DeploymentNames,
  suffix: string,
  command: 'failover' | 'failback',
): Promise<CliError> {
  const stack = await readStack(aws, suffix);
  const look = async (bucket: string): Promise<{ region?: string; problem?: CliError }> => {
    try {
      return { region: (await headBucket(aws, bucket)).region };
    } catch (err) {
      return { problem: describeAwsError(err, `bucket ${bucket}`) };
    }
  };
  const [primary, replica] = await Promise.all([look(names.primaryBucket), look(names.replicaBucket)]);
  const missing = (b: { problem?: CliError }) => b.problem?.code === 'not-found';
  if (stack === 'missing' && missing(primary)) {
    const buckets = missing(replica)
      ? `buckets ${names.primaryBucket} and ${names.replicaBucket} do not exist`
      : `bucket ${names.primaryBucket} does not exist`;
    return new CliError(
      `no deployment ${suffix}: stack ${stackName(suffix)} not found in ${aws.region} and ${buckets}: check --env and --region`,
      EXIT.usage,
      'not-found',
    );
  }
  const outputs = stack === 'missing' || stack === 'unreadable' ? undefined : stack;
  const vault = outputs?.[VAULT_OUTPUT_KEYS.replicaAccount];
  if (vault !== undefined) return vaultHasNoRoutes(command, `deployment ${suffix}`, vault);
  const replicaRegion = replica.region ?? outputs?.[OUTPUT_KEYS.replicaRegion];
  const where = (bucket: string, region?: string) =>
    `${bucket} ${region ? `in region ${region}` : 'in its region'}`;
  // What could not be read is said after the advice, in its own clause: no nested parentheses.
  const notes = [
    ...(primary.problem ? [primary.problem.message] : []),
    ...(replica.problem && !replicaRegion ? [replica.problem.message] : []),
  ];
  const advice =
    command === 'failover'
      ? `to fail over, point the applications at bucket ${where(names.replicaBucket, replicaRegion)} (and back at ${where(names.primaryBucket, primary.region)} afterwards)`
      : `to fail back, point the applications at bucket ${where(names.primaryBucket, primary.region)} again`;
  return new CliError(
    `deployment ${suffix} has no Multi-Region Access Point (${names.multiRegionAccessPoint}), so there are no routes to move: ${advice}${notes.map((n) => `; ${n}`).join('')}`,
    EXIT.usage,
    'not-found',
  );
}

/** The top-level stack's outputs, 'missing' when CloudFormation says it does not exist, else 'unreadable'. */
async function readStack(
  aws: AwsClients,
  suffix: string,
): Promise<Record<string, string> | 'missing' | 'unreadable'> {
  try {
    const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
    const res = await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName(suffix) }));
    const outputs: Record<string, string> = {};
    for (const o of res.Stacks?.[0]?.Outputs ?? []) {
      if (o.OutputKey && o.OutputValue) outputs[o.OutputKey] = o.OutputValue;
    }
    return outputs;
  } catch (err) {
    // DescribeStacks answers a stack that does not exist with a ValidationError saying so.
    const e = err as { name?: string; message?: string };
    return e.name === 'ValidationError' && /does not exist/.test(e.message ?? '') ? 'missing' : 'unreadable';
  }
}

/** The routes as lines: `primary  primary-bucket-… (us-east-1)  100 active`. */
export function formatSides(primary: Side, replica: Side): string[] {
  const width = Math.max(primary.bucket.length, replica.bucket.length) + 2;
  const line = (label: string, s: Side) =>
    `  ${label.padEnd(8)} ${`${s.bucket}`.padEnd(width)}${`(${s.region})`.padEnd(18)} ${s.dial === undefined ? '  ? unknown' : `${String(s.dial).padStart(3)} ${s.dial > 0 ? 'active' : 'passive'}`}`;
  return [line('primary', primary), line('replica', replica)];
}
