import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { leadIdFor } from '../../functions/lead/email-address';
import { validLead } from '../support/capture-harness';
import { control, localStackForTest, postLead } from '../support/local-stack-harness';
import { itemsOfLead, outbox, uniqueEmail } from '../support/services';

type Stack = Awaited<ReturnType<typeof localStackForTest>>;
let stack: Stack;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  stack = await localStackForTest({ CONSENT_MODE: 'double' });
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.urls.dynamodb }));
});
afterAll(() => stack.stop());

async function confirmLinkFor(email: string): Promise<string> {
  const [optIn] = await outbox(email);
  const match = /\/confirm\/([A-Za-z0-9_-]{43})/.exec(optIn?.body.text ?? '');
  if (!match) throw new Error('no confirmation link in the opt-in email');
  return `${stack.base}/confirm/${match[1]}`;
}

const byType = async (email: string, type: string) =>
  (await itemsOfLead(doc, stack.env.TABLE_NAME!, leadIdFor(email))).filter((item) => item.type === type);

describe('double opt-in (CONSENT_MODE=double)', () => {
  it('sends a confirmation link instead of enrolling, and starts the sequence only when it is confirmed', async () => {
    const email = uniqueEmail('optin');
    await postLead(stack.base, validLead(email));
    await control(stack.base, '/__local/drip/tick');

    expect(await outbox(email)).toHaveLength(1);
    expect(await byType(email, 'enrolment')).toEqual([]);
    expect((await byType(email, 'lead'))[0]).toMatchObject({ status: 'pending-confirmation' });
    expect((await byType(email, 'consent'))[0]).toMatchObject({ mode: 'double' });
    const link = await confirmLinkFor(email);

    const asked = await fetch(link);
    expect(asked.status).toBe(200);
    expect(await byType(email, 'enrolment')).toEqual([]); // GET changes nothing

    const confirmed = await fetch(link, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    await control(stack.base, '/__local/drip/tick');
    expect(await outbox(email)).toHaveLength(2); // the welcome went out
    expect((await byType(email, 'lead'))[0]).toMatchObject({ status: 'active' });
    expect((await byType(email, 'consent'))[0]).toMatchObject({ mode: 'double', confirmedAt: expect.any(String) });

    const again = await fetch(link, { method: 'POST' });
    expect(again.status).toBe(400);
    expect(await again.text()).toMatch(/expired or was already used/);
  });

  it('refuses a link after 48 hours', async () => {
    const email = uniqueEmail('late');
    await postLead(stack.base, validLead(email));
    const link = await confirmLinkFor(email);

    await control(stack.base, '/__local/drip/advance', { duration: 'PT49H' });

    expect((await fetch(link, { method: 'POST' })).status).toBe(400);
    expect(await byType(email, 'enrolment')).toEqual([]);
  });

  it('refuses a made-up or malformed token with the same clear page', async () => {
    for (const token of ['x'.repeat(43), 'short', '%00%0d%0a']) {
      const response = await fetch(`${stack.base}/confirm/${token}`, { method: 'POST' });
      expect(response.status).toBe(400);
    }
  });
});
