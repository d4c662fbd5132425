import { ADMIN_API_PREFIX } from '../../admin/contract';
import type { BookingStore } from '../../booking/ports';
import type { Log } from '../../observability/logger';
import { NotFoundError, ValidationError } from '../../shared/errors';
import type { AdminRoute } from '../http/admin-dispatch';
import { jsonResponse } from '../http/responses';
import type { AdminDeps } from './handler';

/** What the booking inbox routes need (functions/booking/). */
export interface BookingInboxDeps {
  bookingInbox: Pick<BookingStore, 'listInbox' | 'removeFromInbox'>;
  log: Log;
}

/** `<tool>.<kind>.<hash of the tool's booking id>`, as the inbox lists it. */
const INBOX_ENTRY_ID =
  /^(calendly|acuity)\.(unmatched-booking|unmatched-cancellation|cancellation-to-decide)\.[A-Za-z0-9_-]{32}$/;

type BookingRouteKey =
  | `GET ${typeof ADMIN_API_PREFIX}/bookings/inbox`
  | `DELETE ${typeof ADMIN_API_PREFIX}/bookings/inbox/{entryId}`;

/**
 * The staff booking inbox: Calendly and Acuity bookings for addresses that are not leads, and
 * cancellations left to staff (CANCELLATION_MODE=staff), newest first. Staff remove an entry
 * once they have dealt with it; who removed which entry is logged (by subject id, never by
 * address), as the entry itself is gone.
 */
export const BOOKING_ROUTES: Record<BookingRouteKey, AdminRoute<AdminDeps>> = {
  [`GET ${ADMIN_API_PREFIX}/bookings/inbox`]: {
    run: async ({ deps }) => jsonResponse(200, { entries: await deps.bookingInbox.listInbox(100) }),
  },
  [`DELETE ${ADMIN_API_PREFIX}/bookings/inbox/{entryId}`]: {
    run: async ({ event, user, deps }) => {
      const entryId = event.pathParameters?.entryId ?? '';
      if (!INBOX_ENTRY_ID.test(entryId)) {
        throw new ValidationError([{ field: 'entryId', message: 'Not a booking inbox entry id' }]);
      }
      const removed = await deps.bookingInbox.removeFromInbox(entryId);
      if (!removed) throw new NotFoundError('No booking inbox entry with that id');
      deps.log.info('Booking inbox entry removed by staff', {
        entryId,
        kind: removed.kind,
        tool: removed.tool,
        ...(removed.leadId ? { leadId: removed.leadId } : {}),
        by: user.subject,
      });
      return jsonResponse(200, { deleted: true, entryId });
    },
  },
};
