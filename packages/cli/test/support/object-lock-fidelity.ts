import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../src/shared/aws';

/** MD5 of the empty body, base64: what Content-MD5 says about a request without a payload. */
const EMPTY_BODY_MD5 = '1B2M2Y8AsgTpgAmY7PhCfg==';

/**
 * moto 5.2 refuses every PUT into a bucket with a default Object Lock retention that carries
 * neither Content-MD5 nor x-amz-sdk-checksum-algorithm, CopyObject included
 * (moto/s3/responses.py, _key_response_put). S3 documents that requirement for uploads
 * ("Content-MD5 or x-amz-sdk-checksum-algorithm header is required for any request to upload an
 * object with a retention period", PutObject), and its CopyObject request has no Content-MD5
 * member and no payload to check. This shim adds the (true) Content-MD5 of the empty body to
 * CopyObject requests, so that moto lets copies into a locked bucket through; nothing else changes.
 */
export function copiesIntoLockedBuckets(s3: S3Client): S3Client {
  s3.middlewareStack.add(
    ((next: Handler, context: { commandName?: string }) => async (args: { request: unknown }) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      if (context.commandName === 'CopyObjectCommand' && request.headers && !request.body) {
        request.headers['content-md5'] = EMPTY_BODY_MD5;
      }
      return next(args);
    }) as never,
    { step: 'build', name: 'motoCopiesIntoLockedBuckets' },
  );
  return s3;
}

/** {@link copiesIntoLockedBuckets} on the S3 client of a set of CLI clients. */
export function withCopiesIntoLockedBuckets(clients: AwsClients): AwsClients {
  copiesIntoLockedBuckets(clients.s3);
  return clients;
}

type Handler = (args: { request: unknown }) => Promise<unknown>;
