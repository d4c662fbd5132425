import type { SendRecordStore } from '../drip/ports';
import type { Clock } from '../shared/clock';
import { type ExitDeps, suppressAndExit } from './exit-lead';
import type { UnsubscribeLink } from './unsubscribe-token';

export type UnsubscribeResult = 'unsubscribed' | 'already-unsubscribed';

/**
 * Whether the link still has something to do: an address that is suppressed already (this
 * link or another was used, or it bounced or complained) gets no more marketing email anyway.
 */
export async function unsubscribeState(
  link: UnsubscribeLink,
  deps: Pick<ExitDeps, 'leadEnrolments' | 'suppression'>,
): Promise<'subscribed' | 'already-unsubscribed'> {
  const lead = await deps.leadEnrolments.getLead(link.leadId);
  // An erased lead is suppressed already, as for the one-click POST.
  if (!lead) return 'already-unsubscribed';
  return (await deps.suppression.reasonFor(lead.email)) ? 'already-unsubscribed' : 'subscribed';
}

/**
 * One-click unsubscribe: no login, no questions, and the same answer however often it is used.
 * A link from a sequence email is counted on that email's step, once; an older link (the lead
 * only) on the step that last reached the person.
 */
export async function unsubscribeLead(
  link: UnsubscribeLink,
  deps: ExitDeps & { clock: Clock; sendRecords: Pick<SendRecordStore, 'recordEmailEvent' | 'getSendRecord'> },
): Promise<UnsubscribeResult> {
  const { leadId, from } = link;
  const lead = await deps.leadEnrolments.getLead(leadId);
  // An erased lead is suppressed already; the person still sees that they are unsubscribed.
  if (!lead) return 'already-unsubscribed';
  const at = deps.clock.now().toISOString();
  const before = await deps.suppression.reasonFor(lead.email);
  const exited = await suppressAndExit(leadId, lead.email, 'unsubscribed', at, deps, !from);
  if (from) {
    // The link names the email, not its path: the send record kept the path the email went out on.
    const sent = await deps.sendRecords.getSendRecord(leadId, from.sequenceId, from.stepId);
    await deps.sendRecords.recordEmailEvent(leadId, from.sequenceId, from.stepId, 'unsubscribedAt', at, {
      variant: from.variant,
      day: at.slice(0, 10),
      ...(sent?.path ? { path: sent.path } : {}),
      counter: 'unsubscribed',
    });
  }
  return before && exited.length === 0 ? 'already-unsubscribed' : 'unsubscribed';
}
