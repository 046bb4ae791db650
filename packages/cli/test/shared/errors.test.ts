import { CliError, describeAwsError } from '../../src/shared/errors';

const awsError = (name: string, status: number, message = name) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('describeAwsError', () => {
  test('a 404 on a bucket says the bucket does not exist', () => {
    expect(describeAwsError(awsError('NotFound', 404), 'bucket b').message).toBe(
      'bucket b does not exist: check the bucket name, --env or --region',
    );
  });

  test('a 404 on an object says the object was not found, not the bucket', () => {
    expect(describeAwsError(awsError('NotFound', 404), 's3://b/_s3-dr/probe/1').message).toBe(
      's3://b/_s3-dr/probe/1 was not found: it was deleted or expired after it was written or listed',
    );
  });

  test('a 403 is access denied, with exit code 2', () => {
    const error = describeAwsError(awsError('AccessDenied', 403), 'bucket b');
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^access denied to bucket b/);
  });

  test('an archived object (InvalidObjectState, also a 403) is not called access denied', () => {
    expect(describeAwsError(awsError('InvalidObjectState', 403, 'archived'), 's3://b/k').message).toBe(
      'InvalidObjectState while accessing s3://b/k: archived',
    );
  });

  test('an unknown error keeps only the first line of its message', () => {
    expect(describeAwsError(awsError('Weird', 500, 'first\nsecond'), 'bucket b').message).toBe(
      'Weird while accessing bucket b: first',
    );
  });
});
