import { createServer, type Server } from 'node:http';

/** An HTTP server on the loopback interface that answers every request with one fixed response. */
export interface FixedServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function fixedServer(
  status: number,
  contentType: string,
  body: string,
  /** How long each answer waits (a slow endpoint). @default 0 */
  delayMs = 0,
): Promise<FixedServer> {
  const server: Server = createServer((request, response) => {
    request.resume();
    setTimeout(() => {
      response.writeHead(status, { 'content-type': contentType });
      response.end(body);
    }, delayMs).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers every request 404 with an HTML page (what a wrong endpoint or a proxy sends). */
export const notFoundServer = (): Promise<FixedServer> =>
  fixedServer(404, 'text/html', '<html><body>Not Found</body></html>');
