import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { applyBookingChange, type BookingChangeDeps } from '../../booking/apply-booking-change';
import { ACUITY_ACTIONS, type AcuityAppointments, acuityChange, acuityFormSchema } from '../../booking/booking-change';
import type { ReplayGuard } from '../../booking/ports';
import { ACUITY_SIGNATURE_HEADER, verifyAcuitySignature } from '../../booking/tool-signatures';
import { fieldProblems } from '../../lead/lead-form';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import type { SigningKeyProvider } from '../../shared/signing-key';
import { bookingSignature, type SignedEvent } from '../http/booking-signature';
import { errorResponses } from '../http/error-responses';
import { requestBody } from '../http/request-body';
import { type HttpResponse, jsonResponse } from '../http/responses';

export interface AcuityHandlerDeps extends BookingChangeDeps {
  /** The Acuity account's API key: Acuity signs its webhooks with it. */
  acuityKey: SigningKeyProvider;
  appointments: AcuityAppointments;
  replay: ReplayGuard;
}

/**
 * Acuity signs no timestamp, so a notification whose exact body was already acted on within
 * this time is not acted on again; after it, a replay still only makes us read the
 * appointment's current state from Acuity, which is what we act on.
 */
const REPLAY_MEMORY_MS = 30 * 86_400_000;

/**
 * POST /webhooks/acuity: Acuity's scheduled, rescheduled and canceled notifications. The
 * notification names only the appointment; who booked and whether it still stands are read
 * from Acuity's API.
 */
export function makeAcuityHandler(deps: AcuityHandlerDeps) {
  return middy<SignedEvent, HttpResponse>()
    .use(httpHeaderNormalizer())
    .use(
      bookingSignature(
        async (header, body) => verifyAcuitySignature(header, body, await deps.acuityKey()),
        ACUITY_SIGNATURE_HEADER,
      ),
    )
    .use(requestBody({ maxBytes: 8 * 1024, accept: ['form'] }))
    .use(errorResponses({ log: deps.log }))
    .handler(async (event) => {
      const form = acuityFormSchema.safeParse(event.parsedBody);
      if (!form.success) throw new ValidationError(fieldProblems(form.error));
      if (!(ACUITY_ACTIONS as readonly string[]).includes(form.data.action)) {
        return jsonResponse(200, { status: 'ignored' });
      }
      const deliveryId = `acuity#${event.deliveryId}`;
      const expiresAt = new Date(deps.clock.now().getTime() + REPLAY_MEMORY_MS);
      // Acuity sends the very same body for a second reschedule of one appointment: a repeat of
      // one already acted on is acknowledged, not refused (a refusal reads as a failing webhook to
      // Acuity), and not acted on again. A repeat while the first is still being acted on gets a
      // 409, so Acuity retries it: the first may yet fail and give its claim back.
      if (!(await deps.replay.claim(deliveryId, expiresAt))) {
        if (await deps.replay.isSettled(deliveryId)) return jsonResponse(200, { status: 'duplicate' });
        throw new ConflictError('The same notification is being processed; retry later');
      }
      try {
        const appointment = await deps.appointments.get(form.data.id);
        if (!appointment) throw new NotFoundError(`Acuity has no appointment ${form.data.id}`);
        const status = await applyBookingChange(acuityChange(form.data.id, appointment), deps);
        await deps.replay.settle(deliveryId);
        return jsonResponse(200, { status });
      } catch (error) {
        await deps.replay.release(deliveryId);
        throw error;
      }
    });
}
