import { createHmac } from 'node:crypto';

export interface RateWindow {
  /** What is counted, e.g. "ip" or "email": each kind has its own limit. */
  kind: string;
  /**
   * Who is counted; keyed-hashed before it is stored, so no address or IP sits in the table, and
   * none can be found again by hashing every IPv4 address or a list of emails.
   */
  subject: string;
  limit: number;
  windowSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

export interface RateLimiter {
  hit(window: RateWindow, now: Date): Promise<RateDecision>;
}

/** Fixed windows: the key names the window, so counting is one atomic increment. */
export function windowKey(window: RateWindow, now: Date, subjectKey: Buffer): { key: string; windowEnds: Date } {
  const size = window.windowSeconds * 1000;
  const start = Math.floor(now.getTime() / size) * size;
  const subject = createHmac('sha256', subjectKey)
    .update(`rate:${window.kind}:${window.subject}`)
    .digest('base64url')
    .slice(0, 22);
  return { key: `${window.kind}#${subject}#${start}`, windowEnds: new Date(start + size) };
}

export function decide(count: number, window: RateWindow, windowEnds: Date, now: Date): RateDecision {
  return {
    allowed: count <= window.limit,
    retryAfterSeconds: Math.max(1, Math.ceil((windowEnds.getTime() - now.getTime()) / 1000)),
  };
}

/**
 * Which addresses a request is counted against. Behind CloudFront the connection comes from an
 * edge, and CloudFront names the visitor in `cloudfront-viewer-address`. When the request is known
 * to come through CloudFront (its origin-verify header checked), that name is the visitor's.
 * Otherwise anyone calling the API directly can send that header too: the named viewer gets the
 * normal limit, and the connecting address a looser one, so a forger who rotates the header is
 * still capped by the address they really connect from, while real visitors sharing an edge are not.
 */
export function addressWindows(
  headers: Record<string, string | undefined> | undefined,
  sourceIp: string,
  perMinute: number,
  viewerVerified = false,
): RateWindow[] {
  const viewer = headers?.['cloudfront-viewer-address']?.replace(/:\d+$/, '').slice(0, 64);
  if (!viewer) return [{ kind: 'ip', subject: sourceIp, limit: perMinute, windowSeconds: 60 }];
  if (viewerVerified) return [{ kind: 'ip', subject: viewer, limit: perMinute, windowSeconds: 60 }];
  return [
    { kind: 'ip', subject: viewer, limit: perMinute, windowSeconds: 60 },
    { kind: 'edge', subject: sourceIp, limit: perMinute * EDGE_FACTOR, windowSeconds: 60 },
  ];
}

/** How many visitors' worth of requests one connecting address may carry. */
export const EDGE_FACTOR = 10;
