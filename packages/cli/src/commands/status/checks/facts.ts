import {
  type CompositeAlarm,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { DescribeRuleCommand, ListTargetsByRuleCommand, type Target } from '@aws-sdk/client-eventbridge';
import { GetRoleCommand, type Role } from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import {
  GetBucketAccelerateConfigurationCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  type LifecycleRule,
  type PublicAccessBlockConfiguration,
  type ReplicationConfiguration,
  type ServerSideEncryptionRule,
} from '@aws-sdk/client-s3';
import type { MultiRegionAccessPointReport, MultiRegionAccessPointRoute } from '@aws-sdk/client-s3-control';
import { ListSubscriptionsByTopicCommand, type Subscription } from '@aws-sdk/client-sns';
import { getAccessPoint, getRoutes, MANAGEMENT_REGION } from '../../../shared/access-point';
import type { AwsClients } from '../../../shared/aws';
import { type ObjectLock, readObjectLock } from '../../../shared/object-lock';
import { checkAdvances } from '../../../shared/paging';
import { type BucketRegions, s3ForBuckets } from '../../../shared/regions';

/**
 * A failed read, with the IAM action it needed and what it read: the audit turns it into a WARN
 * "could not check" that names both.
 */
export class FactError extends Error {
  constructor(
    readonly action: string,
    readonly resource: string,
    override readonly cause: unknown,
  ) {
    super(`${action} on ${resource} failed: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'FactError';
  }
}

/** The replication metrics S3 publishes per rule, and the statistic each is read with. */
export const REPLICATION_METRICS = {
  latency: { name: 'ReplicationLatency', stat: 'Maximum', unit: 'seconds' },
  pendingOperations: { name: 'OperationsPendingReplication', stat: 'Maximum', unit: 'operations' },
  pendingBytes: { name: 'BytesPendingReplication', stat: 'Maximum', unit: 'bytes' },
  failedOperations: { name: 'OperationsFailedReplication', stat: 'Sum', unit: 'operations' },
} as const;

export type ReplicationMetric = keyof typeof REPLICATION_METRICS;

/** One metric over the look-back window: its datapoints, oldest first (empty: no data, not zero). */
export interface MetricSeries {
  readonly timestamps: readonly Date[];
  readonly values: readonly number[];
}

export const METRICS_WINDOW_MS = 60 * 60 * 1000;
const METRICS_PERIOD_SECONDS = 60;

/** The policy document of a bucket, as far as the checks read it. */
export interface PolicyDocument {
  readonly Statement?: PolicyStatement | readonly PolicyStatement[];
}

export interface PolicyStatement {
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly Action?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/**
 * Everything the checks read, fetched at most once each (several checks share one
 * GetBucketReplication). "Not configured" answers (NoSuchBucketPolicy and friends) are values
 * (undefined or []); every other error is a {@link FactError}.
 */
export interface Facts {
  versioning(bucket: string): Promise<string | undefined>;
  encryption(bucket: string): Promise<ServerSideEncryptionRule | undefined>;
  publicAccessBlock(bucket: string): Promise<PublicAccessBlockConfiguration | undefined>;
  policy(bucket: string): Promise<PolicyDocument | undefined>;
  /** The bucket's tags, by key (none: empty). */
  tags(bucket: string): Promise<Readonly<Record<string, string>>>;
  accelerate(bucket: string): Promise<string | undefined>;
  lifecycle(bucket: string): Promise<readonly LifecycleRule[]>;
  replication(bucket: string): Promise<ReplicationConfiguration | undefined>;
  /** The key's metadata; undefined when the key does not exist. */
  key(keyId: string): Promise<KeyMetadata | undefined>;
  keyRotation(keyArn: string): Promise<boolean>;
  role(name: string): Promise<Role | undefined>;
  /** Alarms by name, in `region` (default: the CLI's region); alarms live where their metrics are. */
  alarms(
    names: readonly string[],
    region?: string,
  ): Promise<ReadonlyMap<string, MetricAlarm | CompositeAlarm>>;
  /** Every subscription of the topic; undefined when the topic does not exist. */
  subscriptions(topicArn: string): Promise<readonly Subscription[] | undefined>;
  metrics(
    source: string,
    replica: string,
    ruleId: string,
  ): Promise<Readonly<Record<ReplicationMetric, MetricSeries>>>;
  /** The region serving a bucket (HeadBucket's answer; the CLI's region when unknown). */
  regionOf(bucket: string): string;
  /** The Multi-Region Access Point of that name; undefined when there is none. */
  accessPoint(account: string, name: string): Promise<MultiRegionAccessPointReport | undefined>;
  /** Its routes, from the failover control plane (the first of its regions that answers). */
  routes(account: string, arn: string): Promise<readonly MultiRegionAccessPointRoute[]>;
  objectLock(bucket: string): Promise<ObjectLock>;
  /** The key's policy document. */
  keyPolicy(keyArn: string): Promise<PolicyDocument | undefined>;
  /** The EventBridge rule (default bus) and its targets; undefined when it does not exist. */
  eventRule(name: string): Promise<EventRule | undefined>;
}

export interface EventRule {
  readonly name: string;
  readonly state?: string;
  readonly eventPattern?: string;
  readonly targets: readonly Target[];
}

/**
 * The replica's side: its bucket (read with the replica side's credentials when they are separate)
 * and, for a vault in another account, that account (its keys and topics are read there too).
 */
export interface ReplicaSide {
  readonly bucket?: string;
  readonly account?: string;
}

/** Error names that mean "this is not configured", per API. */
const NOT_CONFIGURED = new Set([
  'ServerSideEncryptionConfigurationNotFoundError',
  'NoSuchPublicAccessBlockConfiguration',
  'NoSuchBucketPolicy',
  'NoSuchLifecycleConfiguration',
  'ReplicationConfigurationNotFoundError',
  'NoSuchTagSet',
]);

function errorName(err: unknown): string {
  const e = err as { name?: string; Code?: string };
  return e?.name ?? e?.Code ?? '';
}

/**
 * The facts of a pair whose buckets live in `regions` (from HeadBucket): each bucket is read in
 * its region, each key in the region its ARN names, replication metrics in the source's region.
 */
export function createFacts(
  clients: AwsClients,
  now: () => Date = () => new Date(),
  regions: BucketRegions = new Map(),
  replicaSide: ReplicaSide = {},
): Facts {
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let promise = memo.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = load();
      memo.set(key, promise);
    }
    return promise;
  };
  /** Runs `read`; "not configured" becomes `empty`, anything else a FactError naming `action`. */
  const read = async <T, E>(
    action: string,
    resource: string,
    empty: E,
    fn: () => Promise<T>,
  ): Promise<T | E> => {
    try {
      return await fn();
    } catch (err) {
      if (NOT_CONFIGURED.has(errorName(err))) return empty;
      throw new FactError(action, resource, err);
    }
  };
  const { iam } = clients;
  const s3 = s3ForBuckets(clients, regions, replicaSide.bucket === undefined ? [] : [replicaSide.bucket]);
  const regionOf = (bucket: string): string => regions.get(bucket) ?? clients.region;
  /**
   * The clients of the region and account an ARN names: the vault's key and topic are read with
   * the replica side's credentials (a key id or alias name: the CLI's region and account).
   */
  const clientsFor = (arn: string): AwsClients => {
    const [, region, account] = /^arn:[^:]+:[^:]+:([^:]*):(\d{12}):/.exec(arn) ?? [];
    const side = account !== undefined && account === replicaSide.account ? clients.replicaSide : clients;
    return side.inRegion(region || clients.region);
  };
  const kmsFor = (keyId: string) => clientsFor(keyId).kms;

  return {
    versioning: (bucket) =>
      once(`versioning:${bucket}`, () =>
        read('s3:GetBucketVersioning', `bucket ${bucket}`, undefined, async () => {
          return (await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
        }),
      ),
    encryption: (bucket) =>
      once(`encryption:${bucket}`, () =>
        read('s3:GetEncryptionConfiguration', `bucket ${bucket}`, undefined, async () => {
          const res = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
          return res.ServerSideEncryptionConfiguration?.Rules?.[0];
        }),
      ),
    publicAccessBlock: (bucket) =>
      once(`pab:${bucket}`, () =>
        read('s3:GetBucketPublicAccessBlock', `bucket ${bucket}`, undefined, async () => {
          return (await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })))
            .PublicAccessBlockConfiguration;
        }),
      ),
    policy: (bucket) =>
      once(`policy:${bucket}`, () =>
        read('s3:GetBucketPolicy', `bucket ${bucket}`, undefined, async () => {
          const text = (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy;
          return text ? (JSON.parse(text) as PolicyDocument) : undefined;
        }),
      ),
    tags: (bucket) =>
      once(`tags:${bucket}`, () =>
        read('s3:GetBucketTagging', `bucket ${bucket}`, {}, async () => {
          const res = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
          return Object.fromEntries((res.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
        }),
      ),
    accelerate: (bucket) =>
      once(`accelerate:${bucket}`, () =>
        read('s3:GetAccelerateConfiguration', `bucket ${bucket}`, undefined, async () => {
          return (await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket: bucket }))).Status;
        }),
      ),
    lifecycle: (bucket) =>
      once(`lifecycle:${bucket}`, () =>
        read('s3:GetLifecycleConfiguration', `bucket ${bucket}`, [] as LifecycleRule[], async () => {
          return (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
        }),
      ),
    replication: (bucket) =>
      once(`replication:${bucket}`, () =>
        read('s3:GetReplicationConfiguration', `bucket ${bucket}`, undefined, async () => {
          return (await s3.send(new GetBucketReplicationCommand({ Bucket: bucket })))
            .ReplicationConfiguration;
        }),
      ),
    key: (keyId) =>
      once(`key:${keyId}`, async () => {
        try {
          return (await kmsFor(keyId).send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
        } catch (err) {
          if (errorName(err) === 'NotFoundException') return undefined;
          throw new FactError('kms:DescribeKey', `key ${keyId}`, err);
        }
      }),
    keyRotation: (keyArn) =>
      once(`rotation:${keyArn}`, () =>
        read('kms:GetKeyRotationStatus', `key ${keyArn}`, false, async () => {
          return (
            (await kmsFor(keyArn).send(new GetKeyRotationStatusCommand({ KeyId: keyArn })))
              .KeyRotationEnabled === true
          );
        }),
      ),
    role: (name) =>
      once(`role:${name}`, async () => {
        try {
          return (await iam.send(new GetRoleCommand({ RoleName: name }))).Role;
        } catch (err) {
          if (errorName(err) === 'NoSuchEntityException' || errorName(err) === 'NoSuchEntity')
            return undefined;
          throw new FactError('iam:GetRole', `role ${name}`, err);
        }
      }),
    alarms: (names, region = clients.region) =>
      once(`alarms:${region}:${names.join(',')}`, () =>
        read('cloudwatch:DescribeAlarms', `alarms ${names.join(', ')}`, undefined, async () => {
          const res = await clients.inRegion(region).cloudWatch.send(
            new DescribeAlarmsCommand({
              AlarmNames: [...names],
              AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            }),
          );
          const found = new Map<string, MetricAlarm | CompositeAlarm>();
          for (const alarm of [...(res.MetricAlarms ?? []), ...(res.CompositeAlarms ?? [])]) {
            if (alarm.AlarmName) found.set(alarm.AlarmName, alarm);
          }
          return found;
        }).then((found) => found ?? new Map()),
      ),
    subscriptions: (topicArn) =>
      once(`subscriptions:${topicArn}`, async () => {
        try {
          const found: Subscription[] = [];
          let NextToken: string | undefined;
          do {
            // A topic is served by the region and account its ARN names (the replica's topic in
            // two-way deployments, a vault's in its account).
            const page = await clientsFor(topicArn).sns.send(
              new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }),
            );
            found.push(...(page.Subscriptions ?? []));
            checkAdvances(`the subscriptions listing of topic ${topicArn}`, 'SNS', NextToken, page.NextToken);
            NextToken = page.NextToken;
          } while (NextToken);
          return found;
        } catch (err) {
          if (errorName(err) === 'NotFoundException' || errorName(err) === 'NotFound') return undefined;
          throw new FactError('sns:ListSubscriptionsByTopic', `topic ${topicArn}`, err);
        }
      }),
    objectLock: (bucket) =>
      once(`objectLock:${bucket}`, async () => {
        try {
          return await readObjectLock(s3, bucket);
        } catch (err) {
          throw new FactError('s3:GetBucketObjectLockConfiguration', `bucket ${bucket}`, err);
        }
      }),
    keyPolicy: (keyArn) =>
      once(`keyPolicy:${keyArn}`, () =>
        read('kms:GetKeyPolicy', `key ${keyArn}`, undefined, async () => {
          const text = (
            await kmsFor(keyArn).send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))
          ).Policy;
          return text ? (JSON.parse(text) as PolicyDocument) : undefined;
        }),
      ),
    eventRule: (name) =>
      once(`eventRule:${name}`, async () => {
        try {
          const rule = await clients.eventBridge.send(new DescribeRuleCommand({ Name: name }));
          const targets = await clients.eventBridge.send(new ListTargetsByRuleCommand({ Rule: name }));
          return { name, state: rule.State, eventPattern: rule.EventPattern, targets: targets.Targets ?? [] };
        } catch (err) {
          if (errorName(err) === 'ResourceNotFoundException') return undefined;
          throw new FactError('events:DescribeRule', `rule ${name}`, err);
        }
      }),
    metrics: (source, replica, ruleId) =>
      once(`metrics:${source}:${replica}:${ruleId}`, () =>
        read('cloudwatch:GetMetricData', `replication metrics of rule ${ruleId}`, undefined, () =>
          // Replication metrics are published in the source bucket's region.
          readMetrics(clients.inRegion(regionOf(source)), source, replica, ruleId, now()),
        ).then((series) => series as Record<ReplicationMetric, MetricSeries>),
      ),
    regionOf,
    accessPoint: (account, name) =>
      once(`accessPoint:${name}`, () =>
        read('s3:GetMultiRegionAccessPoint', `access point ${name}`, undefined, () =>
          getAccessPoint(clients.inRegion(MANAGEMENT_REGION).s3Control, account, name),
        ),
      ),
    routes: (account, arn) =>
      once(`routes:${arn}`, () =>
        read('s3:GetMultiRegionAccessPointRoutes', `access point ${arn}`, [], async () => {
          return (await getRoutes((region) => clients.inRegion(region).s3Control, account, arn)).routes;
        }),
      ),
  };
}

async function readMetrics(
  clients: AwsClients,
  source: string,
  replica: string,
  ruleId: string,
  end: Date,
): Promise<Record<ReplicationMetric, MetricSeries>> {
  const dimensions = [
    { Name: 'SourceBucket', Value: source },
    { Name: 'DestinationBucket', Value: replica },
    { Name: 'RuleId', Value: ruleId },
  ];
  const ids = Object.keys(REPLICATION_METRICS) as ReplicationMetric[];
  const res = await clients.cloudWatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(end.getTime() - METRICS_WINDOW_MS),
      EndTime: end,
      ScanBy: 'TimestampAscending',
      MetricDataQueries: ids.map((id) => ({
        Id: id,
        ReturnData: true,
        MetricStat: {
          Metric: { Namespace: 'AWS/S3', MetricName: REPLICATION_METRICS[id].name, Dimensions: dimensions },
          Period: METRICS_PERIOD_SECONDS,
          Stat: REPLICATION_METRICS[id].stat,
        },
      })),
    }),
  );
  const series = {} as Record<ReplicationMetric, MetricSeries>;
  for (const id of ids) {
    const result = res.MetricDataResults?.find((r) => r.Id === id);
    series[id] = { timestamps: result?.Timestamps ?? [], values: result?.Values ?? [] };
  }
  return series;
}
