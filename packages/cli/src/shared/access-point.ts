import {
  GetMultiRegionAccessPointCommand,
  GetMultiRegionAccessPointRoutesCommand,
  type MultiRegionAccessPointReport,
  type MultiRegionAccessPointRoute,
  type S3ControlClient,
  SubmitMultiRegionAccessPointRoutesCommand,
} from '@aws-sdk/client-s3-control';
import { CliError, describeAwsError, EXIT } from './errors';

/**
 * The regions that serve the failover control plane (Get/SubmitMultiRegionAccessPointRoutes);
 * any one will do. https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_SubmitMultiRegionAccessPointRoutes.html
 */
export const CONTROL_REGIONS = [
  'us-east-1',
  'us-west-2',
  'ap-southeast-2',
  'ap-northeast-1',
  'eu-west-1',
] as const;

/**
 * GetMultiRegionAccessPoint "will always be routed to the US West (Oregon) Region"
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_GetMultiRegionAccessPoint.html).
 */
export const MANAGEMENT_REGION = 'us-west-2';

/** `arn:aws:s3::<account>:accesspoint/<alias>`: how the route calls name an access point. */
export function accessPointArn(partition: string, account: string, alias: string): string {
  return `arn:${partition}:s3::${account}:accesspoint/${alias}`;
}

/** The access point named `name` in the account; undefined when there is none. */
export async function getAccessPoint(
  control: S3ControlClient,
  account: string,
  name: string,
): Promise<MultiRegionAccessPointReport | undefined> {
  try {
    const res = await control.send(new GetMultiRegionAccessPointCommand({ AccountId: account, Name: name }));
    return res.AccessPoint;
  } catch (err) {
    if ((err as Error)?.name === 'NoSuchMultiRegionAccessPoint') return undefined;
    throw err;
  }
}

/** A control-plane region that did not answer, and why. */
export interface ControlFailure {
  readonly region: string;
  readonly reason: string;
}

/** What a control-plane call returned, which region answered and which ones failed before it. */
export interface ControlAnswer<T> {
  readonly value: T;
  readonly region: string;
  readonly failures: readonly ControlFailure[];
}

/**
 * The control regions in the order to try them: `last` (the region in trouble, whose control
 * endpoint may be down with it) goes to the end.
 */
export function controlRegionOrder(last?: string): string[] {
  return [...CONTROL_REGIONS.filter((r) => r !== last), ...CONTROL_REGIONS.filter((r) => r === last)];
}

/**
 * Runs `call` against each control region in turn until one answers. A region that cannot be
 * reached, throttles or fails on its side (5xx) is skipped; a refusal that every region would
 * give the same way (access denied, no such access point, a bad request) ends the attempt.
 */
export async function onControlPlane<T>(
  controlIn: (region: string) => S3ControlClient,
  what: string,
  call: (control: S3ControlClient) => Promise<T>,
  regions: readonly string[] = CONTROL_REGIONS,
): Promise<ControlAnswer<T>> {
  const failures: ControlFailure[] = [];
  for (const region of regions) {
    try {
      return { value: await call(controlIn(region)), region, failures };
    } catch (err) {
      if (isAwsRefusal(err)) {
        throw describeAwsError(err, `${what} (control plane in ${region})`, 'S3 Control');
      }
      failures.push({
        region,
        reason: describeAwsError(err, 'S3 Control', 'S3 Control').message,
      });
    }
  }
  throw new CliError(
    `no failover control region answered for ${what}: ${groupFailures(failures)}`,
    EXIT.usage,
    'unreachable',
  );
}

/**
 * Whether S3 Control itself refused (a 4xx other than throttling, with the AWS error code its
 * XML error body carries): every region would refuse the same way. A response that is not an AWS
 * error (an HTML page from a proxy, an empty 404, a body the SDK cannot parse: no `Code`) says
 * nothing about the other regions.
 */
function isAwsRefusal(err: unknown): boolean {
  const e = err as { Code?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = e?.$metadata?.httpStatusCode;
  if (status === undefined || status < 400 || status >= 500 || status === 429) return false;
  return typeof e?.Code === 'string' && e.Code !== '';
}

/** `us-west-2, eu-west-1: <reason>; us-east-1: <other reason>`: each reason once, with its regions. */
function groupFailures(failures: readonly ControlFailure[]): string {
  const regions = new Map<string, string[]>();
  for (const f of failures) regions.set(f.reason, [...(regions.get(f.reason) ?? []), f.region]);
  return [...regions].map(([reason, names]) => `${names.join(', ')}: ${reason}`).join('; ');
}

/** The access point's current routes, from the first control region that answers. */
export async function getRoutes(
  controlIn: (region: string) => S3ControlClient,
  account: string,
  arn: string,
  regions?: readonly string[],
): Promise<
  ControlAnswer<readonly MultiRegionAccessPointRoute[]> & { routes: readonly MultiRegionAccessPointRoute[] }
> {
  const answer = await onControlPlane(
    controlIn,
    `the routes of ${arn}`,
    async (control) =>
      (await control.send(new GetMultiRegionAccessPointRoutesCommand({ AccountId: account, Mrap: arn })))
        .Routes ?? [],
    regions,
  );
  return { ...answer, routes: answer.value };
}

/** Submits route updates (unspecified regions stay as they are) through the first region that answers. */
export async function submitRoutes(
  controlIn: (region: string) => S3ControlClient,
  account: string,
  arn: string,
  updates: readonly MultiRegionAccessPointRoute[],
  regions?: readonly string[],
): Promise<ControlAnswer<void>> {
  return onControlPlane(
    controlIn,
    `the routes of ${arn}`,
    async (control) => {
      await control.send(
        new SubmitMultiRegionAccessPointRoutesCommand({
          AccountId: account,
          Mrap: arn,
          RouteUpdates: updates.map((u) => ({
            Bucket: u.Bucket,
            Region: u.Region,
            TrafficDialPercentage: u.TrafficDialPercentage,
          })),
        }),
      );
    },
    regions,
  );
}
