import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clinicConfig } from '../config/clinic';
import { PUBLIC_ROUTES } from '../functions/http/public-routes';
import { fieldProblems, leadFormSchema } from '../functions/lead/lead-form';
import { renderLandingPage } from '../functions/pages/landing';
import { THANK_YOU_PATH } from '../functions/pages/lead-form-markup';
import { securityHeaders } from './security-headers';
import { serveStatic } from './static-files';

/**
 * The built site plus a stand-in for `POST /leads` that validates with the real schema and
 * answers as the capture Lambda does, but stores and sends nothing. For working on the page
 * and for the browser tests; the full local stack (`npm start`) runs the real handler.
 */
export interface ReceivedLead {
  kind: 'json' | 'form';
  body: Record<string, unknown>;
}

export interface SiteServer {
  url: string;
  /** Every valid submission, newest last. */
  received: ReceivedLead[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function formRecord(body: string): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const existing = record[key];
    record[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return record;
}

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  response.writeHead(status, { 'cache-control': 'no-store', ...headers });
  response.end(body);
}

const json = (response: ServerResponse, status: number, body: unknown) =>
  send(response, status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8' });

async function standInCapture(request: IncomingMessage, response: ServerResponse, received: ReceivedLead[]) {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (type !== 'application/json' && type !== 'application/x-www-form-urlencoded') {
    return json(response, 415, { error: 'unsupported_media_type', message: 'Send JSON or a form post' });
  }
  const raw = await readBody(request);
  if (raw === undefined) return json(response, 413, { error: 'too_large', message: 'The request is too large' });
  let input: Record<string, unknown>;
  try {
    input = type === 'application/json' ? JSON.parse(raw) : formRecord(raw);
  } catch {
    return json(response, 400, { error: 'malformed', message: 'The request body is not valid JSON' });
  }
  const parsed = leadFormSchema.safeParse(input);
  const kind = type === 'application/json' ? 'json' : 'form';
  if (parsed.success) {
    received.push({ kind, body: input });
    if (kind === 'json') return json(response, 202, { ok: true });
    return send(response, 303, '', { location: THANK_YOU_PATH });
  }
  const fields = fieldProblems(parsed.error);
  if (kind === 'json')
    return json(response, 400, { error: 'validation', message: 'Some answers need attention', fields });
  const values = input as Record<string, string | string[] | undefined>;
  const page = renderLandingPage({ practice: clinicConfig.practice, values, errors: fields });
  return send(response, 400, page, { ...securityHeaders, 'content-type': 'text/html; charset=utf-8' });
}

export async function startSiteServer(options: { root: string; port?: number }): Promise<SiteServer> {
  const received: ReceivedLead[] = [];
  const statics = serveStatic(options.root);
  const server = createServer((request, response) => {
    const handle = async () => {
      if (request.method === 'POST' && request.url?.split('?')[0] === PUBLIC_ROUTES.capture.path) {
        return standInCapture(request, response, received);
      }
      if (!(await statics(request, response))) send(response, 404, 'Not found', { 'content-type': 'text/plain' });
    };
    handle().catch(() => send(response, 500, 'Internal error', { 'content-type': 'text/plain' }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Browsers keep connections alive; without this, close waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

if (require.main === module) {
  import('./build')
    .then(({ buildSite }) => buildSite())
    .then((root) => startSiteServer({ root, port: Number(process.env.PORT ?? 3100) }))
    .then((site) => console.log(`Landing page preview (stand-in capture, nothing stored): ${site.url}/`))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
