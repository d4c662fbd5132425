import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { validLead } from '../support/capture-harness';
import { dynamoFaults, throttled } from '../support/fault-injection';
import { testLeadId } from '../support/identity';
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
  (await itemsOfLead(doc, stack.env.TABLE_NAME!, testLeadId(email))).filter((item) => item.type === type);

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
  it('confirms on the second click when the write that confirms failed on the first (the link is not used up)', async () => {
    const email = uniqueEmail('retry-confirm');
    await postLead(stack.base, validLead(email));
    const link = await confirmLinkFor(email);
    const faults = dynamoFaults();
    let failures = 0;
    let first: Response;
    try {
      faults.intercept(UpdateCommand, async (input, forward) => {
        if (failures === 0 && String(input.UpdateExpression).includes('confirmedAt')) {
          failures++;
          throw throttled();
        }
        return forward();
      });
      // The same fault inside the one transaction that confirms, if that is how it is written.
      faults.intercept(TransactWriteCommand, async (input, forward) => {
        const items = (input.TransactItems ?? []) as { Update?: { UpdateExpression?: string } }[];
        if (failures === 0 && items.some((item) => item.Update?.UpdateExpression?.includes('confirmedAt'))) {
          failures++;
          throw throttled();
        }
        return forward();
      });
      first = await fetch(link, { method: 'POST' });
    } finally {
      faults.restore();
    }

    expect(failures).toBe(1);
    expect(first.status).toBe(503);
    expect(await first.text()).toMatch(/still works/);
    const second = await fetch(link, { method: 'POST' });
    expect(second.status).toBe(200);
    expect((await byType(email, 'lead'))[0]).toMatchObject({ status: 'active' });
    expect(await byType(email, 'enrolment')).toHaveLength(1);
    expect((await fetch(link, { method: 'POST' })).status).toBe(400); // and then it is used
  });
  it('applies what a returning submission changes only once that submission is confirmed', async () => {
    const email = uniqueEmail('optin-change');
    await postLead(stack.base, validLead(email));
    expect((await fetch(await confirmLinkFor(email), { method: 'POST' })).status).toBe(200);
    const profile = (await byType(email, 'lead'))[0]!;
    await control(stack.base, '/__local/drip/advance', { duration: 'P1D' });

    await postLead(stack.base, validLead(email, { firstName: 'Zebulonia', phone: '(727) 555-0123' }));
    expect((await byType(email, 'lead'))[0]).toMatchObject({ firstName: profile.firstName, phone: profile.phone });

    const links = (await outbox(email))
      .map((mail) => /\/confirm\/([A-Za-z0-9_-]{43})/.exec(mail.body.text ?? '')?.[1])
      .filter((token): token is string => token !== undefined);
    expect(links).toHaveLength(2);
    expect((await fetch(`${stack.base}/confirm/${links[1]}`, { method: 'POST' })).status).toBe(200);
    expect((await byType(email, 'lead'))[0]).toMatchObject({ firstName: 'Zebulonia', phone: '+17275550123' });
  });
});
