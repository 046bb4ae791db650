import { count } from './text';

/** Exit codes of s3-dr: 0 healthy/identical/done, 1 findings or failed items, 2 usage/access/target errors. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/**
 * What kind of failure ended a run, for scripts: the `code` of the JSON error object that --json
 * prints on stdout (`{"error": {"code", "message", "exitCode"}}`).
 */
export const ERROR_CODES = [
  'usage',
  'no-credentials',
  'no-such-profile',
  /** A vault in another account and no --replica-profile/--replica-role-arn to reach it. */
  'replica-credentials',
  'not-found',
  'access-denied',
  'unreachable',
  'same-bucket',
  'not-replicated',
  'aws-error',
  'failed',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error meant for the operator: one clear line (what, which resource, what to do) and an exit code. */
export class CliError extends Error {
  readonly code: ErrorCode;

  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    code?: ErrorCode,
  ) {
    super(message);
    this.name = 'CliError';
    this.code = code ?? (exitCode === EXIT.usage ? 'usage' : 'failed');
  }
}

/** An error as --json prints it: `{code, message, exitCode}` (the `error` of every JSON error object). */
export function errorJson(err: CliError): { code: ErrorCode; message: string; exitCode: number } {
  return { code: err.code, message: err.message, exitCode: err.exitCode };
}

/** What the CLI's HTTP layer (shared/aws.ts) adds to a failed request: where it went, why it failed. */
export interface NetworkContext {
  /** `https://s3.us-east-1.amazonaws.com`, `http://127.0.0.1:5000`. */
  readonly endpoint: string;
  /** In words: `nothing received for 30s`, `ECONNREFUSED`. */
  readonly reason: string;
  /** The attempts the client allows a request (its retry header says `max=`). */
  readonly maxAttempts?: number;
}

interface AwsLikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $response?: { statusCode?: number };
  s3drNetwork?: NetworkContext;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);

/**
 * Not found, from a service other than S3's buckets: a 404 carrying the service's error code says
 * the resource does not exist; a 404 without one (an HTML or empty page) comes from an endpoint that
 * is not `service` at all: a wrong --endpoint-url or --region, or a proxy.
 */
function serviceNotFound(e: AwsLikeError, resource: string, service: string): CliError {
  if (typeof e.Code === 'string' && e.Code !== '') {
    return new CliError(`${resource} does not exist (${service}: ${e.Code})`, EXIT.usage, 'not-found');
  }
  return new CliError(
    `${resource}: the endpoint answered HTTP 404 without an error code, so it is not ${service}: check --endpoint-url and --region`,
    EXIT.usage,
    'aws-error',
  );
}

/**
 * `, 6 attempts`; or, when the request was given up before its last attempt, why: the SDK's
 * standard retry mode retries only while its retry quota lasts, and many requests failing at once
 * use it up (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 */
function attemptsMade(attempts: number | undefined, maxAttempts: number | undefined): string {
  if (!attempts) return '';
  if (maxAttempts && attempts < maxAttempts) {
    return `, ${attempts} of ${maxAttempts} attempts: no more retries, too many requests were failing at once`;
  }
  return `, ${count(attempts, 'attempt')}`;
}

/** Whether the endpoint could not be reached or did not answer (after the SDK's retries). */
export function isNetworkError(err: unknown): boolean {
  const e = (err ?? {}) as AwsLikeError;
  return e.name === 'TimeoutError' || NETWORK_CODES.has(e.code ?? '');
}

/**
 * Turns an AWS SDK or network error about `resource` into a CliError with a one-line message.
 * Known causes get a fix; anything else keeps the SDK's own message. `service` names the service of
 * a call that is not about a bucket (STS, S3 Control): its not-found line then fits that service.
 */
export function describeAwsError(err: unknown, resource: string, service?: string): CliError {
  if (err instanceof CliError) return err;
  const e = (err ?? {}) as AwsLikeError;
  const name = e.name ?? e.Code ?? e.code ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return new CliError(
      `no AWS credentials found while accessing ${resource}: set AWS_PROFILE (or --profile) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
      EXIT.usage,
      'no-credentials',
    );
  }
  // A response the SDK could not parse (an HTML page from a proxy, a captive portal, a wrong
  // --endpoint-url): it carries the response but, unlike every AWS error, no $fault.
  if (typeof err === 'object' && err !== null && '$response' in err && !('$fault' in err)) {
    const where = e.s3drNetwork?.endpoint ?? 'the endpoint';
    return new CliError(
      `unexpected non-AWS response (HTTP ${status ?? e.$response?.statusCode ?? '?'}) from ${where} for ${resource}: check --endpoint-url, --region and any proxy`,
      EXIT.usage,
      'aws-error',
    );
  }
  const notFound = name === 'NoSuchKey' || name === 'NoSuchBucket' || (name === 'NotFound' && status === 404);
  if (service && notFound) return serviceNotFound(e, resource, service);
  // An object address (s3://bucket/key): the key is what is missing, not the bucket.
  if (name === 'NoSuchKey' || (name === 'NotFound' && status === 404 && /^s3:\/\/[^/]+\/./.test(resource))) {
    return new CliError(
      `${resource} was not found: it was deleted or expired after it was written or listed`,
      EXIT.usage,
      'not-found',
    );
  }
  if (name === 'NoSuchBucket' || (name === 'NotFound' && status === 404)) {
    return new CliError(
      `${resource} does not exist: check the bucket name, --env or --region`,
      EXIT.usage,
      'not-found',
    );
  }
  // InvalidObjectState (an archived object read before its restore) is a 403 too, but not about access.
  if (
    name === 'AccessDenied' ||
    name === 'AccessDeniedException' ||
    (status === 403 && name !== 'InvalidObjectState')
  ) {
    return new CliError(
      `access denied to ${resource}: the caller needs read access (and write access for restore/probe) to it`,
      EXIT.usage,
      'access-denied',
    );
  }
  if (isNetworkError(err)) {
    const where = e.s3drNetwork?.endpoint ?? 'the AWS endpoint';
    const attempts = attemptsMade(e.$metadata?.attempts, e.s3drNetwork?.maxAttempts);
    return new CliError(
      `cannot reach ${where} for ${resource} (${e.s3drNetwork?.reason ?? e.code ?? name}${attempts}): check --endpoint-url, --region and the network`,
      EXIT.usage,
      'unreachable',
    );
  }
  const detail = (e.message ?? String(err)).split('\n')[0];
  // An AWS error code (SlowDown, InvalidObjectState) as is; a plain JavaScript Error in lower case.
  return new CliError(
    `${name === 'Error' ? 'error' : name} while accessing ${resource}: ${detail}`,
    EXIT.usage,
    'aws-error',
  );
}
