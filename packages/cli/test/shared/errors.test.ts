import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError, describeAwsError } from '../../src/shared/errors';
import { runCli } from '../support/cli';

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

describe('GIVEN an endpoint that answers a non-AWS page (a proxy, a captive portal)', () => {
  let server: Server;
  let endpoint: string;
  beforeAll(async () => {
    server = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><head><title>Sign in</head><body>portal</body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('WHEN the CLI reads from it THEN it says so in one lower-case line, without the parser text (exit 2, --json too)', async () => {
    const argv = ['--endpoint-url', endpoint, 'restore', '--bucket', 'b', '--to', '2024-05-01T12:00:00Z'];
    const text = await runCli(argv);
    const json = await runCli(['--json', ...argv]);

    const message = `unexpected non-AWS response (HTTP 200) from ${endpoint} for bucket b: check --endpoint-url, --region and any proxy`;
    expect(text.code).toBe(2);
    expect(text.stderr).toBe(`s3-dr: ${message}\n`);
    expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'aws-error', message, exitCode: 2 } });
  });
});

test('a plain JavaScript Error (no AWS error name) reads in lower case', () => {
  expect(describeAwsError(new Error('boom'), 'bucket b').message).toBe(
    'error while accessing bucket b: boom',
  );
});
