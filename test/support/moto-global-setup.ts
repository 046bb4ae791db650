import { type MotoServer, startMotoServer } from './moto-server';

/** A moto_server started outside Jest (see with-moto.ts) that the test runs share. */
export const SHARED_MOTO_ENV = 'S3_DR_TEST_SHARED_MOTO';

/**
 * Starts one real `moto_server` on 127.0.0.1 and a free port for the whole test run and exports its
 * address as MOTO_ENDPOINT (test workers inherit it). Tests use unique bucket names, so they can
 * share the server; globalTeardown stops it.
 *
 * When S3_DR_TEST_SHARED_MOTO names a running moto_server (many Jest runs in a row, as mutation
 * testing does), that one is reset to empty and used instead, and nothing is started or stopped.
 */
export default async function setup(): Promise<void> {
  const shared = process.env[SHARED_MOTO_ENV];
  if (shared) {
    const problem = await resetShared(shared);
    if (!problem) {
      process.env.MOTO_ENDPOINT = shared;
      return;
    }
    // A shared server that died or hangs (a mutant can flood it) would fail every later run:
    // this run starts its own instead.
    process.stderr.write(`moto: the shared moto_server at ${shared} ${problem}; starting one for this run\n`);
  }
  const server = await startMotoServer();
  process.env.MOTO_ENDPOINT = server.endpoint;
  (globalThis as { __MOTO__?: MotoServer }).__MOTO__ = server;
}

/** Empties the shared server; what went wrong, or undefined. */
async function resetShared(endpoint: string): Promise<string | undefined> {
  try {
    const reset = await fetch(`${endpoint}/moto-api/reset`, {
      method: 'POST',
      signal: AbortSignal.timeout(30_000),
    });
    return reset.ok ? undefined : `answered the reset with HTTP ${reset.status}`;
  } catch (err) {
    return `did not answer the reset (${(err as Error).message})`;
  }
}
