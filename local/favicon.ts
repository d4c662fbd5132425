import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ROOT } from './paths';

/**
 * Browsers ask every origin for /favicon.ico when a page names no icon: the gateway's own
 * "Not found" page, and the local SES outbox, whose server refuses the request (403, it wants
 * AWS credentials). Both answer with the site's icon instead, so no failed request shows.
 */
let icon: Buffer | undefined;
function siteIcon(): Buffer {
  icon ??= readFileSync(join(ROOT, 'web', 'assets', 'favicon.svg'));
  return icon;
}

export const FAVICON_PATH = '/favicon.ico';

export function sendFavicon(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' });
  res.end(siteIcon());
}

/** Puts the icon in front of a server's own request handling (the outbox's express app). */
export function serveFavicon(server: Server): void {
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === FAVICON_PATH) return sendFavicon(res);
    for (const handler of handlers) handler.call(server, req, res);
  });
}
