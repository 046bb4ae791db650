import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where and as whom to talk to AWS; from the global CLI options. */
export interface AwsOptions {
  readonly region?: string;
  readonly profile?: string;
  /** S3-compatible or test endpoint; AWS_ENDPOINT_URL is used when this is unset. */
  readonly endpointUrl?: string;
  /** Upper bound on parallel requests; sizes the HTTP connection pool too. */
  readonly concurrency?: number;
}

export interface AwsClients {
  readonly region: string;
  readonly s3: S3Client;
  readonly cloudFormation: CloudFormationClient;
  readonly sts: STSClient;
  readonly cloudWatch: CloudWatchClient;
  readonly kms: KMSClient;
  readonly iam: IAMClient;
}

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_CONCURRENCY = 16;

/**
 * Builds SDK v3 clients sharing one configuration. Retries use the SDK's standard mode
 * (exponential backoff with jitter on throttling such as 503 SlowDown and on transient network
 * errors), with more attempts than the default because recovery work must not give up early.
 */
export function createClients(options: AwsOptions): AwsClients {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
  const endpoint = options.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  const common = {
    region,
    maxAttempts: 6,
    retryMode: 'standard',
    ...(endpoint ? { endpoint } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 10_000,
      requestTimeout: 120_000,
      httpAgent: { maxSockets: Math.max(50, options.concurrency ?? DEFAULT_CONCURRENCY) },
      httpsAgent: { maxSockets: Math.max(50, options.concurrency ?? DEFAULT_CONCURRENCY) },
    }),
  };
  return {
    region,
    // Path-style addressing for custom endpoints: S3-compatible servers rarely resolve bucket subdomains.
    s3: new S3Client({ ...common, forcePathStyle: endpoint !== undefined }),
    cloudFormation: new CloudFormationClient(common),
    sts: new STSClient(common),
    cloudWatch: new CloudWatchClient(common),
    kms: new KMSClient(common),
    iam: new IAMClient(common),
  };
}
