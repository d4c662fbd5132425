import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { addressWindows, type RateLimiter, type RateWindow } from '../../abuse/rate-limit';
import { carriesOriginSecret } from '../../http/origin-verify';
import { type CaptureDeps, type CaptureOutcome, captureLead } from '../../lead/capture-lead';
import { fieldProblems, HONEYPOT_FIELD, isHoneypotFilled, leadFormSchema } from '../../lead/lead-form';
import { errorFields } from '../../observability/redact';
import { type LinkPageSite, messagePage } from '../../pages/link-pages';
import {
  type FieldProblem,
  ForbiddenError,
  ServiceUnavailableError,
  TooManyRequestsError,
  ValidationError,
} from '../../shared/errors';
import type { SigningKeyProvider } from '../../shared/signing-key';
import { errorResponses } from '../http/error-responses';
import { type EventWithBody, requestBody } from '../http/request-body';
import { type HttpResponse, htmlResponse, jsonResponse, redirectResponse } from '../http/responses';

export const MAX_BODY_BYTES = 16 * 1024;

export interface CaptureLimits {
  limiter: RateLimiter;
  /** Submissions per client address per minute; 0 turns the check off. (Per email: in the use case.) */
  perAddressPerMinute: number;
}

export interface CaptureHandlerDeps extends CaptureDeps {
  limits: CaptureLimits;
  /**
   * In AWS: the secret CloudFront sends in x-origin-verify. A request without it did not come
   * through CloudFront (a direct call to the API could forge `cloudfront-viewer-address`): refused.
   */
  originVerify?: { secret: SigningKeyProvider };
  siteUrl: string;
  /** For the header and footer of the plain message page. */
  practice: LinkPageSite['practice'];
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
        renderFormMessage: (status, message) =>
          htmlResponse(
            status.statusCode,
            messagePage('Please try again', message, { practice: deps.practice, siteUrl: deps.siteUrl }),
            status.headers,
          ),
      }),
    )
    .handler(async (event) => {
      if (deps.originVerify && !carriesOriginSecret(event.headers, await deps.originVerify.secret())) {
        throw new ForbiddenError('Send the form from the practice’s website.');
      }
      const receivedAt = deps.clock.now();
      const parsed = leadFormSchema.safeParse(event.parsedBody);
      if (!parsed.success) throw new ValidationError(fieldProblems(parsed.error));
      // A bot that filled the honeypot gets the normal answer and leaves nothing behind, not even a counter.
      if (!isHoneypotFilled(parsed.data)) {
        await enforceAddressLimit(deps.limits, event, receivedAt, deps.originVerify !== undefined);
      }
      let outcome: CaptureOutcome;
      try {
        outcome = await captureLead(
          parsed.data,
          { requestId: event.requestContext?.requestId ?? randomUUID(), receivedAt },
          deps,
        );
      } catch (error) {
        // The lead is written in one transaction, so a failure here stored nothing: say so.
        deps.log.error('Capture failed; nothing stored', errorFields(error));
        throw new ServiceUnavailableError(
          'We could not save your request just now, and nothing was stored. Please try again in a moment.',
        );
      }
      if (outcome.kind === 'rate-limited') throw new TooManyRequestsError(outcome.retryAfterSeconds);
      // The same answer for new, returning and honeypot submissions: nothing reveals who is known.
      if (event.bodyKind === 'form') return redirectResponse(deps.thankYouUrl);
      return jsonResponse(202, { status: 'received', message: 'Thank you. We will be in touch soon.' });
    });
}

async function enforceAddressLimit(
  limits: CaptureLimits,
  event: EventWithBody,
  now: Date,
  viaVerifiedCloudFront: boolean,
): Promise<void> {
  if (limits.perAddressPerMinute <= 0) return;
  const sourceIp = event.requestContext?.http?.sourceIp ?? 'unknown';
  const windows: RateWindow[] = addressWindows(
    event.headers,
    sourceIp,
    limits.perAddressPerMinute,
    viaVerifiedCloudFront,
  );
  const decisions = await Promise.all(windows.map((window) => limits.limiter.hit(window, now)));
  const refused = decisions.find((decision) => !decision.allowed);
  if (refused) throw new TooManyRequestsError(refused.retryAfterSeconds);
}

/** What the visitor typed, to put back into the form; never the honeypot. */
function formValues(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return {};
  const { [HONEYPOT_FIELD]: _honeypot, ...values } = body as Record<string, unknown>;
  return values;
}
