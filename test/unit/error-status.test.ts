import { errorStatus } from '../../functions/http/error-status';
import { MalformedBodyError } from '../../functions/http/http-errors';
import { DraftTooLargeError, NotPublishableError } from '../../functions/sequence/errors';
import {
  ConflictError,
  ForbiddenError,
  InvalidCursorError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  ValidationError,
} from '../../functions/shared/errors';

describe('the HTTP status of each domain error', () => {
  it.each([
    [new ValidationError([{ field: 'email', message: 'x' }]), 400, 'validation'],
    [new InvalidCursorError(), 400, 'validation'],
    [new NotPublishableError([]), 400, 'not_publishable'],
    [new UnauthorizedError(), 401, 'unauthorized'],
    [new ForbiddenError(), 403, 'forbidden'],
    [new NotFoundError(), 404, 'not_found'],
    [new ConflictError('changed'), 409, 'conflict'],
    [new DraftTooLargeError(), 413, 'payload_too_large'],
    [new TooManyRequestsError(3), 429, 'too_many_requests'],
    [new ServiceUnavailableError('down'), 503, 'unavailable'],
    [new MalformedBodyError(), 400, 'malformed_body'],
  ])('%s → %i %s', (error, statusCode, code) => {
    expect(errorStatus(error)).toMatchObject({ statusCode, code });
  });

  it('carries what the caller needs: fields, problems, the auth scheme and Retry-After', () => {
    expect(errorStatus(new ValidationError([{ field: 'email', message: 'x' }]))?.details).toEqual({
      fields: [{ field: 'email', message: 'x' }],
    });
    expect(errorStatus(new NotPublishableError([{ where: 'review', message: 'y' }]))?.details).toEqual({
      problems: [{ where: 'review', message: 'y' }],
    });
    expect(errorStatus(new UnauthorizedError('bad signature', 'HMAC-SHA256'))?.headers).toEqual({
      'www-authenticate': 'HMAC-SHA256',
    });
    expect(errorStatus(new TooManyRequestsError(2.5))?.headers).toEqual({ 'retry-after': '3' });
  });

  it('leaves every other error to the generic 500', () => {
    expect(errorStatus(new Error('boom'))).toBeUndefined();
    expect(errorStatus('not even an error')).toBeUndefined();
  });
});
