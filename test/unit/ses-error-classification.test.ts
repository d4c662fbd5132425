import { classifySesError } from '../../functions/adapters/ses-mailer';

/** An SDK service exception as the SES v2 client throws it. */
function serviceError(name: string, httpStatusCode: number) {
  return Object.assign(new Error(name), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
  });
}

describe('classifySesError', () => {
  it.each([
    ['ExpiredTokenException', 403],
    ['RequestTimeTooSkewed', 403],
    ['InvalidSignatureException', 403],
    ['UnrecognizedClientException', 403],
    ['AccountSuspendedException', 400],
    ['SendingPausedException', 400],
    ['TooManyRequestsException', 429],
  ])('retries %s (HTTP %i): SES read nothing of the message', (name, status) => {
    expect(classifySesError(serviceError(name, status)).outcome).toBe('retryable');
  });

  it.each([
    ['MessageRejected', 400],
    ['BadRequestException', 400],
  ])('gives up on %s (HTTP %i): SES refused this message', (name, status) => {
    expect(classifySesError(serviceError(name, status)).outcome).toBe('permanent');
  });

  it('calls a 5xx unknown: SES may have accepted the message', () => {
    expect(classifySesError(serviceError('InternalFailure', 500)).outcome).toBe('unknown');
  });

  it('calls a reset after the request was written unknown, and a refused connection retryable', () => {
    expect(classifySesError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).outcome).toBe(
      'unknown',
    );
    expect(classifySesError(new Error('connect ECONNREFUSED 127.0.0.1:1')).outcome).toBe('retryable');
  });
});
