import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { errorResponses } from '../http/error-responses';
import { ValidationError } from '../http/http-errors';
import { type EventWithBody, requestBody } from '../http/request-body';
import { type HttpResponse, htmlResponse, jsonResponse, redirectResponse } from '../http/responses';
import { type CaptureDeps, captureLead } from '../lead/capture-lead';
import { type FieldProblem, fieldProblems, HONEYPOT_FIELD, leadFormSchema } from '../lead/lead-form';

export const MAX_BODY_BYTES = 16 * 1024;

export interface CaptureHandlerDeps extends CaptureDeps {
  /** Where a successful form post lands (absolute URL of the thank-you page). */
  thankYouUrl: string;
  /** The landing page again, with the visitor's values and the problems inline (no JavaScript needed). */
  renderFormPage(values: Record<string, unknown>, errors: FieldProblem[]): string;
}

/** POST /leads: JSON from the enhanced form (202), or a plain HTML form post (303 to the thank-you page). */
export function makeCaptureHandler(deps: CaptureHandlerDeps) {
  return middy<EventWithBody, HttpResponse>()
    .use(httpHeaderNormalizer())
    .use(requestBody({ maxBytes: MAX_BODY_BYTES, accept: ['json', 'form'] }))
    .use(
      errorResponses({
        log: deps.log,
        renderFormErrors: (event, error) =>
          htmlResponse(400, deps.renderFormPage(formValues(event.parsedBody), error.fields)),
      }),
    )
    .handler(async (event) => {
      const parsed = leadFormSchema.safeParse(event.parsedBody);
      if (!parsed.success) throw new ValidationError(fieldProblems(parsed.error));
      await captureLead(
        parsed.data,
        { requestId: event.requestContext?.requestId ?? randomUUID(), receivedAt: deps.clock.now() },
        deps,
      );
      // The same answer for new, returning and honeypot submissions: nothing reveals who is known.
      if (event.bodyKind === 'form') return redirectResponse(deps.thankYouUrl);
      return jsonResponse(202, { status: 'received', message: 'Thank you. We will be in touch soon.' });
    });
}

/** What the visitor typed, to put back into the form; never the honeypot. */
function formValues(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return {};
  const { [HONEYPOT_FIELD]: _honeypot, ...values } = body as Record<string, unknown>;
  return values;
}
