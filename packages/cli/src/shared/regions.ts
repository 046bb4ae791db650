import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from './aws';

/** Which region serves each bucket; a bucket not named here is served by the CLI's region. */
export type BucketRegions = ReadonlyMap<string, string>;

/** The HeadBucket answer: the bucket's region, as S3 states it. */
export interface HeadBucketResult {
  /** From `BucketRegion` (`x-amz-bucket-region`); undefined when the endpoint does not say. */
  readonly region?: string;
}

/**
 * The region S3 names in a failed response (`x-amz-bucket-region`): S3 sends it with the 301 it
 * answers a request in the wrong region with, and with 403s. "HeadBucket ... always return[s] the
 * bucket's location through an HTTP response header, whether access to the bucket is authorized or
 * not" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html).
 */
export function regionInError(err: unknown): string | undefined {
  const headers = (err as { $response?: { headers?: Record<string, string | undefined> } })?.$response
    ?.headers;
  const region = headers?.['x-amz-bucket-region'];
  return region ? region : undefined;
}

/**
 * HeadBucket in the CLI's region, and again in the bucket's own region when S3 answered that it is
 * elsewhere (301 with `x-amz-bucket-region`). The region comes with the answer S3 gives anyway, so
 * a pair in one region costs no request more than before. Throws what the last HeadBucket threw.
 */
export async function headBucket(clients: AwsClients, bucket: string): Promise<HeadBucketResult> {
  try {
    const res = await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return { region: res.BucketRegion };
  } catch (err) {
    const elsewhere = regionInError(err);
    if (!elsewhere || elsewhere === clients.region) throw err;
    const res = await clients.inRegion(elsewhere).s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return { region: res.BucketRegion ?? elsewhere };
  }
}

/**
 * The region of a bucket without failing: HeadBucket's answer (or the region a refusal names),
 * else the CLI's region, where the later requests then report what is wrong as before.
 */
export async function locateBucket(clients: AwsClients, bucket: string): Promise<string> {
  try {
    return (await headBucket(clients, bucket)).region ?? clients.region;
  } catch (err) {
    return regionInError(err) ?? clients.region;
  }
}

/**
 * An S3 client that sends each request to the region of the bucket it names (`Bucket` of the
 * input; CopyObject and UploadPartCopy name the destination, which is where S3 wants them), and
 * the requests naming a bucket of `replicaSide` (the replica, its ops bucket) with the replica
 * side's credentials (a vault in another account: --replica-profile or --replica-role-arn).
 * Every other request, and every bucket not in `regions`, goes to the CLI's region. When every
 * bucket is in the CLI's region and one account's credentials read both, this is the CLI's own
 * client, unchanged.
 */
export function s3ForBuckets(
  clients: AwsClients,
  regions: BucketRegions,
  replicaSide: Iterable<string> = [],
): S3Client {
  const vault = new Set(clients.separateReplicaCredentials ? replicaSide : []);
  const routed = new Map(
    [...regions].filter(([bucket, region]) => region !== clients.region || vault.has(bucket)),
  );
  for (const bucket of vault) if (!routed.has(bucket)) routed.set(bucket, clients.region);
  if (routed.size === 0) return clients.s3;
  const send = ((command: { input?: { Bucket?: string } }, ...rest: unknown[]) => {
    const bucket = command.input?.Bucket ?? '';
    const region = routed.get(bucket);
    const side = vault.has(bucket) ? clients.replicaSide : clients;
    const client = region ? side.inRegion(region).s3 : clients.s3;
    return (client.send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as S3Client['send'];
  return new Proxy(clients.s3, {
    get: (target, property, receiver) =>
      property === 'send' ? send : Reflect.get(target, property, receiver),
  });
}
