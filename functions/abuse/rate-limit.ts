import { createHash } from 'node:crypto';

export interface RateWindow {
  /** What is counted, e.g. "ip" or "email": each kind has its own limit. */
  kind: string;
  /** Who is counted; hashed before it is stored, so no address or IP sits in the table. */
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
export function windowKey(window: RateWindow, now: Date): { key: string; windowEnds: Date } {
  const size = window.windowSeconds * 1000;
  const start = Math.floor(now.getTime() / size) * size;
  const subject = createHash('sha256').update(`${window.kind}:${window.subject}`).digest('base64url').slice(0, 22);
  return { key: `${window.kind}#${subject}#${start}`, windowEnds: new Date(start + size) };
}

export function decide(count: number, window: RateWindow, windowEnds: Date, now: Date): RateDecision {
  return {
    allowed: count <= window.limit,
    retryAfterSeconds: Math.max(1, Math.ceil((windowEnds.getTime() - now.getTime()) / 1000)),
  };
}

/** The visitor's address: CloudFront's viewer address when the request came through it. */
export function clientAddress(headers: Record<string, string | undefined> | undefined, sourceIp: string): string {
  const viaCloudFront = headers?.['cloudfront-viewer-address'];
  if (viaCloudFront) return viaCloudFront.replace(/:\d+$/, '');
  return sourceIp;
}
