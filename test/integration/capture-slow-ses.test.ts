import { memoryCounters } from '../../functions/observability/metrics';
import { jsonPost, lambdaContext } from '../support/api-event';
import { captureHarness, validLead } from '../support/capture-harness';
import { testLeadId } from '../support/identity';
import { itemsOfLead, uniqueEmail } from '../support/services';
import { type StubBehaviour, sesStub } from '../support/ses-stub';

/**
 * The capture path sends its two emails inside the request. A slow or hung SES must not turn a
 * stored lead into an error page, and an email whose fate SES left open must never be queued
 * for a retry that could send it twice: it is recorded as possibly sent, and alarmed.
 */

jest.setTimeout(60_000);

async function postWhileSesDoes(behaviour: StubBehaviour) {
  const stub = await sesStub(behaviour);
  const counters = memoryCounters();
  try {
    const harness = await captureHarness({ extraEnv: { SES_ENDPOINT: stub.endpoint }, counters });
    const email = uniqueEmail('slow-ses');
    // Lambda's own limit for the capture function is 10 s: the answer must come well before it.
    const response = await Promise.race([
      harness.handler(jsonPost('/leads', validLead(email)), lambdaContext),
      new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), 10_000)),
    ]);
    const items = await itemsOfLead(harness.doc, harness.tableName, testLeadId(email));
    return { response, items, counters, requests: stub.received.length };
  } finally {
    await stub.close();
  }
}

describe('POST /leads with SES hanging or failing after the request', () => {
  it.each([
    ['hangs', 'hang'],
    ['drops the connection after reading the request', 'destroy-socket'],
    ['answers 503 after reading the request', 'answer-500'],
  ] as const)(
    'answers 202 with the lead stored when SES %s, and records both emails as possibly sent, not pending',
    async (_label, behaviour) => {
      const { response, items, counters, requests } = await postWhileSesDoes(behaviour);

      expect(response).toMatchObject({ statusCode: 202 });
      expect(items.filter((item) => item.type === 'lead')).toHaveLength(1);
      const emails = items.filter((item) => item.type === 'capture-email');
      expect(emails).toHaveLength(2);
      for (const intent of emails) {
        expect(intent).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^unknown: /) });
        expect(intent.duePk).toBeUndefined(); // out of the due index: the sender will not send it again
      }
      expect(requests).toBe(2);
      expect(counters.totals.SendUnknown).toBe(2);
    },
  );

  it('keeps an email SES throttled pending, for the sender to retry (it certainly was not sent)', async () => {
    const { response, items } = await postWhileSesDoes('throttle');

    expect(response).toMatchObject({ statusCode: 202 });
    for (const intent of items.filter((item) => item.type === 'capture-email')) {
      expect(intent).toMatchObject({ status: 'pending', duePk: expect.stringMatching(/^DUE#/) });
    }
  });
});
