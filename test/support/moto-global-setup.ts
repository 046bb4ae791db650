import { type MotoServer, startMotoServer } from './moto-server';

/**
 * Starts one real `moto_server` on 127.0.0.1 and a free port for the whole test run and exports its
 * address as MOTO_ENDPOINT (test workers inherit it). Tests use unique bucket names, so they can
 * share the server; globalTeardown stops it.
 */
export default async function setup(): Promise<void> {
  const server = await startMotoServer();
  process.env.MOTO_ENDPOINT = server.endpoint;
  (globalThis as { __MOTO__?: MotoServer }).__MOTO__ = server;
}
