import type { Clock } from '../shared/clock';
import { type ExitDeps, suppressAndExit } from './exit-lead';

export type UnsubscribeResult = 'unsubscribed' | 'already-unsubscribed';

/** One-click unsubscribe: no login, no questions, and the same answer however often it is used. */
export async function unsubscribeLead(leadId: string, deps: ExitDeps & { clock: Clock }): Promise<UnsubscribeResult> {
  const lead = await deps.store.getLead(leadId);
  // An erased lead is suppressed already; the person still sees that they are unsubscribed.
  if (!lead) return 'already-unsubscribed';
  const before = await deps.suppression.reasonFor(lead.email);
  const exited = await suppressAndExit(leadId, lead.email, 'unsubscribed', deps.clock.now().toISOString(), deps);
  return before && exited.length === 0 ? 'already-unsubscribed' : 'unsubscribed';
}
