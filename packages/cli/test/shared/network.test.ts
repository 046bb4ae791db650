import { createServer, type Server, type Socket } from 'node:net';
import { motoEnv } from '../../../../test/support/moto';
import { errorLines, runCli, runCliProcess } from '../support/cli';

// An endpoint that accepts connections and never answers: a real TCP server on the loopback
// interface. The request timeout is shortened through S3_DR_REQUEST_TIMEOUT; everything else (the
// SDK's retries, the HTTP handler's timeout) is the CLI's own.

interface SilentServer {
  readonly endpoint: string;
  readonly connections: () => number;
  close(): Promise<void>;
}

async function silentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('GIVEN an endpoint that accepts connections and never answers', () => {
  let server: SilentServer;
  let result: { code: number; stdout: string; stderr: string };
  let seconds: number;
  beforeAll(async () => {
    server = await silentServer();
    const started = Date.now();
    result = await runCli(['--source', 'src-bucket', '--replica', 'dst-bucket', 'verify'], {
      env: { ...motoEnv(), AWS_ENDPOINT_URL: server.endpoint, S3_DR_REQUEST_TIMEOUT: '300ms' },
    });
    seconds = (Date.now() - started) / 1000;
  }, 60_000);
  afterAll(() => server.close());

  it('WHEN a command runs THEN each of the 6 attempts times out and it exits 2 within seconds', () => {
    expect(result.code).toBe(2);
    expect(server.connections()).toBe(6);
    expect(seconds).toBeLessThan(30);
  });

  it('WHEN a command runs THEN stderr says it is retrying, and why', () => {
    expect(result.stderr).toContain(
      `retrying HeadBucket on ${server.endpoint} (nothing received for 0.3s), attempt 2/6\n`,
    );
  });

  it('WHEN it gives up THEN the one error line names the endpoint and the reason', () => {
    expect(errorLines(result.stderr)).toEqual([
      `s3-dr: cannot reach ${server.endpoint} for source bucket src-bucket (nothing received for 0.3s, 6 attempts): check --endpoint-url, --region and the network`,
    ]);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toMatch(/^s3-dr: cannot reach/);
  });
});

describe('GIVEN an endpoint that refuses connections', () => {
  it('WHEN a command runs THEN the error names the endpoint and ECONNREFUSED', async () => {
    const server = await silentServer();
    await server.close();

    // The executable: under jest, Node's own errors come from another realm and the SDK wraps them.
    const result = await runCliProcess(['--source', 'src-bucket', '--replica', 'dst-bucket', 'verify'], {
      ...motoEnv(),
      AWS_ENDPOINT_URL: server.endpoint,
    });

    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      `s3-dr: cannot reach ${server.endpoint} for source bucket src-bucket (ECONNREFUSED, 6 attempts): check --endpoint-url, --region and the network`,
    ]);
  });
});

describe('GIVEN an endpoint URL without a scheme', () => {
  it('WHEN a command runs THEN it exits 2 with one line showing the URL to write', async () => {
    const result = await runCli([
      '--endpoint-url',
      'localhost:5000',
      '--source',
      'a',
      '--replica',
      'b',
      'verify',
    ]);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "s3-dr: endpoint 'localhost:5000' (--endpoint-url or AWS_ENDPOINT_URL) is not an http(s) URL: write it with its scheme, e.g. http://localhost:5000\n",
    );
  });
});
