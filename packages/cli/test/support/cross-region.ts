import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  type ReplicationRule,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateMultiRegionAccessPointCommand,
  GetMultiRegionAccessPointCommand,
  GetMultiRegionAccessPointRoutesCommand,
  type MultiRegionAccessPointRoute,
  S3ControlClient,
  SubmitMultiRegionAccessPointRoutesCommand,
} from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { type DeploymentNames, deploymentNames } from 's3-dr-naming';
import { motoEndpoint, uniqueBucket } from '../../../../test/support/moto';
import { MOTO_ACCOUNT, putRule, uniqueSuffix } from './dr-pair';
import { faithfulReplication } from './moto-fidelity';

export const PRIMARY_REGION = 'us-east-1';
export const REPLICA_REGION = 'eu-west-1';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** A moto S3 client signing for `region` (moto serves every region on one endpoint). */
export function motoS3In(region: string): S3Client {
  return faithfulReplication(
    new S3Client({ region, endpoint: motoEndpoint(), credentials, forcePathStyle: true }),
  );
}

/** A new versioned bucket on moto, in `region`, and a client signing for that region. */
export async function versionedBucket(
  region: string,
  prefix: string,
): Promise<{ s3: S3Client; bucket: string }> {
  const s3 = motoS3In(region);
  const bucket = uniqueBucket(prefix);
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      ...(region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
    }),
  );
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  return { s3, bucket };
}

/** The region of the client that sent each call a mocked client recorded (aws-sdk-client-mock). */
export function regionsOfCalls(calls: readonly { readonly thisValue: unknown }[]): Promise<string[]> {
  return Promise.all(
    calls.map((call) => (call.thisValue as { config: { region: () => Promise<string> } }).config.region()),
  );
}

/** S3 Control on moto (it serves CreateMultiRegionAccessPoint/GetMultiRegionAccessPoint). */
export function motoControl(): S3ControlClient {
  const endpoint = motoEndpoint();
  return new S3ControlClient({
    region: 'us-west-2',
    credentials,
    // S3 Control prefixes the host with the account id; moto answers on its own address.
    endpointProvider: () => ({ url: new URL(endpoint) }),
  });
}

/**
 * Puts one datapoint of a replication metric of a rule (S3's dimensions: SourceBucket,
 * DestinationBucket, RuleId), `ageMs` ago, in `region` on moto's CloudWatch.
 */
export async function putReplicationMetric(
  region: string,
  rule: { source: string; destination: string; ruleId: string },
  metric: 'ReplicationLatency' | 'BytesPendingReplication' | 'OperationsFailedReplication',
  value: number,
  ageMs = 60_000,
): Promise<void> {
  const cloudWatch = new CloudWatchClient({ region, endpoint: motoEndpoint(), credentials });
  await cloudWatch.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/S3',
      MetricData: [
        {
          MetricName: metric,
          Dimensions: [
            { Name: 'SourceBucket', Value: rule.source },
            { Name: 'DestinationBucket', Value: rule.destination },
            { Name: 'RuleId', Value: rule.ruleId },
          ],
          Value: value,
          Timestamp: new Date(Date.now() - ageMs),
        },
      ],
    }),
  );
}

/** A cross-region deployment on moto: primary in us-east-1, replica in eu-west-1. */
export interface CrossRegionDeployment {
  readonly suffix: string;
  readonly names: DeploymentNames;
  /** Set when the deployment has an access point. */
  readonly alias?: string;
  readonly arn?: string;
}

export interface CrossRegionOptions {
  readonly accessPoint?: boolean;
  /** Put a reverse rule on the replica bucket (two-way). */
  readonly reverseRule?: boolean;
  /** Put the forward rule (named by the naming contract) on the primary bucket. */
  readonly forwardRule?: boolean;
  /** The replica's archive class (a lifecycle rule after 90 days); none when unset. */
  readonly archiveClass?: string;
}

/**
 * Builds the buckets of a cross-region deployment named by the naming contract (versioned, the
 * replica in eu-west-1 by LocationConstraint) and, unless `accessPoint: false`, its Multi-Region
 * Access Point `s3-dr-<suffix>` over both, as CloudFormation would create it.
 */
export async function buildCrossRegion(options: CrossRegionOptions = {}): Promise<CrossRegionDeployment> {
  const suffix = uniqueSuffix();
  const names = deploymentNames(suffix, MOTO_ACCOUNT);
  const primary = motoS3In(PRIMARY_REGION);
  const replica = motoS3In(REPLICA_REGION);
  await primary.send(new CreateBucketCommand({ Bucket: names.primaryBucket }));
  await replica.send(
    new CreateBucketCommand({
      Bucket: names.replicaBucket,
      CreateBucketConfiguration: { LocationConstraint: REPLICA_REGION },
    }),
  );
  for (const [s3, bucket] of [
    [primary, names.primaryBucket],
    [replica, names.replicaBucket],
  ] as const) {
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  }
  if (options.archiveClass) {
    await replica.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: names.replicaBucket,
        LifecycleConfiguration: {
          Rules: [
            {
              ID: 'archive-after-90-days',
              Status: 'Enabled',
              Filter: {},
              Transitions: [{ Days: 90, StorageClass: options.archiveClass as 'GLACIER' }],
              NoncurrentVersionTransitions: [
                { NoncurrentDays: 90, StorageClass: options.archiveClass as 'GLACIER' },
              ],
            },
          ],
        },
      }),
    );
  }
  if (options.reverseRule) {
    await putRule(
      replica,
      names.replicaBucket,
      `arn:aws:iam::${MOTO_ACCOUNT}:role/${names.reverseReplicationRole}`,
      reverseRule(names),
    );
  }
  if (options.forwardRule) {
    await putRule(
      primary,
      names.primaryBucket,
      `arn:aws:iam::${MOTO_ACCOUNT}:role/${names.replicationRole}`,
      {
        ...reverseRule(names),
        ID: names.replicationRuleId,
        Destination: { ...reverseRule(names).Destination, Bucket: `arn:aws:s3:::${names.replicaBucket}` },
      },
    );
  }
  if (options.accessPoint === false) return { suffix, names };
  const control = motoControl();
  await control.send(
    new CreateMultiRegionAccessPointCommand({
      AccountId: MOTO_ACCOUNT,
      ClientToken: suffix,
      Details: {
        Name: names.multiRegionAccessPoint,
        PublicAccessBlock: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
        Regions: [{ Bucket: names.primaryBucket }, { Bucket: names.replicaBucket }],
      },
    }),
  );
  const point = await control.send(
    new GetMultiRegionAccessPointCommand({ AccountId: MOTO_ACCOUNT, Name: names.multiRegionAccessPoint }),
  );
  const alias = point.AccessPoint?.Alias as string;
  return { suffix, names, alias, arn: `arn:aws:s3::${MOTO_ACCOUNT}:accesspoint/${alias}` };
}

/** The reverse rule as the two-way stack puts it on the replica bucket. */
export function reverseRule(names: DeploymentNames): ReplicationRule {
  return {
    ID: names.reverseReplicationRuleId,
    Status: 'Enabled',
    Priority: 1,
    Filter: {},
    DeleteMarkerReplication: { Status: 'Enabled' },
    Destination: {
      Bucket: `arn:aws:s3:::${names.primaryBucket}`,
      ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
      Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
      EncryptionConfiguration: {
        ReplicaKmsKeyID: `arn:aws:kms:${PRIMARY_REGION}:${MOTO_ACCOUNT}:alias/s3-dr-primary`,
      },
    },
    SourceSelectionCriteria: {
      SseKmsEncryptedObjects: { Status: 'Enabled' },
      ReplicaModifications: { Status: 'Enabled' },
    },
  };
}

/** The routes a new deployment has: primary active, replica passive. */
export function initialRoutes(names: DeploymentNames): MultiRegionAccessPointRoute[] {
  return [
    { Bucket: names.primaryBucket, Region: PRIMARY_REGION, TrafficDialPercentage: 100 },
    { Bucket: names.replicaBucket, Region: REPLICA_REGION, TrafficDialPercentage: 0 },
  ];
}

/** One call the mocked control plane received. */
/** failover / failback options for a test: apply (--yes), no waiting, a minute of allowed lag. */
export const SWITCH_OPTIONS = {
  yes: true,
  force: false,
  wait: false,
  timeoutMs: 60_000,
  pollIntervalMs: 1000,
  maxLagMs: 60_000,
};

export interface ControlCall {
  readonly command: 'GetAccessPoint' | 'GetRoutes' | 'SubmitRoutes';
  readonly region: string;
  readonly input: Record<string, unknown>;
}

export interface MockedControlPlane {
  readonly calls: ControlCall[];
  /** The routes the control plane holds now. */
  routes: MultiRegionAccessPointRoute[];
  restore(): void;
}

/**
 * Plays the failover control plane, which moto does not serve, with aws-sdk-client-mock on every
 * S3ControlClient: GetMultiRegionAccessPointRoutes answers the routes it holds,
 * SubmitMultiRegionAccessPointRoutes records the request and changes them (reported after
 * `applyAfterReads` more reads, as routes take time to apply). A region in `down` (every region
 * once routes were submitted, with `downAfterSubmit`) fails as an unreachable endpoint does.
 * GetMultiRegionAccessPoint is recorded and goes to moto unchanged, or fails as unreachable with
 * `managementDown`.
 */
export function mockControlPlane(
  routes: MultiRegionAccessPointRoute[],
  {
    down = [],
    applyAfterReads = 0,
    downAfterSubmit = false,
    managementDown = false,
  }: {
    down?: readonly string[];
    applyAfterReads?: number;
    downAfterSubmit?: boolean;
    managementDown?: boolean;
  } = {},
): MockedControlPlane {
  const realSend = S3ControlClient.prototype.send;
  const mock = mockClient(S3ControlClient);
  const state: MockedControlPlane = {
    calls: [],
    routes: routes.map((r) => ({ ...r })),
    restore: () => mock.restore(),
  };
  let pending: { routes: MultiRegionAccessPointRoute[]; reads: number } | undefined;
  let submitted = false;
  const regionOf = async (client: { config: { region: unknown } }): Promise<string> => {
    const region = client.config.region;
    return typeof region === 'function' ? await region() : String(region);
  };
  const unreachable = (region: string) =>
    Object.assign(new Error(`connect ECONNREFUSED s3-control.${region}`), {
      code: 'ECONNREFUSED',
      $metadata: {},
    });
  mock.on(GetMultiRegionAccessPointCommand).callsFake(async (input, getClient) => {
    const region = await regionOf(getClient() as never);
    state.calls.push({ command: 'GetAccessPoint', region, input });
    if (managementDown) throw unreachable(region);
    return (realSend as (c: unknown) => Promise<unknown>).call(
      getClient(),
      new GetMultiRegionAccessPointCommand(input),
    );
  });
  mock.on(GetMultiRegionAccessPointRoutesCommand).callsFake(async (input, getClient) => {
    const region = await regionOf(getClient() as never);
    state.calls.push({ command: 'GetRoutes', region, input });
    if (down.includes(region) || (downAfterSubmit && submitted)) throw unreachable(region);
    if (pending && pending.reads-- <= 0) {
      state.routes = pending.routes;
      pending = undefined;
    }
    return { Mrap: input.Mrap, Routes: state.routes.map((r) => ({ ...r })) };
  });
  mock.on(SubmitMultiRegionAccessPointRoutesCommand).callsFake(async (input, getClient) => {
    const region = await regionOf(getClient() as never);
    state.calls.push({ command: 'SubmitRoutes', region, input });
    if (down.includes(region)) throw unreachable(region);
    const updated = state.routes.map((r) => {
      const u = (input.RouteUpdates as MultiRegionAccessPointRoute[]).find((x) => x.Bucket === r.Bucket);
      return u ? { ...r, TrafficDialPercentage: u.TrafficDialPercentage } : r;
    });
    pending = { routes: updated, reads: applyAfterReads };
    submitted = true;
    return {};
  });
  return state;
}
