import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { FAVICON_PATH, sendFavicon } from './favicon';
import { refuse } from './request-guard';

export type LambdaHttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2 | undefined>;

export interface Route {
  method: string;
  /** API Gateway style path, e.g. /u/{token}. */
  path: string;
  handler: LambdaHttpHandler;
}

export interface StaticMount {
  prefix: string;
  dir: string;
  /** Replaces the gateway's headers for this mount (the email preview needs frames and inline styles). */
  headers?: Readonly<Record<string, string>>;
}

export interface GatewayOptions {
  routes: Route[];
  staticMounts: StaticMount[];
  /** Headers on every response (security headers, as CloudFront adds them in AWS). */
  headers?: Record<string, string>;
  /** Why a request must be refused with 403 before it reaches a route (a foreign Host or Origin). */
  refusal?: (req: IncomingMessage) => string | undefined;
}

/** API Gateway's own ceiling is 10 MB; functions apply their smaller limits themselves. */
const MAX_GATEWAY_BODY = 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * A small stand-in for API Gateway HTTP API and CloudFront: it turns requests into payload
 * format 2.0 events for the same handler code that runs in Lambda, and serves the static site.
 */
export function createGateway(options: GatewayOptions): Server {
  const routes = options.routes.map((route) => ({ ...route, match: compilePath(route.path) }));
  return createServer(async (req, res) => {
    try {
      for (const [name, value] of Object.entries(options.headers ?? {})) res.setHeader(name, value);
      const refused = options.refusal?.(req);
      if (refused) return refuse(res, refused);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      for (const route of routes) {
        const params = route.method === method ? route.match(url.pathname) : undefined;
        if (!params) continue;
        const body = await readBody(req);
        if (body === 'too-large') return send(res, 413, 'Request body too large');
        const event = toEvent(req, url, `${route.method} ${route.path}`, params, body);
        const result = await route.handler(event, lambdaContext(event.requestContext.requestId));
        return writeResult(res, result);
      }
      if (
        (method === 'GET' || method === 'HEAD') &&
        serveStatic(options.staticMounts, url.pathname, res, options.headers)
      )
        return;
      if (method === 'GET' && url.pathname === FAVICON_PATH) return sendFavicon(res);
      send(res, 404, 'Not found');
    } catch (error) {
      // A handler that throws past its own error handling is a bug: show it as API Gateway would.
      console.error('Unhandled error in local gateway:', error instanceof Error ? error.name : typeof error);
      if (!res.headersSent) send(res, 500, 'Internal Server Error');
    }
  });
}

function compilePath(path: string): (pathname: string) => Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\+?\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const regex = new RegExp(`^${pattern}$`);
  return (pathname) => {
    const found = regex.exec(pathname);
    if (!found) return undefined;
    return Object.fromEntries(names.map((name, index) => [name, safeDecode(found[index + 1] ?? '')]));
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_GATEWAY_BODY) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const TEXTUAL = /^(text\/|application\/(json|x-www-form-urlencoded|xml))/i;

function toEvent(
  req: IncomingMessage,
  url: URL,
  routeKey: string,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const textual = TEXTUAL.test(headers['content-type'] ?? '');
  const now = new Date();
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: req.headers.cookie?.split(';').map((cookie) => cookie.trim()),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : textual ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

function lambdaContext(requestId: string): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:local',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function writeResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2 | undefined): void {
  const statusCode = result?.statusCode ?? 200;
  for (const [name, value] of Object.entries(result?.headers ?? {})) res.setHeader(name, String(value));
  for (const cookie of result?.cookies ?? []) res.appendHeader('set-cookie', cookie);
  const body = result?.body ?? '';
  res.writeHead(statusCode);
  res.end(result?.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function send(res: ServerResponse, statusCode: number, message: string): void {
  res.writeHead(statusCode, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(message);
}

function serveStatic(
  mounts: StaticMount[],
  pathname: string,
  res: ServerResponse,
  defaults: Record<string, string> = {},
): boolean {
  for (const mount of mounts) {
    if (!pathname.startsWith(mount.prefix)) continue;
    const relative = pathname.slice(mount.prefix.length);
    const root = resolve(mount.dir);
    let file = normalize(join(root, safeDecode(relative)));
    if (!file.startsWith(root)) return false;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    if (mount.headers) {
      for (const name of Object.keys(defaults)) res.removeHeader(name);
      for (const [name, value] of Object.entries(mount.headers)) res.setHeader(name, value);
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(res);
    return true;
  }
  return false;
}
