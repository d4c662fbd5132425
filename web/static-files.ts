import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { securityHeaders } from './security-headers';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

export interface StaticFile {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/**
 * Resolves a URL path inside the built site the way CloudFront + S3 are set up to:
 * `/x/` serves `/x/index.html`, `/x` redirects to `/x/`. Undefined when nothing matches.
 */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | undefined> {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(urlPath, 'http://site').pathname);
  } catch {
    return undefined;
  }
  const base = resolve(root);
  const file = resolve(base, `.${pathname}${pathname.endsWith('/') ? 'index.html' : ''}`);
  if (file !== base && !file.startsWith(base + sep)) return undefined;
  if (!(await isFile(file))) {
    if (!pathname.endsWith('/') && (await isFile(resolve(file, 'index.html')))) {
      return { status: 301, headers: { ...securityHeaders, location: `${pathname}/` }, body: Buffer.alloc(0) };
    }
    return undefined;
  }
  const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
  // Pages revalidate so a new build shows at once; asset names are not hashed, so they cache briefly.
  const cache = type.startsWith('text/html') ? 'no-cache' : 'public, max-age=300';
  return {
    status: 200,
    headers: { ...securityHeaders, 'content-type': type, 'cache-control': cache },
    body: await readFile(file),
  };
}

/** A node:http handler for GET/HEAD of the built site; answers false when it did not handle the request. */
export function serveStatic(root: string): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const file = await readStaticFile(root, request.url ?? '/');
    if (!file) return false;
    response.writeHead(file.status, file.headers);
    response.end(request.method === 'HEAD' ? undefined : file.body);
    return true;
  };
}
