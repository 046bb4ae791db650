import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  type Experiment,
  FisClient,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  ListExperimentsCommand,
  ListExperimentTemplatesCommand,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { DeploymentNames } from 's3-dr-naming';
import { motoEndpoint } from '../../../../test/support/moto';
import type { Evidence } from '../../src/commands/drill/evidence';
import type { RunState } from '../../src/commands/drill/run-state';
import { DRILL_PREFIX } from '../../src/commands/drill/settings';
import {
  buildCrossRegion,
  type CrossRegionDeployment,
  type CrossRegionOptions,
  motoS3In,
  PRIMARY_REGION,
  REPLICA_REGION,
} from './cross-region';
import { type Replicator, startReplicator } from './replicator';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** A fresh folder for a drill's report (--report). */
export function newReportDir(): string {
  return mkdtempSync(join(tmpdir(), 's3-dr-drill-'));
}

export function readEvidence(dir: string): Evidence {
  return JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')) as Evidence;
}

export function readRunState(dir: string): RunState {
  return JSON.parse(readFileSync(join(dir, 'run-state.json'), 'utf8')) as RunState;
}

/** An error as the SDK raises an AWS service's refusal. */
export function awsError(name: string, httpStatusCode: number, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

/**
 * A cross-region deployment on moto that can be drilled: the buckets and rules of
 * buildCrossRegion, the two required alarms (the preflight checks them) and the drill's FIS role
 * trusted by fis.amazonaws.com (status check drill.fault), as `-c drill=true` deploys it.
 */
export async function drillableDeployment(options: CrossRegionOptions = {}): Promise<CrossRegionDeployment> {
  const deployment = await buildCrossRegion({ forwardRule: true, accessPoint: false, ...options });
  const { names } = deployment;
  const cloudWatch = new CloudWatchClient({ region: PRIMARY_REGION, endpoint: motoEndpoint(), credentials });
  for (const [alarm, metric] of [
    [names.latencyAlarm, 'ReplicationLatency'],
    [names.failedAlarm, 'OperationsFailedReplication'],
  ] as const) {
    await cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarm,
        Namespace: 'AWS/S3',
        MetricName: metric,
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 900,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
  }
  await new IAMClient({ region: PRIMARY_REGION, endpoint: motoEndpoint(), credentials }).send(
    new CreateRoleCommand({
      RoleName: names.drillRole,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'fis.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  return deployment;
}

/** Every key in both buckets, with its versions and delete markers (to check what a drill wrote). */
export async function bucketContents(
  names: DeploymentNames,
): Promise<{ keys: string[]; versions: number; deleteMarkers: number }> {
  const keys = new Set<string>();
  let versions = 0;
  let deleteMarkers = 0;
  for (const [region, bucket] of [
    [PRIMARY_REGION, names.primaryBucket],
    [REPLICA_REGION, names.replicaBucket],
  ] as const) {
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const res = await motoS3In(region).send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
      for (const v of res.Versions ?? []) keys.add(v.Key as string);
      versions += res.Versions?.length ?? 0;
      deleteMarkers += res.DeleteMarkers?.length ?? 0;
      keyMarker = res.IsTruncated ? res.NextKeyMarker : undefined;
      versionIdMarker = res.IsTruncated ? res.NextVersionIdMarker : undefined;
    } while (keyMarker);
  }
  return { keys: [...keys].sort(), versions, deleteMarkers };
}

export const TEMPLATE_ID = 'EXTdrill0000001';

/** What the FIS mock uses of aws-sdk-client-mock's stub, without its generic types. */
interface LooseMock {
  on(command: unknown): { callsFake(fn: (input: FisInput) => Promise<unknown>): void };
  restore(): void;
}

interface FisInput {
  readonly id?: string;
  readonly experimentTemplateId?: string;
  readonly tags?: Record<string, string>;
  readonly [name: string]: unknown;
}

/** One call the mocked FIS received. */
export interface FisCall {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

export interface MockedFis {
  readonly calls: FisCall[];
  readonly experiments: Map<string, Experiment>;
  /** Whether an experiment is pausing replication now (for the test replicator). */
  pausing(): boolean;
  restore(): void;
}

/**
 * Plays AWS FIS (which moto does not serve) with aws-sdk-client-mock: the deployment's template,
 * tagged `Name=<drillExperimentTemplate>` with one pause action of `maxPause` (ISO 8601, as the
 * stack's PT30M); StartExperiment starts an experiment that is `initiating` at first and `running`
 * from the next GetExperiment (the action's startTime then), `completed` once its action's
 * duration has passed, `stopped` after StopExperiment. `failStart` makes StartExperiment fail,
 * `failGetWhileRunning` every GetExperiment once the pause runs.
 */
export function mockFis(
  names: DeploymentNames,
  {
    maxPause = 'PT30M',
    maxPauseMs = 30 * 60_000,
    failStart,
    failGetWhileRunning,
  }: { maxPause?: string; maxPauseMs?: number; failStart?: Error; failGetWhileRunning?: Error } = {},
): MockedFis {
  // @aws-sdk/client-fis is built on an older smithy than aws-sdk-client-mock's types: the stub is
  // the same at run time.
  const mock = mockClient(FisClient as never) as unknown as LooseMock;
  const calls: FisCall[] = [];
  const experiments = new Map<string, Experiment>();
  const tokens = new Map<string, string>();
  const record = (command: string, input: object) =>
    calls.push({ command, input: input as Record<string, unknown> });
  const advance = (e: Experiment): Experiment => {
    const status = e.state?.status;
    const now = new Date();
    if (status === 'initiating') {
      return {
        ...e,
        state: { status: 'running' },
        actions: { PauseForward: { state: { status: 'running' }, startTime: now } },
      };
    }
    const started = e.actions?.PauseForward?.startTime?.getTime() ?? now.getTime();
    if (status === 'running' && now.getTime() - started >= maxPauseMs) {
      return {
        ...e,
        state: { status: 'completed' },
        endTime: now,
        actions: {
          PauseForward: { ...e.actions?.PauseForward, state: { status: 'completed' }, endTime: now },
        },
      };
    }
    return e;
  };
  mock.on(ListExperimentTemplatesCommand).callsFake(async (input) => {
    record('ListExperimentTemplates', input);
    return { experimentTemplates: [{ id: TEMPLATE_ID, tags: { Name: names.drillExperimentTemplate } }] };
  });
  mock.on(GetExperimentTemplateCommand).callsFake(async (input) => {
    record('GetExperimentTemplate', input);
    if (input.id !== TEMPLATE_ID)
      throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
    return {
      experimentTemplate: {
        id: TEMPLATE_ID,
        actions: {
          PauseForward: {
            actionId: 'aws:s3:bucket-pause-replication',
            parameters: { duration: maxPause, region: REPLICA_REGION },
          },
        },
        tags: { Name: names.drillExperimentTemplate },
      },
    };
  });
  mock.on(StartExperimentCommand).callsFake(async (input) => {
    record('StartExperiment', input);
    if (failStart) throw failStart;
    // clientToken makes the request idempotent: the same token answers the same experiment.
    const again = [...experiments.values()].find((e) => tokens.get(e.id ?? '') === input.clientToken);
    if (again) return { experiment: again };
    const id = `EXP${experiments.size + 1}`;
    tokens.set(id, input.clientToken as string);
    const experiment: Experiment = {
      id,
      experimentTemplateId: input.experimentTemplateId,
      state: { status: 'initiating' },
      startTime: new Date(),
      tags: input.tags,
    };
    experiments.set(id, experiment);
    return { experiment };
  });
  mock.on(GetExperimentCommand).callsFake(async (input) => {
    record('GetExperiment', input);
    const e = experiments.get(input.id ?? '');
    if (!e) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
    const next = advance(e);
    experiments.set(e.id as string, next);
    if (failGetWhileRunning && next.state?.status === 'running' && e.state?.status === 'running')
      throw failGetWhileRunning;
    return { experiment: next };
  });
  mock.on(StopExperimentCommand).callsFake(async (input) => {
    record('StopExperiment', input);
    const e = experiments.get(input.id ?? '');
    if (!e) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
    const now = new Date();
    const stopped: Experiment = {
      ...e,
      state: { status: 'stopped' },
      endTime: now,
      actions: { PauseForward: { ...e.actions?.PauseForward, state: { status: 'stopped' }, endTime: now } },
    };
    experiments.set(e.id as string, stopped);
    return { experiment: stopped };
  });
  mock.on(ListExperimentsCommand).callsFake(async (input) => {
    record('ListExperiments', input);
    return {
      experiments: [...experiments.values()].map((e) => ({ id: e.id, state: e.state, tags: e.tags })),
    };
  });
  return {
    calls,
    experiments,
    pausing: () => [...experiments.values()].some((e) => e.state?.status === 'running'),
    restore: () => mock.restore(),
  };
}

export interface MockedAlarmHistory {
  readonly calls: Record<string, unknown>[];
  restore(): void;
}

/**
 * Plays CloudWatch's alarm history (moto keeps none) with aws-sdk-client-mock: `alarm` entered
 * ALARM `afterMs` after the first history request that names a start date (the pause's start),
 * and the history shows it once that time has come. Every other CloudWatch request goes to moto.
 */
export function mockAlarmHistory(alarm?: {
  name: string;
  afterMs: number;
  summaryOnly?: boolean;
}): MockedAlarmHistory {
  const realSend = CloudWatchClient.prototype.send;
  const mock = mockClient(CloudWatchClient);
  const calls: Record<string, unknown>[] = [];
  const passThrough =
    (Command: new (input: never) => unknown) => async (input: unknown, getClient: () => unknown) =>
      (realSend as (c: unknown) => Promise<unknown>).call(getClient(), new Command(input as never));
  mock.on(DescribeAlarmsCommand).callsFake(passThrough(DescribeAlarmsCommand as never));
  mock.on(GetMetricDataCommand).callsFake(passThrough(GetMetricDataCommand as never));
  mock.on(DescribeAlarmHistoryCommand).callsFake(async (input) => {
    calls.push(input);
    if (!alarm || input.AlarmName !== alarm.name) return { AlarmHistoryItems: [] };
    const at = (input.StartDate as Date).getTime() + alarm.afterMs;
    if (Date.now() < at) return { AlarmHistoryItems: [] };
    return {
      AlarmHistoryItems: [
        {
          AlarmName: alarm.name,
          AlarmType: 'MetricAlarm',
          Timestamp: new Date(at),
          HistoryItemType: 'StateUpdate',
          HistorySummary: 'Alarm updated from OK to ALARM',
          HistoryData: alarm.summaryOnly
            ? '{"version":"1.0"}'
            : JSON.stringify({
                version: '1.0',
                oldState: { stateValue: 'OK' },
                newState: { stateValue: 'ALARM' },
              }),
        },
      ],
    };
  });
  return { calls, restore: () => mock.restore() };
}

/** What the access point's data path (played for tests) routes by and saw. */
export interface AccessPointData {
  /** The access point's ARN: requests naming it as their bucket go to the active bucket. */
  arn?: string;
  /** The routes the control plane holds now (mockControlPlane's). */
  routes?: () => readonly { Bucket?: string; TrafficDialPercentage?: number }[];
  /** `bucket/key` of the objects the test replicator copied: HeadObject says REPLICA for them. */
  readonly replicas: Set<string>;
  /** Every request sent through the access point, as the CLI sent it. */
  readonly requests: { command: string; input: Record<string, unknown> }[];
}

type Next = (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>;

/**
 * Plays a Multi-Region Access Point's data path, which moto does not serve, on the S3 clients of a
 * set of CLI clients (a test fixture around the SDK client, never product code): a request whose
 * bucket is the access point's ARN goes to the bucket its routes make active (dial 100), and
 * HeadObject reports `ReplicationStatus: REPLICA` for what the test replicator copied, as S3 does
 * for replicas.
 */
export function withAccessPointData<
  C extends { s3: { middlewareStack: { add(m: never, o: object): void } }; inRegion(region: string): C },
>(clients: C, data: AccessPointData): C {
  const shimmed = new Set<unknown>();
  const shim = (s3: C['s3']) => {
    if (shimmed.has(s3)) return;
    shimmed.add(s3);
    s3.middlewareStack.add(
      ((next: Next, context: { commandName?: string }) =>
        async (args: { input: Record<string, unknown> }) => {
          let input = args.input;
          if (data.arn !== undefined && input.Bucket === data.arn) {
            data.requests.push({
              command: (context.commandName ?? '').replace(/Command$/, ''),
              input: { ...input },
            });
            const active = data.routes?.().find((r) => r.TrafficDialPercentage === 100)?.Bucket;
            input = { ...input, Bucket: active };
          }
          const result = await next({ ...args, input });
          if (
            context.commandName === 'HeadObjectCommand' &&
            data.replicas.has(`${input.Bucket}/${input.Key}`)
          ) {
            result.output.ReplicationStatus = 'REPLICA';
          }
          return result;
        }) as never,
      { step: 'initialize', priority: 'high', name: 'testAccessPointData' },
    );
  };
  shim(clients.s3);
  const inRegion = clients.inRegion.bind(clients);
  (clients as { inRegion: C['inRegion'] }).inRegion = (region) => {
    const regional = inRegion(region);
    shim(regional.s3);
    return regional;
  };
  return clients;
}

/** A drillable deployment with FIS and the alarm history mocked, and a replicator the pause stops. */
export interface FaultFixture {
  readonly deployment: CrossRegionDeployment;
  readonly fis: MockedFis;
  readonly history: MockedAlarmHistory;
  replicator: Replicator;
  /** Stops the replicator and restores the mocks. */
  stop(): Promise<void>;
}

export async function faultFixture({
  fis: fisOptions = {},
  alarmAfterMs = 800,
  copyDelayMs = 0,
}: {
  fis?: Parameters<typeof mockFis>[1];
  alarmAfterMs?: number | null;
  copyDelayMs?: number;
} = {}): Promise<FaultFixture> {
  const deployment = await drillableDeployment();
  const fis = mockFis(deployment.names, fisOptions);
  const history = mockAlarmHistory(
    alarmAfterMs === null ? undefined : { name: deployment.names.latencyAlarm, afterMs: alarmAfterMs },
  );
  const { primaryBucket, replicaBucket } = deployment.names;
  const fixture: FaultFixture = {
    deployment,
    fis,
    history,
    replicator: startReplicator(motoS3In(PRIMARY_REGION), primaryBucket, replicaBucket, DRILL_PREFIX, 20, {
      delayMs: copyDelayMs,
      paused: () => fis.pausing(),
    }),
    async stop() {
      await fixture.replicator.stop();
      fis.restore();
      history.restore();
    },
  };
  return fixture;
}
