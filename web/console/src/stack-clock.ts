import type { ApiClient } from './api';

/**
 * The clock of the stack the console talks to, kept as an offset from this browser's clock for
 * the tab. The local stack's clock can be moved forward (`npm run drip -- advance P35D`), and
 * the console's defaults ("today", the simulator's start, the review date's minimum) must be
 * its days, not the browser's. In AWS the offset is only the browser's own clock error.
 */
const KEY = 'console.stackClockOffsetMs';

/** What to add to this browser's clock to read the stack's, from the server's `now` just received. */
export function offsetFrom(serverNow: string | undefined, receivedAt = Date.now()): number {
  const server = serverNow ? Date.parse(serverNow) : Number.NaN;
  return Number.isFinite(server) ? server - receivedAt : 0;
}

/** Keeps the stack's time as the server just told it (sign-in, or GET /admin/api/me). */
export function rememberStackClock(serverNow: string | undefined): number {
  const offset = offsetFrom(serverNow);
  sessionStorage.setItem(KEY, String(offset));
  return offset;
}

/** The stack's time as last learned in this tab. */
export function stackNow(): Date {
  const offset = Number(sessionStorage.getItem(KEY) ?? 0);
  return new Date(Date.now() + (Number.isFinite(offset) ? offset : 0));
}

/**
 * Asks the stack for its time again, since its clock may have moved after sign-in. When the
 * stack cannot be asked, the last known time is used.
 */
export async function refreshStackClock(api: ApiClient): Promise<Date> {
  try {
    const user = await api.me();
    return new Date(Date.now() + rememberStackClock(user.now));
  } catch {
    return stackNow();
  }
}
