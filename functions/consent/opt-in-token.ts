import { createHash, randomBytes } from 'node:crypto';

/** How long a double opt-in link works. */
export const OPT_IN_TTL_MS = 48 * 60 * 60 * 1000;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface OptInRecord {
  tokenHash: string;
  leadId: string;
  submissionId: string;
  expiresAt: string;
}

/**
 * 32 random bytes (43 url-safe characters). Only the hash is stored, so a leaked table does
 * not leak working links; the raw token exists only in the email.
 */
export function issueOptInToken(
  leadId: string,
  submissionId: string,
  now: Date,
): { token: string; record: OptInRecord } {
  const token = randomBytes(32).toString('base64url');
  return {
    token,
    record: {
      tokenHash: hashOptInToken(token),
      leadId,
      submissionId,
      expiresAt: new Date(now.getTime() + OPT_IN_TTL_MS).toISOString(),
    },
  };
}

export function hashOptInToken(token: string): string {
  return createHash('sha256').update(`opt-in:${token}`).digest('base64url');
}

export function isWellFormedOptInToken(token: string): boolean {
  return TOKEN.test(token);
}
