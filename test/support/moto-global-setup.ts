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
    const reset = await fetch(`${shared}/moto-api/reset`, { method: 'POST' });
    if (!reset.ok) throw new Error(`cannot reset the moto_server at ${shared}: HTTP ${reset.status}`);
    process.env.MOTO_ENDPOINT = shared;
    return;
  }
  const server = await startMotoServer();
  process.env.MOTO_ENDPOINT = server.endpoint;
  (globalThis as { __MOTO__?: MotoServer }).__MOTO__ = server;
}
