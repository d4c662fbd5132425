/**
 * Errors the caller caused, and so may see: the use cases throw them, knowing nothing of HTTP.
 * The HTTP edge maps each class to its status in one table (functions/http/error-status.ts);
 * anything else is a generic 500 whose detail only reaches the log.
 */
export class DomainError extends Error {
  override name = 'DomainError';
}

/** One problem with one field, as the form and the API show it. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ValidationError extends DomainError {
  override name = 'ValidationError';
  constructor(
    readonly fields: FieldProblem[],
    message = 'Some fields need attention',
  ) {
    super(message);
  }
}

/** A list cursor that this API did not hand out (or that belongs to another query). */
export class InvalidCursorError extends ValidationError {
  override name = 'InvalidCursorError';
  constructor() {
    super([{ field: 'cursor', message: 'The cursor is not valid; start again from the first page' }]);
  }
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  constructor(message = 'Not found') {
    super(message);
  }
}

/** The request is well formed but conflicts with what is stored (someone else changed it first). */
export class ConflictError extends DomainError {
  override name = 'ConflictError';
}

/** No credentials, or ones that were not accepted; `scheme` says which kind the caller must send. */
export class UnauthorizedError extends DomainError {
  override name = 'UnauthorizedError';
  constructor(
    message = 'Sign in to use the console',
    readonly scheme = 'Bearer',
  ) {
    super(message);
  }
}

/** Valid credentials whose groups do not allow this. */
export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
  constructor(message = 'Your account is not allowed to do this') {
    super(message);
  }
}

export class TooManyRequestsError extends DomainError {
  override name = 'TooManyRequestsError';
  constructor(readonly retryAfterSeconds: number) {
    super('Too many requests, please try again shortly');
  }
}

/** A dependency failed before anything was stored: the caller may simply try again. */
export class ServiceUnavailableError extends DomainError {
  override name = 'ServiceUnavailableError';
  constructor(
    message: string,
    readonly retryAfterSeconds = 10,
  ) {
    super(message);
  }
}
