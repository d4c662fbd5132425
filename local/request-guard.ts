import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';

/** The header every /__local control request must carry (npm run drip sends it). */
export const LOCAL_CONTROL_HEADER = 'x-local-control';

/**
 * Host names that mean this machine. A web page in the developer's browser can send requests
 * to localhost, and through DNS rebinding can even read the answers (its own host name then
 * points at 127.0.0.1); checking Host and Origin keeps both out. Opened to the network, the
 * machine's own addresses and name count too (a phone opens http://<address>:3000).
 */
export function thisMachineHosts(openToNetwork = false): Set<string> {
  const hosts = new Set(['localhost', '127.0.0.1', '::1']);
  if (openToNetwork) {
    for (const entry of Object.values(networkInterfaces()).flat()) if (entry) hosts.add(entry.address.toLowerCase());
    hosts.add(hostname().toLowerCase());
    hosts.add(`${hostname().toLowerCase()}.local`);
  }
  return hosts;
}

/** The host name of a Host header or an origin's authority, without port or IPv6 brackets. */
function hostName(authority: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(authority);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return authority.replace(/:\d*$/, '').toLowerCase();
}

function isOurs(name: string, hosts: Set<string>): boolean {
  return hosts.has(name) || name.endsWith('.localhost');
}

/** Why a request must be refused (a foreign Host or Origin), or undefined if it may proceed. */
export function foreignRequestReason(
  req: Pick<IncomingMessage, 'headers' | 'url'>,
  hosts: Set<string>,
  options: { opaqueOriginOnPages?: boolean } = {},
): string | undefined {
  const host = req.headers.host;
  if (!host || !isOurs(hostName(host), hosts)) return 'Host is not this machine';
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  // A page sent with Referrer-Policy: no-referrer (the unsubscribe and opt-in pages) posts its
  // own form with `Origin: null`. The Host check above still holds, and the control routes
  // also need a header no form can send; the outbox never takes an opaque origin.
  if (origin === 'null' && options.opaqueOriginOnPages && !(req.url ?? '').startsWith('/__local')) return undefined;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return 'Origin is not a page of this machine';
  }
  return originHost && isOurs(hostName(originHost), hosts) ? undefined : 'Origin is not a page of this machine';
}

export function refuse(res: ServerResponse, reason: string): void {
  res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`Forbidden: ${reason}. The local stack answers only pages it serves itself, on this machine.`);
}

/**
 * Puts the Host and Origin check in front of a server whose request handler is not ours (the
 * local SES and its outbox, which holds every email sent and every token in them).
 */
export function refuseForeignRequests(server: Server, hosts: Set<string>): void {
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const reason = foreignRequestReason(req, hosts);
    if (reason) return refuse(res, reason);
    for (const handler of handlers) handler.call(server, req, res);
  });
}
