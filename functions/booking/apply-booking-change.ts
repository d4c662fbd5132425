import type { AddressIds } from '../lead/address-ids';
import { checkEmailAddress } from '../lead/email-address';
import { markLeadBooked } from '../lead/mark-booked';
import type { SequenceCatalog } from '../sequence/ports';
import type { Clock } from '../shared/clock';
import { creditLastSteps, type ExitDeps } from '../suppression/exit-lead';
import type { BookingChange } from './booking-change';
import type { BookingStore } from './ports';

/** What staff chose for a cancelled consultation: the short rebook sequence, or their own call. */
export type CancellationMode = 'rebook' | 'staff';

export interface BookingChangeDeps extends ExitDeps {
  clock: Clock;
  /** The lead of the booked address (keyed ids). */
  ids: Pick<AddressIds, 'leadIdFor'>;
  bookings: BookingStore;
  sequences: SequenceCatalog;
  settings: { cancellationMode: CancellationMode; rebookSequenceId: string; practiceTimeZone: string };
}

export type BookingOutcome =
  | 'booked'
  | 'already-booked'
  | 'rebook'
  | 'staff-decides'
  | 'not-booked'
  | 'suppressed'
  | 'stored-for-staff';

/**
 * A booking stops the lead's sequences exactly as POST /webhooks/booked does. A cancellation
 * of a booked lead is counted on the step the booking was credited to, then either starts the
 * short rebook sequence or waits in the staff inbox (CANCELLATION_MODE). An address we do not
 * know is kept in the staff inbox, never dropped.
 */
export async function applyBookingChange(change: BookingChange, deps: BookingChangeDeps): Promise<BookingOutcome> {
  const at = deps.clock.now().toISOString();
  const check = checkEmailAddress(change.email);
  const leadId = check.ok ? await deps.ids.leadIdFor(check.normalised) : undefined;
  const lead = leadId ? await deps.leadEnrolments.getLead(leadId) : undefined;
  if (!leadId || !lead) {
    await deps.bookings.addToInbox({
      kind: change.kind === 'booked' ? 'unmatched-booking' : 'unmatched-cancellation',
      tool: change.tool,
      bookingId: change.bookingId,
      at,
      email: check.ok ? check.normalised : change.email.slice(0, 254),
    });
    deps.log.info('Booking for an unknown address kept for staff', { tool: change.tool, kind: change.kind });
    return 'stored-for-staff';
  }
  if (change.kind === 'booked') {
    const result = await markLeadBooked(leadId, deps);
    // Erased between the two reads: nothing of theirs may be written again.
    return result === 'unknown-lead' ? 'not-booked' : result;
  }

  if (!(await deps.bookings.markCancelled(leadId, at))) return 'not-booked';
  await creditLastSteps(await deps.bookings.bookedEnrolments(leadId), 'cancelled', at, deps);
  if (deps.settings.cancellationMode === 'staff') {
    await deps.bookings.addToInbox({
      kind: 'cancellation-to-decide',
      tool: change.tool,
      bookingId: change.bookingId,
      at,
      leadId,
    });
    deps.log.info('Cancelled booking left to staff', { leadId, tool: change.tool });
    return 'staff-decides';
  }
  if (await deps.suppression.reasonFor(lead.email)) return 'suppressed';
  const sequence = await deps.sequences.current(deps.settings.rebookSequenceId);
  await deps.bookings.enrol({
    leadId,
    sequenceId: sequence.sequenceId,
    sequenceVersion: sequence.version,
    status: 'active',
    stepIndex: 0,
    nextSendAt: at,
    timeZone:
      lead.timeZone ??
      (sequence.timeZoneFallback === 'practice' ? deps.settings.practiceTimeZone : sequence.timeZoneFallback),
    enrolledAt: at,
  });
  deps.log.info('Cancelled booking put on the rebook path', { leadId, tool: change.tool });
  return 'rebook';
}
