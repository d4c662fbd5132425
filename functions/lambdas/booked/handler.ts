import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import * as z from 'zod';
import { SIGNATURE_HEADER, verifyWebhookSignature, WebhookSignatureError } from '../../http/webhook-signature';
import type { AddressIds } from '../../lead/address-ids';
import { checkEmailAddress } from '../../lead/email-address';
import { fieldProblems } from '../../lead/lead-form';
import { markLeadBooked } from '../../lead/mark-booked';
import type { Clock } from '../../shared/clock';
import { NotFoundError, UnauthorizedError, ValidationError } from '../../shared/errors';
import type { SigningKeyProvider } from '../../shared/signing-key';
import type { ExitDeps } from '../../suppression/exit-lead';
import { errorResponses } from '../http/error-responses';
import { type EventWithBody, requestBody } from '../http/request-body';
import { type HttpResponse, jsonResponse } from '../http/responses';

export interface BookedHandlerDeps extends ExitDeps {
  clock: Clock;
  webhookKey: SigningKeyProvider;
  ids: Pick<AddressIds, 'leadIdFor' | 'currentLeadId'>;
}

const bookedSchema = z
  .strictObject({
    email: z.string().max(254).optional(),
    leadId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{10,64}$/)
      .optional(),
  })
  .refine((body) => Boolean(body.email) !== Boolean(body.leadId), {
    error: 'Send exactly one of email or leadId',
    path: ['email'],
  });

/**
 * POST /webhooks/booked, for scheduling tools: marks a lead as booked, which stops their
 * sequences. Authenticated by an HMAC signature over the timestamp and the raw body.
 */
export function makeBookedHandler(deps: BookedHandlerDeps) {
  return middy<EventWithBody, HttpResponse>()
    .use(httpHeaderNormalizer())
    .use({
      before: async (request) => {
        const raw = request.event.isBase64Encoded
          ? Buffer.from(request.event.body ?? '', 'base64').toString('utf8')
          : (request.event.body ?? '');
        try {
          verifyWebhookSignature(
            request.event.headers?.[SIGNATURE_HEADER],
            raw,
            await deps.webhookKey(),
            deps.clock.now().getTime(),
          );
        } catch (error) {
          if (error instanceof WebhookSignatureError) throw new UnauthorizedError(error.message, 'HMAC-SHA256');
          throw error;
        }
      },
    })
    .use(requestBody({ maxBytes: 4096, accept: ['json'] }))
    .use(errorResponses({ log: deps.log }))
    .handler(async (event) => {
      const parsed = bookedSchema.safeParse(event.parsedBody);
      if (!parsed.success) throw new ValidationError(fieldProblems(parsed.error));
      // A lead id the tool kept from before keyed ids still names its lead.
      let leadId = parsed.data.leadId && (await deps.ids.currentLeadId(parsed.data.leadId));
      if (parsed.data.email) {
        const check = checkEmailAddress(parsed.data.email);
        if (!check.ok) throw new ValidationError([{ field: 'email', message: check.reason }]);
        leadId = await deps.ids.leadIdFor(check.normalised);
      }
      const result = await markLeadBooked(leadId!, deps);
      if (result === 'unknown-lead') throw new NotFoundError('No lead matches that email or lead id');
      return jsonResponse(200, { status: result, leadId });
    });
}
