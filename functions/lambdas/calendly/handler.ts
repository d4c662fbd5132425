import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import * as z from 'zod';
import { applyBookingChange, type BookingChangeDeps } from '../../booking/apply-booking-change';
import { calendlyChange } from '../../booking/booking-change';
import type { ReplayGuard } from '../../booking/ports';
import {
  CALENDLY_SIGNATURE_HEADER,
  CALENDLY_TOLERANCE_MS,
  verifyCalendlySignature,
} from '../../booking/tool-signatures';
import { fieldProblems } from '../../lead/lead-form';
import { UnauthorizedError, ValidationError } from '../../shared/errors';
import type { SigningKeyProvider } from '../../shared/signing-key';
import { bookingSignature, type SignedEvent } from '../http/booking-signature';
import { errorResponses } from '../http/error-responses';
import { requestBody } from '../http/request-body';
import { type HttpResponse, jsonResponse } from '../http/responses';

export interface CalendlyHandlerDeps extends BookingChangeDeps {
  calendlyKey: SigningKeyProvider;
  replay: ReplayGuard;
}

/**
 * POST /webhooks/calendly: Calendly's invitee.created marks the lead booked, invitee.canceled
 * puts them on the rebook path (or in the staff inbox). Calendly's own signature is checked
 * before anything is read, and each signature is acted on once.
 */
export function makeCalendlyHandler(deps: CalendlyHandlerDeps) {
  return middy<SignedEvent, HttpResponse>()
    .use(httpHeaderNormalizer())
    .use(
      bookingSignature(
        async (header, body) =>
          verifyCalendlySignature(header, body, await deps.calendlyKey(), deps.clock.now().getTime()),
        CALENDLY_SIGNATURE_HEADER,
      ),
    )
    .use(requestBody({ maxBytes: 64 * 1024, accept: ['json'] }))
    .use(errorResponses({ log: deps.log }))
    .handler(async (event) => {
      const change = calendlyChange(event.parsedBody);
      if (change instanceof z.ZodError) throw new ValidationError(fieldProblems(change));
      if (!change) return jsonResponse(200, { status: 'ignored' });
      const deliveryId = `calendly#${event.deliveryId}`;
      // Twice the tolerance: a timestamp from the future is accepted for as long as one from the past.
      const expiresAt = new Date(deps.clock.now().getTime() + 2 * CALENDLY_TOLERANCE_MS);
      if (!(await deps.replay.claim(deliveryId, expiresAt))) {
        throw new UnauthorizedError('This delivery was already received', 'HMAC-SHA256');
      }
      try {
        return jsonResponse(200, { status: await applyBookingChange(change, deps) });
      } catch (error) {
        await deps.replay.release(deliveryId);
        throw error;
      }
    });
}
