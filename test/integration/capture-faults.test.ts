import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { jsonPost, lambdaContext } from '../support/api-event';
import { captureHarness, validLead } from '../support/capture-harness';
import { testLeadId } from '../support/identity';
import { itemsOfLead, outbox, uniqueEmail } from '../support/services';

type Harness = Awaited<ReturnType<typeof captureHarness>>;
let harness: Harness;
const ses = mockClient(SESv2Client);

beforeAll(async () => {
  harness = await captureHarness();
});
afterEach(() => ses.reset());
afterAll(() => ses.restore());

function throttling(): Error {
  return Object.assign(new Error('Maximum sending rate exceeded.'), {
    name: 'TooManyRequestsException',
    $fault: 'client',
  });
}

describe('POST /leads when SES fails', () => {
  it('still stores the lead, answers normally, and records both unsent emails for retry', async () => {
    ses.on(SendEmailCommand).rejects(throttling());
    const email = uniqueEmail();

    const response = await harness.handler(jsonPost('/leads', validLead(email)), lambdaContext);

    expect(response.statusCode).toBe(202);
    const items = await itemsOfLead(harness.doc, harness.tableName, testLeadId(email));
    expect(items.filter((item) => item.type === 'lead')).toHaveLength(1);
    const unsent = items.filter((item) => item.type === 'capture-email');
    expect(unsent.map((item) => item.kind).sort()).toEqual(['confirmation', 'staff-notification']);
    for (const item of unsent) {
      expect(item).toMatchObject({ status: 'pending', attempts: 1, lastError: 'TooManyRequestsException' });
      expect(item.duePk).toMatch(/^DUE#\d+$/);
      expect(Date.parse(String(item.dueAt))).toBeGreaterThan(Date.now());
    }
    expect(await outbox(email)).toEqual([]);
  });

  it('records only the email that failed when the other one went out', async () => {
    ses.on(SendEmailCommand).callsFake(async (input: { Destination?: { ToAddresses?: string[] } }) => {
      if (input.Destination?.ToAddresses?.includes('frontdesk@example.com')) throw throttling();
      return { MessageId: 'mocked-message-id' };
    });
    const email = uniqueEmail();

    await harness.handler(jsonPost('/leads', validLead(email)), lambdaContext);

    const emails = (await itemsOfLead(harness.doc, harness.tableName, testLeadId(email))).filter(
      (item) => item.type === 'capture-email',
    );
    const byKind = Object.fromEntries(emails.map((item) => [item.kind, item]));
    expect(byKind.confirmation).toMatchObject({ status: 'sent', messageId: 'mocked-message-id' });
    expect(byKind['staff-notification']).toMatchObject({ status: 'pending', lastError: 'TooManyRequestsException' });
  });
});
