import type middy from '@middy/core';
import { BookingSignatureError } from '../../booking/tool-signatures';
import { UnauthorizedError } from '../../shared/errors';
import { rawBody } from './raw-body';
import type { EventWithBody } from './request-body';
import type { HttpResponse } from './responses';

export type SignedEvent = EventWithBody & { deliveryId?: string };

/**
 * Checks a booking tool's signature over the raw body before anything is read: a bad one is a
 * 401 (`WWW-Authenticate: HMAC-SHA256`). `verify` returns the delivery's id (what the replay
 * guard remembers); it is kept on the event.
 */
export function bookingSignature(
  verify: (header: string | undefined, body: string) => Promise<string>,
  header: string,
): middy.MiddlewareObj<SignedEvent, HttpResponse> {
  return {
    before: async (request) => {
      try {
        request.event.deliveryId = await verify(request.event.headers?.[header], rawBody(request.event));
      } catch (error) {
        if (error instanceof BookingSignatureError) throw new UnauthorizedError(error.message, 'HMAC-SHA256');
        throw error;
      }
    },
  };
}
