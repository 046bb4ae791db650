import { inspect } from 'node:util';
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { FisClient } from '@aws-sdk/client-fis';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  type AwsOptions,
  CONNECT_TIMEOUT_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_REGION,
  requestTimeoutMs,
} from './aws-options';
import { formatDuration } from './duration';
import type { NetworkContext } from './errors';

/** The SDK clients a command may use: S3 built at once, the others on first use. */
export interface AwsClients {
  readonly region: string;
  readonly s3: S3Client;
  readonly cloudFormation: CloudFormationClient;
  readonly sts: STSClient;
  readonly cloudWatch: CloudWatchClient;
  readonly kms: KMSClient;
  readonly iam: IAMClient;
  readonly sns: SNSClient;
  /** S3 Control (Multi-Region Access Points and their routes), in this set's region. */
  readonly s3Control: S3ControlClient;
  /**
   * The same clients in another region (built on first use, then reused): buckets, keys, alarms
   * and metrics are served by their own region. `inRegion(region)` of this set's region is itself.
   */
  inRegion(region: string): AwsClients;
  readonly eventBridge: EventBridgeClient;
  /** AWS Fault Injection Service (the drill's fault stage). */
  readonly fis: FisClient;
  /** Amazon Athena (verify --inventory --engine athena). */
  readonly athena: AthenaClient;
  /**
   * The clients of the replica's side, in this set's region: with --replica-profile or
   * --replica-role-arn (a vault in another account) they carry those credentials; otherwise they
   * are this set itself. Built on first use.
   */
  readonly replicaSide: AwsClients;
  /** True when {@link replicaSide} has credentials of its own (--replica-profile or --replica-role-arn). */
  readonly separateReplicaCredentials: boolean;
  /** The option that gave the replica side its credentials, for messages: `--replica-profile vault`. */
  readonly replicaVia?: string;
}

const MAX_ATTEMPTS = 6;
/** At most one "retrying" line per this interval, so that throttling cannot flood stderr. */
const RETRY_NOTICE_INTERVAL_MS = 2_000;

/**
 * Builds SDK v3 clients sharing one configuration. Retries use the SDK's standard mode
 * (exponential backoff with jitter on throttling such as 503 SlowDown and on transient network
 * errors), with more attempts than the default because recovery work must not give up early.
 */
export function createClients(options: AwsOptions): AwsClients {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
  const endpoint = options.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  const log = options.log ?? ((text: string) => process.stderr.write(text));
  const sdkWarning = (...parts: unknown[]): void => {
    if (!options.debug) return;
    // The SDK logs objects too (e.g. a request's details): inspected, not `[object Object]`.
    const text = parts.map((p) =>
      typeof p === 'string' ? p : inspect(p, { depth: 4, breakLength: Infinity }),
    );
    log(`s3-dr: [debug] AWS SDK: ${text.join(' ')}\n`);
  };
  const timeouts = { connectMs: CONNECT_TIMEOUT_MS, idleMs: requestTimeoutMs() };
  // The SDK's warnings (e.g. "Multiple credential sources detected" when AWS_PROFILE and
  // AWS_ACCESS_KEY_ID are both set) are several lines each: only --debug shows them.
  const logger = { debug: () => undefined, info: () => undefined, warn: sdkWarning, error: sdkWarning };
  const common = {
    region,
    logger,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard',
    ...(endpoint ? { endpoint } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: timeouts.connectMs,
      socketTimeout: timeouts.idleMs,
      logger,
      httpAgent: { maxSockets: Math.max(50, options.concurrency ?? DEFAULT_CONCURRENCY) },
      httpsAgent: { maxSockets: Math.max(50, options.concurrency ?? DEFAULT_CONCURRENCY) },
    }),
  };
  const watch = retryWatcher(log, timeouts);
  // Only S3 is loaded up front: each other SDK package adds tens of milliseconds to every start,
  // and verify, restore and probe never use them (with --source/--replica).
  const lazy = <T extends { middlewareStack: unknown }>(load: () => T): (() => T) => {
    let client: T | undefined;
    return () => {
      client ??= watch(load());
      return client;
    };
  };
  const cloudFormation = lazy(
    () => new (loadSdk('@aws-sdk/client-cloudformation').CloudFormationClient)(common),
  );
  const sts = lazy(() => new (loadSdk('@aws-sdk/client-sts').STSClient)(common));
  const cloudWatch = lazy(() => new (loadSdk('@aws-sdk/client-cloudwatch').CloudWatchClient)(common));
  const kms = lazy(() => new (loadSdk('@aws-sdk/client-kms').KMSClient)(common));
  const iam = lazy(() => new (loadSdk('@aws-sdk/client-iam').IAMClient)(common));
  const sns = lazy(() => new (loadSdk('@aws-sdk/client-sns').SNSClient)(common));
  const eventBridge = lazy(() => new (loadSdk('@aws-sdk/client-eventbridge').EventBridgeClient)(common));
  const fis = lazy(() => new (loadSdk('@aws-sdk/client-fis').FisClient)(common as never));
  const athena = lazy(() => new (loadSdk('@aws-sdk/client-athena').AthenaClient)(common));
  const s3Control = lazy(
    () =>
      new (loadSdk('@aws-sdk/client-s3-control').S3ControlClient)({
        ...common,
        // Few attempts per region: a failover tries the next control region instead of waiting.
        maxAttempts: 2,
        // S3 Control puts the account id in front of the host ({account}.s3-control.<region>...);
        // a custom endpoint (an IP address, localhost) has no such names: requests go to it as given.
        ...(endpoint
          ? { disableHostPrefix: true, endpointProvider: () => ({ url: new URL(endpoint) }) }
          : {}),
      }),
  );
  const regions = new Map<string, AwsClients>();
  const separateReplicaCredentials =
    options.replicaProfile !== undefined || options.replicaRoleArn !== undefined;
  let replicaSide: AwsClients | undefined;
  const self: AwsClients = {
    region,
    // Path-style addressing for custom endpoints: S3-compatible servers rarely resolve bucket subdomains.
    s3: watch(new S3Client({ ...common, forcePathStyle: endpoint !== undefined })),
    get cloudFormation() {
      return cloudFormation();
    },
    get sts() {
      return sts();
    },
    get cloudWatch() {
      return cloudWatch();
    },
    get kms() {
      return kms();
    },
    get iam() {
      return iam();
    },
    get sns() {
      return sns();
    },
    get eventBridge() {
      return eventBridge();
    },
    get fis() {
      return fis();
    },
    get athena() {
      return athena();
    },
    get s3Control() {
      return s3Control();
    },
    separateReplicaCredentials,
    ...(options.replicaProfile !== undefined
      ? { replicaVia: `--replica-profile ${options.replicaProfile}` }
      : options.replicaRoleArn !== undefined
        ? { replicaVia: `--replica-role-arn ${options.replicaRoleArn}` }
        : {}),
    get replicaSide() {
      if (!separateReplicaCredentials) return self;
      replicaSide ??= createClients(replicaOptions(options, self));
      return replicaSide;
    },
    inRegion(other) {
      if (other === region) return self;
      let clients = regions.get(other);
      if (!clients) {
        clients = createClients({ ...options, region: other });
        regions.set(other, clients);
      }
      return clients;
    },
  };
  return self;
}

/**
 * The options of the replica side's clients: its profile, or the role assumed with the primary
 * side's credentials (STS in the primary side's region; the SDK refreshes the credentials before
 * they expire). The replica side has no replica side of its own.
 */
function replicaOptions(options: AwsOptions, primary: AwsClients): AwsOptions {
  const { replicaProfile, replicaRoleArn, mfaSerial, mfaCode, ...rest } = options;
  if (replicaProfile !== undefined) return { ...rest, profile: replicaProfile, credentials: undefined };
  const { fromTemporaryCredentials } =
    require('@aws-sdk/credential-providers') as typeof import('@aws-sdk/credential-providers');
  return {
    ...rest,
    credentials: fromTemporaryCredentials({
      params: {
        RoleArn: replicaRoleArn as string,
        RoleSessionName: 's3-dr',
        ...(mfaSerial ? { SerialNumber: mfaSerial } : {}),
      },
      // Called for each AssumeRole with a SerialNumber (the first, and each renewal of the
      // credentials, about hourly): the code given, else one typed on the terminal.
      mfaCodeProvider: mfaCode ? async () => mfaCode : askMfaCode,
      clientConfig: {
        region: primary.region,
        ...((options.endpointUrl ?? process.env.AWS_ENDPOINT_URL)
          ? { endpoint: options.endpointUrl ?? process.env.AWS_ENDPOINT_URL }
          : {}),
      },
      masterCredentials: primary.s3.config.credentials,
    }),
  };
}

/** Asks for the MFA code on the terminal (stderr; stdin is a terminal, see checkAwsOptions). */
async function askMfaCode(serial: string): Promise<string> {
  const { createInterface } = require('node:readline/promises') as typeof import('node:readline/promises');
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await terminal.question(`MFA code for ${serial}: `)).trim();
  } finally {
    terminal.close();
  }
}

interface HttpRequestLike {
  readonly protocol?: string;
  readonly hostname?: string;
  readonly port?: number;
  readonly headers?: Record<string, string | undefined>;
}
type Next = (args: { request?: unknown }) => Promise<unknown>;

/**
 * Returns a function that equips an SDK client with a middleware inside its retry loop (it sees
 * each attempt): before a retry it prints `retrying ListObjectsV2 on http://…:5000 (nothing
 * received for 30s), attempt 2/6` through `log` (at most one line per 2 s), and it labels every
 * failure with the endpoint and the reason in words, for {@link describeAwsError}.
 */
function retryWatcher(
  log: (text: string) => void,
  timeouts: { connectMs: number; idleMs: number },
): <C extends { middlewareStack: unknown }>(client: C) => C {
  let lastNotice = 0;
  const middleware =
    (next: Next, context: { commandName?: string; s3drLastFailure?: NetworkContext }) =>
    async (args: { request?: unknown }) => {
      const request = (args.request ?? {}) as HttpRequestLike;
      const endpoint = `${request.protocol ?? 'https:'}//${request.hostname ?? '?'}${request.port ? `:${request.port}` : ''}`;
      const attempt = /attempt=(\d+); max=(\d+)/.exec(request.headers?.['amz-sdk-request'] ?? '');
      const failure = context.s3drLastFailure;
      if (
        attempt &&
        Number(attempt[1]) > 1 &&
        failure &&
        Date.now() - lastNotice >= RETRY_NOTICE_INTERVAL_MS
      ) {
        lastNotice = Date.now();
        const operation = (context.commandName ?? 'request').replace(/Command$/, '');
        log(
          `retrying ${operation} on ${failure.endpoint} (${failure.reason}), attempt ${attempt[1]}/${attempt[2]}\n`,
        );
      }
      try {
        return await next(args);
      } catch (err) {
        const network: NetworkContext = {
          endpoint,
          reason: failureReason(err, timeouts),
          ...(attempt ? { maxAttempts: Number(attempt[2]) } : {}),
        };
        context.s3drLastFailure = network;
        if (err && typeof err === 'object') Object.assign(err, { s3drNetwork: network });
        throw err;
      }
    };
  return (client) => {
    (client.middlewareStack as { add(m: never, o: object): void }).add(middleware as never, {
      step: 'finalizeRequest',
      priority: 'low',
      name: 's3drRetryWatcher',
    });
    return client;
  };
}

/** Why a request failed, in words: `nothing received for 30s`, `ECONNRESET`, `SlowDown, HTTP 503`. */
function failureReason(err: unknown, timeouts: { connectMs: number; idleMs: number }): string {
  const e = (err ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  if (e.name === 'TimeoutError') {
    return /establish a connection/.test(e.message ?? '')
      ? `no connection within ${formatDuration(timeouts.connectMs)}`
      : `nothing received for ${formatDuration(timeouts.idleMs)}`;
  }
  if (e.code && /^E[A-Z_]+$/.test(e.code)) return e.code;
  const status = e.$metadata?.httpStatusCode;
  return `${e.name ?? 'Error'}${status ? `, HTTP ${status}` : ''}`;
}

interface Sdk {
  '@aws-sdk/client-cloudformation': typeof import('@aws-sdk/client-cloudformation');
  '@aws-sdk/client-sts': typeof import('@aws-sdk/client-sts');
  '@aws-sdk/client-cloudwatch': typeof import('@aws-sdk/client-cloudwatch');
  '@aws-sdk/client-kms': typeof import('@aws-sdk/client-kms');
  '@aws-sdk/client-iam': typeof import('@aws-sdk/client-iam');
  '@aws-sdk/client-sns': typeof import('@aws-sdk/client-sns');
  '@aws-sdk/client-s3-control': typeof import('@aws-sdk/client-s3-control');
  '@aws-sdk/client-eventbridge': typeof import('@aws-sdk/client-eventbridge');
  '@aws-sdk/client-fis': typeof import('@aws-sdk/client-fis');
  '@aws-sdk/client-athena': typeof import('@aws-sdk/client-athena');
}

/** Loads an SDK package on first use (synchronously, so the clients stay plain properties). */
function loadSdk<N extends keyof Sdk>(name: N): Sdk[N] {
  return require(name) as Sdk[N];
}
