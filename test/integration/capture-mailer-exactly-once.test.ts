import type { SendCaptureEmailDeps } from '../../functions/lead/send-capture-email';
import { memoryCounters } from '../../functions/observability/metrics';
import { startLocalCaptureMailer } from '../../local/capture-mailer';
import { jsonPost, lambdaContext } from '../support/api-event';
import { captureHarness, validLead } from '../support/capture-harness';
import { testLeadId } from '../support/identity';
import { itemsOfLead, outbox, uniqueEmail } from '../support/services';
import { type StubBehaviour, sesStub } from '../support/ses-stub';

/**
 * The capture emails leave from the table's stream (DynamoDB Local's, read by the local event
 * source mapping), through the real SES client. Each goes out once, or is recorded as
 * possibly sent and alarmed, never twice: under a crash between the send and its record, a
 * redelivered batch, throttling, and a timeout or 5xx after SES had the request.
 */

jest.setTimeout(120_000);

const STAFF = 'frontdesk@example.com';
const emailsOf = async (harness: Harness, email: string) =>
  (await itemsOfLead(harness.doc, harness.tableName, testLeadId(email))).filter(
    (item) => item.type === 'capture-email',
  );
type Harness = Awaited<ReturnType<typeof captureHarness>>;
const staffMailsAbout = async (email: string) =>
  (await outbox(STAFF)).filter((mail) => mail.body.text?.includes(email));

describe('capture emails from the table stream', () => {
  it('sends each once and records it sent, and a redelivered stream sends nothing again', async () => {
    const counters = memoryCounters();
    const harness = await captureHarness({ counters });
    const email = uniqueEmail('redelivered');

    expect((await harness.handler(jsonPost('/leads', validLead(email)), lambdaContext)).statusCode).toBe(202);
    // A second mapping with no checkpoint reads the whole stream again: every record redelivered.
    const again = await startLocalCaptureMailer({ env: harness.rawEnv, overrides: { ...harness.overrides, counters } });
    await again.drain(20_000);
    await again.stop();

    expect(await outbox(email)).toHaveLength(1);
    expect(await staffMailsAbout(email)).toHaveLength(1);
    const intents = await emailsOf(harness, email);
    expect(intents.map((intent) => [intent.kind, intent.status]).sort()).toEqual([
      ['confirmation', 'sent'],
      ['staff-notification', 'sent'],
    ]);
    expect(counters.totals.SendUnknown ?? 0).toBe(0);
  });

  it('never resends when the mailer stopped after the send and before its record: recorded unknown, alarmed', async () => {
    const counters = memoryCounters();
    let failedRecords = 0;
    const harness = await captureHarness({
      counters,
      // The record of a sent email fails, as if the function died right after SES answered.
      adjustMailer: (deps): SendCaptureEmailDeps => ({
        ...deps,
        captureEmails: {
          ...deps.captureEmails,
          getCaptureEmail: deps.captureEmails.getCaptureEmail.bind(deps.captureEmails),
          getSubmission: deps.captureEmails.getSubmission.bind(deps.captureEmails),
          claimCaptureEmail: deps.captureEmails.claimCaptureEmail.bind(deps.captureEmails),
          async finishCaptureEmail(intent, result) {
            if (result.status === 'sent') {
              failedRecords++;
              throw new Error('Task timed out after the send');
            }
            return deps.captureEmails.finishCaptureEmail(intent, result);
          },
        },
      }),
    });
    const email = uniqueEmail('crash');

    await harness.handler(jsonPost('/leads', validLead(email)), lambdaContext);

    expect(failedRecords).toBe(2);
    expect(await outbox(email)).toHaveLength(1);
    expect(await staffMailsAbout(email)).toHaveLength(1);
    for (const intent of await emailsOf(harness, email)) {
      expect(intent).toMatchObject({ status: 'failed', lastError: 'unknown: interrupted after claim' });
    }
    expect(counters.totals.SendUnknown).toBe(2);
  });
});

describe('capture emails with SES behind a real HTTP stub', () => {
  /** `throttledFirst`: SES throttles that many SendEmail requests, then accepts. */
  async function postWhileSes(behaviour: StubBehaviour, throttledFirst = 0) {
    const stub = await sesStub(behaviour);
    if (throttledFirst > 0) {
      let sendEmails = 0;
      stub.set((_request, response) => {
        sendEmails++;
        if (sendEmails > throttledFirst) {
          response.writeHead(200, { 'content-type': 'application/json' });
          return response.end(JSON.stringify({ MessageId: `stub-${sendEmails}` }));
        }
        response.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' });
        response.end(JSON.stringify({ message: 'Too many requests' }));
      });
    }
    const counters = memoryCounters();
    try {
      const harness = await captureHarness({
        extraEnv: { SES_ENDPOINT: stub.endpoint, MAX_SEND_RATE: '50' },
        counters,
      });
      const email = uniqueEmail('ses-stub');
      const response = await harness.captureOnly(jsonPost('/leads', validLead(email)), lambdaContext);
      await harness.mailer.drain(60_000);
      // Read the whole stream once more: a redelivery must not send anything again either.
      const again = await startLocalCaptureMailer({
        env: harness.rawEnv,
        overrides: { ...harness.overrides, counters },
      });
      await again.drain(60_000);
      await again.stop();
      return { response, intents: await emailsOf(harness, email), counters, requests: stub.received.length };
    } finally {
      await stub.close();
    }
  }

  it.each([
    ['hangs past the request timeout', 'hang'],
    ['drops the connection after reading the request', 'destroy-socket'],
    ['answers 500 after reading the request', 'answer-500'],
    ['answers 504 after reading the request', 'answer-504'],
  ] as const)(
    'records both emails as possibly sent, alarmed and never resent, when SES %s',
    async (_label, behaviour) => {
      const { response, intents, counters, requests } = await postWhileSes(behaviour);

      expect(response.statusCode).toBe(202);
      expect(intents).toHaveLength(2);
      for (const intent of intents) {
        expect(intent).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^unknown: /) });
      }
      expect(requests).toBe(2);
      expect(counters.totals.SendUnknown).toBe(2);
    },
  );

  it('sends each email exactly once when SES throttles the first attempts', async () => {
    const { intents, requests, counters } = await postWhileSes('accept', 3);

    expect(intents.map((intent) => intent.status)).toEqual(['sent', 'sent']);
    expect(requests).toBe(5); // three throttled, two accepted
    expect(counters.totals.SendUnknown ?? 0).toBe(0);
  });

  it('records an email SES throttles every time as failed after its deliveries, and alarms', async () => {
    const { intents, counters } = await postWhileSes('throttle');

    for (const intent of intents) {
      expect(intent).toMatchObject({ status: 'failed', lastError: 'retryable: TooManyRequestsException' });
    }
    expect(counters.totals.CaptureEmailFailed).toBe(2);
  });
});
