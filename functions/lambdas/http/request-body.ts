import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../http/http-errors';

export type BodyKind = 'json' | 'form';

export type EventWithBody = APIGatewayProxyEventV2 & { parsedBody?: unknown; bodyKind?: BodyKind };

const MEDIA_TYPES: Record<string, BodyKind> = {
  'application/json': 'json',
  'application/x-www-form-urlencoded': 'form',
};

/**
 * Checks size and content type, then parses JSON or a urlencoded form into `event.parsedBody`.
 * Runs before validation so that every malformed request gets a 4xx, never a 5xx.
 */
export function requestBody(options: { maxBytes: number; accept: BodyKind[] }): MiddlewareObj<EventWithBody> {
  const accepted = Object.entries(MEDIA_TYPES)
    .filter(([, kind]) => options.accept.includes(kind))
    .map(([type]) => type);
  return {
    before: (request) => {
      const event = request.event;
      const header = event.headers?.['content-type'] ?? '';
      const [mediaType = '', ...params] = header.split(';').map((part) => part.trim().toLowerCase());
      const kind = MEDIA_TYPES[mediaType];
      const charset = params.find((param) => param.startsWith('charset='))?.slice('charset='.length);
      if (!kind || !options.accept.includes(kind) || (charset && !['utf-8', 'utf8', '"utf-8"'].includes(charset))) {
        throw new UnsupportedMediaTypeError(accepted);
      }
      const raw = event.body ?? '';
      const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
      if (bytes.byteLength > options.maxBytes) throw new PayloadTooLargeError(options.maxBytes);
      const text = bytes.toString('utf8');
      event.bodyKind = kind;
      event.parsedBody = kind === 'json' ? parseJson(text) : parseForm(text);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedBodyError();
  }
}

/** Repeated fields (checkbox groups) become arrays; a null prototype keeps `__proto__` an ordinary key. */
export function parseForm(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null);
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(text);
  } catch {
    throw new MalformedBodyError('The form body could not be read');
  }
  for (const [key, value] of params) {
    const existing = fields[key];
    if (existing === undefined) fields[key] = value;
    else fields[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return fields;
}
