import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { motoEndpoint } from '../../../../test/support/moto';

/** One request the proxy forwarded: the method, the path with its query string, the region it was signed for. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  /** From the SigV4 credential scope (`Credential=<key>/<date>/<region>/<service>/aws4_request`). */
  readonly region?: string;
  /** The access key id that signed it (the `<key>` of the credential scope): whose credentials. */
  readonly accessKey?: string;
  /** The `x-amz-copy-source` header of a CopyObject or UploadPartCopy. */
  readonly copySource?: string;
  /** The body of a form-encoded request (an STS call such as AssumeRole), once it has arrived. */
  form?: string;
}

/** A real HTTP server on 127.0.0.1 that forwards every request to moto_server and records it. */
export interface RecordingProxy {
  /** Address to give the CLI as its endpoint instead of moto's. */
  readonly endpoint: string;
  /** The requests forwarded so far, in the order they arrived. */
  readonly requests: () => readonly RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Starts a recording proxy in front of the test moto_server, so a test can tell which requests the
 * CLI sent (e.g. that it sent no listing) while moto answers them as usual. With `bucketRegions`
 * it refuses requests about those buckets signed for another region, as S3 does. With `rewrite`
 * it forwards another path and query than the one received (moto does not check signatures), e.g.
 * without a listing's marker, as a server that ignores that marker would answer. Requests that
 * `neverAnswer` picks are received and never answered (an endpoint that stopped serving them).
 * `onRequest` sees each request as it arrives (e.g. to interrupt the CLI at a given point).
 * Requests that `deny` picks are answered 403 AccessDenied, as S3 answers a principal of another
 * account that the bucket's policy does not grant (moto enforces no bucket policy).
 */
export async function startRecordingProxy({
  bucketRegions = {},
  rewrite = (url) => url,
  neverAnswer = () => false,
  onRequest = () => undefined,
  deny = () => false,
}: {
  bucketRegions?: Readonly<Record<string, string>>;
  rewrite?: (url: string) => string;
  neverAnswer?: (request: IncomingMessage) => boolean;
  onRequest?: (request: RecordedRequest) => void;
  deny?: (request: RecordedRequest) => boolean;
} = {}): Promise<RecordingProxy> {
  const upstream = new URL(motoEndpoint());
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
    const copySource = req.headers['x-amz-copy-source'];
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      region: scope?.[2],
      accessKey: scope?.[1],
      ...(typeof copySource === 'string' ? { copySource } : {}),
    };
    if (/x-www-form-urlencoded/.test(String(req.headers['content-type'] ?? ''))) {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        recorded.form = Buffer.concat(chunks).toString('utf8');
      });
    }
    requests.push(recorded);
    onRequest(recorded);
    if (neverAnswer(req)) {
      req.resume();
      return;
    }
    // As S3 does (and moto does not): a request about a bucket signed for another region than the
    // bucket's is answered 301 with the bucket's region in x-amz-bucket-region.
    const bucket = new URL(req.url ?? '/', 'http://proxy').pathname.split('/')[1] ?? '';
    const home = bucketRegions[bucket];
    if (deny(recorded)) {
      req.resume();
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end(
        req.method === 'HEAD'
          ? ''
          : '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
      );
      return;
    }
    if (home && scope?.[2] !== home) {
      req.resume();
      const body =
        req.method === 'HEAD'
          ? ''
          : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><Bucket>${bucket}</Bucket></Error>`;
      res.writeHead(301, { 'x-amz-bucket-region': home, 'content-type': 'application/xml' });
      res.end(body);
      return;
    }
    const forwarded = httpRequest(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: rewrite(req.url ?? '/'),
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', (err) => {
      res.writeHead(502);
      res.end(err.message);
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => [...requests],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The bucket a path-style S3 request names (`/<bucket>/<key>?…`); '' for other services' `POST /`. */
export function bucketOf(request: RecordedRequest): string {
  return new URL(request.url, 'http://proxy').pathname.split('/')[1] ?? '';
}

/**
 * Whether a request lists a bucket: a GET of the bucket itself that is ListObjectsV2 (`list-type`),
 * ListObjectVersions (`versions`) or ListObjects (no sub-resource, at most listing parameters).
 */
export function isListing(request: RecordedRequest): boolean {
  const url = new URL(request.url, 'http://proxy');
  if (request.method !== 'GET' || !/^\/[^/]+\/?$/.test(url.pathname)) return false;
  const names = [...url.searchParams.keys()];
  return (
    names.every((name) => LISTING_PARAMETERS.has(name)) ||
    names.some((n) => n === 'list-type' || n === 'versions')
  );
}

const LISTING_PARAMETERS: ReadonlySet<string> = new Set([
  'prefix',
  'delimiter',
  'marker',
  'max-keys',
  'encoding-type',
  'x-id',
]);
