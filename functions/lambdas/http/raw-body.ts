import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The body exactly as the caller sent it: signatures are computed over these bytes, before parsing. */
export function rawBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): string {
  return event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
}
