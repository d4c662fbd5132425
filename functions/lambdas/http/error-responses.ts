import type { MiddlewareObj } from '@middy/core';
import { type ErrorStatus, errorStatus } from '../../http/error-status';
import type { Log } from '../../observability/logger';
import { errorFields } from '../../observability/redact';
import { ValidationError } from '../../shared/errors';
import type { EventWithBody } from './request-body';
import { type HttpResponse, jsonResponse } from './responses';

export interface ErrorResponseOptions {
  log: Log;
  /** For HTML form posts: the page to show again with the problems inline (no JavaScript needed). */
  renderFormErrors?: (event: EventWithBody, error: ValidationError) => HttpResponse;
  /** For HTML form posts: other client errors (429, 503...) as a page rather than JSON. */
  renderFormMessage?: (status: ErrorStatus, message: string) => HttpResponse;
}

/**
 * Maps errors to responses by the one status table (./error-status.ts). Client errors show
 * their own message (and field list); anything else is a generic 500 with the detail in the
 * log only. middy's http-error-handler does the same for plain messages, but not for the
 * field lists and the HTML form pages this project answers with, hence this middleware.
 */
export function errorResponses(options: ErrorResponseOptions): MiddlewareObj<EventWithBody, HttpResponse> {
  return {
    onError: (request) => {
      const error = request.error;
      const status = errorStatus(error);
      if (!status || !error) {
        options.log.error('Unhandled error', errorFields(error));
        request.response = jsonResponse(500, {
          error: 'internal',
          message: 'Something went wrong on our side. Please try again.',
        });
        return;
      }
      if (request.event.bodyKind === 'form') {
        if (error instanceof ValidationError && options.renderFormErrors) {
          request.response = options.renderFormErrors(request.event, error);
          return;
        }
        if (options.renderFormMessage) {
          request.response = options.renderFormMessage(status, error.message);
          return;
        }
      }
      request.response = jsonResponse(
        status.statusCode,
        { error: status.code, message: error.message, ...status.details },
        status.headers,
      );
    },
  };
}
