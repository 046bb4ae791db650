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

/**
 * The moto environment with every source of AWS credentials removed: no keys, no profile, no
 * shared files, no instance metadata. For the "no credentials" error path.
 */
export function noCredentialsEnv(): Record<string, string | undefined> {
  return {
    ...motoEnv(),
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/**
 * For the test file that calls it: process.env points at moto (dummy credentials, endpoint) for
 * code that builds its clients from the environment as the CLI does; the environment is restored
 * after the file's tests.
 */
export function useMotoEnv(): void {
  const saved = { ...process.env };
  beforeAll(() => {
    Object.assign(process.env, motoEnv());
  });
  afterAll(() => {
    process.env = saved;
  });
}
