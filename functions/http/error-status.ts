import { DraftTooLargeError, NotPublishableError } from '../sequence/errors';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  ValidationError,
} from '../shared/errors';
import { HttpClientError } from './http-errors';

export interface ErrorStatus {
  statusCode: number;
  code: string;
  headers?: Record<string, string>;
  /** Extra fields of the JSON body besides `error` and `message`. */
  details?: Record<string, unknown>;
}

type Mapping<E extends Error> = [new (...args: never[]) => E, (error: E) => ErrorStatus];
const entry = <E extends Error>(type: new (...args: never[]) => E, map: (error: E) => ErrorStatus): Mapping<Error> =>
  [type, map] as unknown as Mapping<Error>;
const retryAfter = (seconds: number) => ({ 'retry-after': String(Math.max(1, Math.ceil(seconds))) });

/** Each domain error's HTTP answer, in one place; the first class that matches wins. */
const STATUS_OF: Mapping<Error>[] = [
  entry(ValidationError, (error) => ({ statusCode: 400, code: 'validation', details: { fields: error.fields } })),
  entry(NotPublishableError, (error) => ({
    statusCode: 400,
    code: 'not_publishable',
    details: { problems: error.problems },
  })),
  entry(UnauthorizedError, (error) => ({
    statusCode: 401,
    code: 'unauthorized',
    headers: { 'www-authenticate': error.scheme },
  })),
  entry(ForbiddenError, () => ({ statusCode: 403, code: 'forbidden' })),
  entry(NotFoundError, () => ({ statusCode: 404, code: 'not_found' })),
  entry(ConflictError, () => ({ statusCode: 409, code: 'conflict' })),
  entry(DraftTooLargeError, () => ({ statusCode: 413, code: 'payload_too_large' })),
  entry(TooManyRequestsError, (error) => ({
    statusCode: 429,
    code: 'too_many_requests',
    headers: retryAfter(error.retryAfterSeconds),
  })),
  entry(ServiceUnavailableError, (error) => ({
    statusCode: 503,
    code: 'unavailable',
    headers: retryAfter(error.retryAfterSeconds),
  })),
];

/** The answer to an error the caller may see, or undefined for anything else (a 500). */
export function errorStatus(error: unknown): ErrorStatus | undefined {
  if (error instanceof HttpClientError) {
    return { statusCode: error.statusCode, code: error.code, headers: error.headers };
  }
  for (const [type, map] of STATUS_OF) if (error instanceof type) return map(error);
  return undefined;
}
