import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Route {
  readonly methods: readonly string[];
  /** An exact path, or a pattern for paths with parameters. */
  readonly path: string | RegExp;
  /** The route's path as API Gateway names it in the event's routeKey (`/articles/{id}/{lang}`). */
  readonly routePath?: string;
  readonly handler: () => Promise<HttpHandler>;
}

/** The route that serves `pathname`, if any (the first that matches). */
export function findRoute<R extends Route>(routes: readonly R[], pathname: string): R | undefined {
  return routes.find((r) => (typeof r.path === 'string' ? r.path === pathname : r.path.test(pathname)));
}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml))/i;
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The local stand-in for API Gateway's HTTP API: turns each request into the payload-2.0 event the
 * same handler gets on AWS (bodies that are not text arrive base64-encoded, as there).
 */
export async function startHttpServer(
  host: string,
  port: number,
  routes: readonly Route[],
  onError: (error: unknown) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    serve(req, res, routes).catch((error) => {
      onError(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, routes: readonly Route[]): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const route = findRoute(routes, url.pathname);
  if (!route) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`no page at ${url.pathname}\n`);
    return;
  }
  const method = req.method ?? 'GET';
  if (!route.methods.includes(method)) {
    res.writeHead(405, { allow: route.methods.join(', '), 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${method} is not allowed here; use ${route.methods.join(' or ')}\n`);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8' }).end('request body too large\n');
      return;
    }
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  const contentType = req.headers['content-type'] ?? '';
  const isText = TEXT_TYPES.test(contentType);
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(',') : (value ?? ''),
    ]),
  );
  const routeKey = `${method} ${route.routePath ?? String(route.path)}`;
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: crypto.randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: body.length > 0 ? body.toString(isText ? 'utf8' : 'base64') : undefined,
    isBase64Encoded: body.length > 0 && !isText,
  };
  const handler = await route.handler();
  const result = await handler(event);
  res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
}
