import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { type AddressPolicy, forbiddenAddressReason } from '../webhooks/address-policy';
import type { DestinationCheck, PostResult, WebhookPoster } from '../webhooks/ports';

/** Resolves a host name to its addresses (DNS in AWS; tests inject their own, without network). */
export type Resolver = (hostname: string) => Promise<string[]>;

export const dnsResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export interface PosterOptions extends AddressPolicy {
  resolver: Resolver;
  /** Only for local development: http:// URLs too. */
  allowHttp: boolean;
  timeoutMs: number;
  /** At most this much of a response is read; a receiver's answer is only its status. */
  maxResponseBytes: number;
}

export const DEFAULT_POSTER_LIMITS = { timeoutMs: 10_000, maxResponseBytes: 4096 };

type Checked = { address: string; family: 4 | 6 } | { refusal: string };

async function checkedAddress(url: URL, options: PosterOptions): Promise<Checked> {
  if (url.protocol !== 'https:' && !(options.allowHttp && url.protocol === 'http:')) {
    return { refusal: 'a URL that is not https' };
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await options.resolver(host);
  } catch {
    return { refusal: 'a name that does not resolve' };
  }
  if (addresses.length === 0) return { refusal: 'a name that does not resolve' };
  // Every address must be allowed: a name that resolves to one public and one private address is refused.
  for (const address of addresses) {
    const reason = forbiddenAddressReason(address, options);
    if (reason) return { refusal: reason };
  }
  const address = addresses[0]!;
  return { address, family: isIP(address) === 6 ? 6 : 4 };
}

/** The registration check: the same resolution and rules as each attempt. */
export function destinationCheck(options: PosterOptions): DestinationCheck {
  return {
    async refusal(url) {
      const checked = await checkedAddress(new URL(url), options);
      return 'refusal' in checked ? checked.refusal : undefined;
    },
  };
}

/**
 * POSTs a webhook with the SSRF guards of Standard Webhooks' security section: the host is
 * resolved and every address checked before each attempt, and the connection goes to the very
 * address that was checked (the socket's lookup answers with it), so a name that resolves
 * elsewhere a moment later (DNS rebinding) changes nothing. No redirect is followed (a 3xx is a
 * failure), the whole attempt has a short timeout, and at most a few KB of the answer are read.
 */
export function webhookPoster(options: PosterOptions): WebhookPoster {
  return {
    async post(target, headers, body): Promise<PostResult> {
      const url = new URL(target);
      const checked = await checkedAddress(url, options);
      if ('refusal' in checked) return { error: `refused: ${checked.refusal}` };
      const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
        if ((lookupOptions as { all?: boolean }).all) {
          (callback as (error: null, addresses: { address: string; family: number }[]) => void)(null, [
            { address: checked.address, family: checked.family },
          ]);
        } else callback(null, checked.address, checked.family);
      };
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      return new Promise<PostResult>((resolve) => {
        let settled = false;
        const finish = (result: PostResult) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(result);
        };
        const req = request(
          url,
          {
            method: 'POST',
            headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'clinic-webhooks' },
            lookup: pinned,
            // The certificate must be for the name in the URL, not for the address we connect to.
            servername: isIP(url.hostname) ? undefined : url.hostname,
            agent: false,
          },
          (res: IncomingMessage) => {
            let read = 0;
            res.on('data', (chunk: Buffer) => {
              read += chunk.length;
              if (read > options.maxResponseBytes) res.destroy();
            });
            res.on('close', () => finish({ status: res.statusCode ?? 0 }));
            res.on('error', () => finish({ status: res.statusCode ?? 0 }));
          },
        );
        const timer = setTimeout(() => {
          req.destroy();
          finish({ error: `no answer within ${options.timeoutMs} ms` });
        }, options.timeoutMs);
        req.on('error', (error) =>
          finish({ error: `connection failed (${(error as NodeJS.ErrnoException).code ?? 'error'})` }),
        );
        req.end(body);
      });
    },
  };
}
