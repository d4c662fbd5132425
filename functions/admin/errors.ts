import { HttpClientError, ValidationError } from '../http/http-errors';

/** No token, or one the authorizer did not accept (API Gateway answers this itself in AWS). */
export class UnauthorizedError extends HttpClientError {
  override name = 'UnauthorizedError';
  constructor(message = 'Sign in to use the console') {
    super(401, 'unauthorized', message, { 'www-authenticate': 'Bearer' });
  }
}

/** A valid token whose groups do not allow the route. */
export class ForbiddenError extends HttpClientError {
  override name = 'ForbiddenError';
  constructor(message = 'Your account is not allowed to do this') {
    super(403, 'forbidden', message);
  }
}

/** The request is well formed but conflicts with what is stored (someone else changed it first). */
export class ConflictError extends HttpClientError {
  override name = 'ConflictError';
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

/** A list cursor that this API did not hand out (or that belongs to another query). */
export class InvalidCursorError extends ValidationError {
  override name = 'InvalidCursorError';
  constructor() {
    super([{ field: 'cursor', message: 'The cursor is not valid; start again from the first page' }]);
  }
}
