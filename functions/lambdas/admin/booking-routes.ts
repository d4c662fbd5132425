import { ADMIN_API_PREFIX } from '../../admin/contract';
import type { BookingStore } from '../../booking/ports';
import type { AdminRoute } from '../http/admin-dispatch';
import { jsonResponse } from '../http/responses';
import type { AdminDeps } from './handler';

/** What the booking inbox route needs (functions/booking/). */
export interface BookingInboxDeps {
  bookingInbox: Pick<BookingStore, 'listInbox'>;
}

/**
 * The staff booking inbox: Calendly and Acuity bookings for addresses that are not leads, and
 * cancellations left to staff (CANCELLATION_MODE=staff), newest first.
 */
export const BOOKING_ROUTES: Record<`GET ${typeof ADMIN_API_PREFIX}/bookings/inbox`, AdminRoute<AdminDeps>> = {
  [`GET ${ADMIN_API_PREFIX}/bookings/inbox`]: {
    run: async ({ deps }) => jsonResponse(200, { entries: await deps.bookingInbox.listInbox(100) }),
  },
};
