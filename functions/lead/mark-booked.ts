import type { Clock } from '../shared/clock';
import { creditLastSteps, type ExitDeps } from '../suppression/exit-lead';

export type BookedResult = 'booked' | 'already-booked' | 'unknown-lead';

/**
 * The person booked a consultation: stop their sequences (exit reason "booked") and credit the
 * step that last reached them. No suppression: they may still hear from the practice directly.
 */
export async function markLeadBooked(leadId: string, deps: ExitDeps & { clock: Clock }): Promise<BookedResult> {
  const at = deps.clock.now().toISOString();
  const lead = await deps.leadEnrolments.getLead(leadId);
  if (!lead) return 'unknown-lead';
  const changed = await deps.leadEnrolments.markLeadBooked(leadId, at);
  const exited = await deps.leadEnrolments.exitEnrolments(leadId, 'booked', at);
  await creditLastSteps(exited, 'booked', at, deps);
  // A booking after the last email is credited to that email's step too, once.
  const afterCompletion = await deps.leadEnrolments.creditCompleted(leadId, 'booked', at);
  deps.log.info('Lead booked', { leadId, stopped: exited.length });
  return changed || exited.length > 0 || afterCompletion > 0 ? 'booked' : 'already-booked';
}
