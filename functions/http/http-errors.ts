/**
 * What is wrong with the HTTP request itself (body encoding, media type, size), found at the
 * edge before any use case runs. Domain errors are in shared/errors.ts.
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
