import { randomBytes } from 'node:crypto';
import { apiEvent, lambdaContext } from '../support/api-event';
import { captureHarness, validLead } from '../support/capture-harness';
import { allItems, uniqueEmail } from '../support/services';

/**
 * In AWS, POST /leads must come through CloudFront, which adds a secret header: a direct caller
 * could otherwise forge `cloudfront-viewer-address` and multiply the per-address limit.
 */

const SECRET = randomBytes(32).toString('hex');

async function verifyingHarness() {
  return captureHarness({ extraEnv: { ORIGIN_VERIFY_SECRET: SECRET } });
}

const postWith = (headers: Record<string, string>) =>
  apiEvent({
    path: '/leads',
    headers: { 'content-type': 'application/json', 'cloudfront-viewer-address': '198.18.0.7:1234', ...headers },
    body: JSON.stringify(validLead(uniqueEmail('origin'))),
    sourceIp: '203.0.113.50',
  });

describe('POST /leads behind CloudFront’s origin-verify header', () => {
  it.each([
    ['without the header (a direct call to the API)', {}],
    ['with a wrong value', { 'x-origin-verify': 'not-the-secret' }],
    ['with a value of the right length but wrong', { 'x-origin-verify': 'a'.repeat(SECRET.length) }],
  ])('refuses a request %s with 403 and stores nothing', async (_label, headers) => {
    const harness = await verifyingHarness();

    const response = await harness.handler(postWith(headers), lambdaContext);

    expect(response.statusCode).toBe(403);
    expect(await allItems(harness.doc, harness.tableName)).toEqual([]);
  });

  it('accepts a request that came through CloudFront', async () => {
    const harness = await verifyingHarness();

    const response = await harness.handler(postWith({ 'x-origin-verify': SECRET }), lambdaContext);

    expect(response.statusCode).toBe(202);
  });
});
