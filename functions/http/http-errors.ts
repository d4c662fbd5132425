import type { FieldProblem } from '../lead/lead-form';

/**
 * Errors a caller caused and may see. Anything else becomes a generic 500 whose detail only
 * reaches the log, the rule middy's http-error-handler follows.
 */
export class HttpClientError extends Error {
  override name = 'HttpClientError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export class ValidationError extends HttpClientError {
  override name = 'ValidationError';
  constructor(readonly fields: FieldProblem[]) {
    super(400, 'validation', 'Some fields need attention');
  }
}

export class MalformedBodyError extends HttpClientError {
  override name = 'MalformedBodyError';
  constructor(message = 'The request body is not valid JSON') {
    super(400, 'malformed_body', message);
  }
}

export class UnsupportedMediaTypeError extends HttpClientError {
  override name = 'UnsupportedMediaTypeError';
  constructor(accepted: string[]) {
    super(415, 'unsupported_media_type', `Send the body as ${accepted.join(' or ')} (UTF-8)`);
  }
}

export class PayloadTooLargeError extends HttpClientError {
  override name = 'PayloadTooLargeError';
  constructor(maxBytes: number) {
    super(413, 'payload_too_large', `The request body can be at most ${Math.round(maxBytes / 1024)} KB`);
  }
}

export class TooManyRequestsError extends HttpClientError {
  override name = 'TooManyRequestsError';
  constructor(retryAfterSeconds: number) {
    super(429, 'too_many_requests', 'Too many requests, please try again shortly', {
      'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}

export class ForbiddenError extends HttpClientError {
  override name = 'ForbiddenError';
  constructor(message = 'Forbidden') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends HttpClientError {
  override name = 'NotFoundError';
  constructor(message = 'Not found') {
    super(404, 'not_found', message);
  }
}

/** A dependency failed before anything was stored: the caller may simply try again. */
export class ServiceUnavailableError extends HttpClientError {
  override name = 'ServiceUnavailableError';
  constructor(message: string, retryAfterSeconds = 10) {
    super(503, 'unavailable', message, { 'retry-after': String(retryAfterSeconds) });
  }
}
