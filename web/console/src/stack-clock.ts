import type { ApiClient } from './api';
import { readSession, saveSession } from './session';

/**
 * The clock of the stack the console talks to, kept as an offset from this browser's clock for
 * the session. The local stack's clock can be moved forward (`npm run drip -- advance P35D`),
 * and the console's defaults ("today", the simulator's start, the review date's minimum) must
 * be its days, not the browser's. In AWS the offset is only the browser's own clock error.
 */

/** What to add to this browser's clock to read the stack's, from the server's `now` just received. */
export function offsetFrom(serverNow: string | undefined, receivedAt = Date.now()): number {
  const server = serverNow ? Date.parse(serverNow) : Number.NaN;
  return Number.isFinite(server) ? server - receivedAt : 0;
}

/** The stack's time as last learned in this session. */
export function stackNow(): Date {
  return new Date(Date.now() + (readSession()?.clockOffsetMs ?? 0));
}

/**
 * Asks the stack for its time again, since its clock may have moved after sign-in, and keeps
 * the offset in the session. When the stack cannot be asked, the last known time is used.
 */
export async function refreshStackClock(api: ApiClient): Promise<Date> {
  const session = readSession();
  if (!session) return stackNow();
  try {
    const user = await api.me();
    const clockOffsetMs = offsetFrom(user.now);
    const current = readSession();
    if (current?.token === session.token) saveSession({ ...current, user, clockOffsetMs });
    return new Date(Date.now() + clockOffsetMs);
  } catch {
    return stackNow();
  }
}
