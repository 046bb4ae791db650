import { createServer, type IncomingMessage, type Server } from 'node:http';

/** An HTTP server on the loopback interface that answers with fixed responses and keeps the requests. */
export interface FixedServer {
  readonly endpoint: string;
  /** The requests received so far (method, path with query, headers). */
  readonly requests: readonly IncomingMessage[];
  close(): Promise<void>;
}

/** The body of every answer, or the body for each request (e.g. one per page of a listing). */
export type FixedBody = string | ((request: IncomingMessage) => string);

export async function fixedServer(
  status: number,
  contentType: string,
  body: FixedBody,
  /** How long each answer waits (a slow endpoint). @default 0 */
  delayMs = 0,
): Promise<FixedServer> {
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request);
    request.resume();
    setTimeout(() => {
      response.writeHead(status, { 'content-type': contentType });
      response.end(typeof body === 'string' ? body : body(request));
    }, delayMs).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
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
