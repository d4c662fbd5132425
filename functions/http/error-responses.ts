import type { MiddlewareObj } from '@middy/core';
import type { Log } from '../observability/logger';
import { errorFields } from '../observability/redact';
import { HttpClientError, ValidationError } from './http-errors';
import type { EventWithBody } from './request-body';
import { type HttpResponse, jsonResponse } from './responses';

export interface ErrorResponseOptions {
  log: Log;
  /** For HTML form posts: the page to show again with the problems inline (no JavaScript needed). */
  renderFormErrors?: (event: EventWithBody, error: ValidationError) => HttpResponse;
  /** For HTML form posts: other client errors (429, 503...) as a page rather than JSON. */
  renderFormMessage?: (error: HttpClientError) => HttpResponse;
}

/**
 * Maps errors to responses. Client errors show their own message (and field list); anything
 * else is a generic 500 with the detail in the log only.
 */
export function errorResponses(options: ErrorResponseOptions): MiddlewareObj<EventWithBody, HttpResponse> {
  return {
    onError: (request) => {
      const error = request.error;
      if (error instanceof ValidationError && request.event.bodyKind === 'form' && options.renderFormErrors) {
        request.response = options.renderFormErrors(request.event, error);
        return;
      }
      if (error instanceof ValidationError) {
        request.response = jsonResponse(400, { error: error.code, message: error.message, fields: error.fields });
        return;
      }
      if (error instanceof HttpClientError && request.event.bodyKind === 'form' && options.renderFormMessage) {
        request.response = options.renderFormMessage(error);
        return;
      }
      if (error instanceof HttpClientError) {
        request.response = jsonResponse(error.statusCode, { error: error.code, message: error.message }, error.headers);
        return;
      }
      options.log.error('Unhandled error', errorFields(error));
      request.response = jsonResponse(500, {
        error: 'internal',
        message: 'Something went wrong on our side. Please try again.',
      });
    },
  };
}
