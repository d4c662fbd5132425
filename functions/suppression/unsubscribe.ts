import type { Clock } from '../shared/clock';
import { type ExitDeps, suppressAndExit } from './exit-lead';
import type { UnsubscribeLink } from './unsubscribe-token';

export type UnsubscribeResult = 'unsubscribed' | 'already-unsubscribed';

/**
 * One-click unsubscribe: no login, no questions, and the same answer however often it is used.
 * A link from a sequence email is counted on that email's step, once; an older link (the lead
 * only) on the step that last reached the person.
 */
export async function unsubscribeLead(
  link: UnsubscribeLink,
  deps: ExitDeps & { clock: Clock },
): Promise<UnsubscribeResult> {
  const { leadId, from } = link;
  const lead = await deps.store.getLead(leadId);
  // An erased lead is suppressed already; the person still sees that they are unsubscribed.
  if (!lead) return 'already-unsubscribed';
  const at = deps.clock.now().toISOString();
  const before = await deps.suppression.reasonFor(lead.email);
  const exited = await suppressAndExit(leadId, lead.email, 'unsubscribed', at, deps, !from);
  if (from) {
    await deps.store.recordEmailEvent(leadId, from.sequenceId, from.stepId, 'unsubscribedAt', at, {
      variant: from.variant,
      day: at.slice(0, 10),
      counter: 'unsubscribed',
    });
  }
  return before && exited.length === 0 ? 'already-unsubscribed' : 'unsubscribed';
}
