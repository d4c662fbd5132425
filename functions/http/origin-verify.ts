import { timingSafeEqual } from 'node:crypto';

/** The header CloudFront adds to every request it forwards to the API (infra/constructs/site.ts). */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/** True when the request carries the secret CloudFront sends: it came through CloudFront. */
export function carriesOriginSecret(headers: Record<string, string | undefined> | undefined, secret: Buffer): boolean {
  const given = Buffer.from(headers?.[ORIGIN_VERIFY_HEADER] ?? '', 'utf8');
  return given.length === secret.length && timingSafeEqual(given, secret);
}
