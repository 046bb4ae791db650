import { CliError, describeAwsError, EXIT } from './errors';

/**
 * describeAwsError for a call that is not about a bucket (STS, S3 Control): its not-found line
 * ("check the bucket name") does not fit there. A 404 carrying the service's error code says the
 * resource does not exist; a 404 without one (an HTML or empty page) comes from an endpoint that
 * is not `service` at all: a wrong --endpoint-url or --region, or a proxy.
 */
export function describeServiceError(err: unknown, resource: string, service: string): CliError {
  const described = describeAwsError(err, resource);
  if (described.code !== 'not-found') return described;
  const code = (err as { Code?: unknown } | undefined)?.Code;
  if (typeof code === 'string' && code !== '') {
    return new CliError(`${resource} does not exist (${service}: ${code})`, EXIT.usage, 'not-found');
  }
  return new CliError(
    `${resource}: the endpoint answered HTTP 404 without an error code, so it is not ${service}: check --endpoint-url and --region`,
    EXIT.usage,
    'aws-error',
  );
}
