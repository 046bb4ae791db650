import { createServer, type Server } from 'node:http';

/** An HTTP server on the loopback interface that answers every request 404 with an HTML page. */
export interface NotFoundServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function notFoundServer(): Promise<NotFoundServer> {
  const server: Server = createServer((request, response) => {
    request.resume();
    response.writeHead(404, { 'content-type': 'text/html' });
    response.end('<html><body>Not Found</body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
