import { randomBytes } from 'node:crypto';

/** Address of the moto_server that test/support/moto-global-setup.ts started. */
export function motoEndpoint(): string {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) {
    throw new Error('MOTO_ENDPOINT is not set: run the tests through jest (globalSetup starts moto_server)');
  }
  return endpoint;
}

/** Environment for an AWS client or a CLI child process that talks to moto with dummy credentials. */
export function motoEnv(): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: motoEndpoint(),
  };
}

/** A bucket name no other test uses on the shared server. */
export function uniqueBucket(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`.toLowerCase();
}
