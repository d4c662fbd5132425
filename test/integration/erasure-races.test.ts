import { randomUUID } from 'node:crypto';
import { DeleteSuppressedDestinationCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { eraseLead } from '../../functions/admin/leads';
import { adminEnvSchema, parseEnv } from '../../functions/config/env';
import { adminDeps } from '../../functions/lambdas/admin/wiring';
import type { Mailer } from '../../functions/mail/outgoing-email';
import { countingMailer, dripHarness, TestClock } from '../support/drip-harness';
import { dynamoFaults, onSortKey } from '../support/fault-injection';
import { itemsOfLead, uniqueEmail } from '../support/services';

/**
 * GDPR erasure racing the sender: whatever was in flight when staff erased a person, nothing of
 * theirs may be left in (or come back to) their partition.
 */

jest.setTimeout(60_000);

const start = new Date('2026-12-01T15:00:00Z'); // a Tuesday, inside the send window in New York
const acceptAll: Mailer = { send: async () => ({ messageId: randomUUID() }) };

async function setUp() {
  const clock = new TestClock(start);
  const harness = await dripHarness({ clock });
  const admin = adminDeps(parseEnv(adminEnvSchema, harness.env), { clock });
  const erase = (leadId: string) => eraseLead(leadId, admin);
  return { clock, harness, erase };
}

/** True for a transaction that puts a send record: the step's claim, however it is written. */
function claimsAStep(input: Record<string, unknown>): boolean {
  const items = (input.TransactItems ?? []) as { Put?: Record<string, unknown> }[];
  return items.some((item) => item.Put !== undefined && onSortKey(item.Put, 'SEND#'));
}

describe('erasing a lead while the sender is working on it', () => {
  it('leaves the partition empty when the step’s claim is written after the erasure read the partition', async () => {
    const { harness, erase, clock } = await setUp();
    const leadId = await harness.seedLead(uniqueEmail('erase-claim'), clock.now());
    const counting = countingMailer(acceptAll);
    const worker = harness.worker({ mailer: counting.mailer });
    worker.attach();
    const faults = dynamoFaults();
    let erased = false;
    // The sender read the enrolment and the lead; the erasure runs whole before its claim lands.
    const eraseFirst = async (forward: () => Promise<unknown>) => {
      if (!erased) {
        erased = true;
        await erase(leadId);
      }
      return forward();
    };
    try {
      faults.intercept(PutCommand, (input, forward) => (onSortKey(input, 'SEND#') ? eraseFirst(forward) : forward()));
      faults.intercept(TransactWriteCommand, (input, forward) =>
        claimsAStep(input) ? eraseFirst(forward) : forward(),
      );
      await worker.dispatch();
      await worker.queue.drain();
    } finally {
      faults.restore();
    }

    expect(erased).toBe(true);
    expect(await itemsOfLead(harness.doc, harness.tableName, leadId)).toEqual([]);
    expect(counting.sends).toEqual([]);
  });

  it('leaves the partition empty when a capture email retry was being sent as the lead was erased', async () => {
    const { harness, erase, clock } = await setUp();
    const leadId = await harness.seedLead(uniqueEmail('erase-capture'), clock.now(), { status: 'completed' });
    await harness.seedCaptureEmail(leadId, clock.now());
    let erasedDuringSend = false;
    const mailer: Mailer = {
      async send() {
        // SES has the message; staff erase the person before the sender records it.
        await erase(leadId);
        erasedDuringSend = true;
        return { messageId: randomUUID() };
      },
    };
    const worker = harness.worker({ mailer });
    worker.attach();

    await worker.dispatch();
    await worker.queue.drain();

    expect(erasedDuringSend).toBe(true);
    expect(await itemsOfLead(harness.doc, harness.tableName, leadId)).toEqual([]);
  });

  it('removes the address from SES’s account-level suppression list', async () => {
    const { harness, erase, clock } = await setUp();
    const email = uniqueEmail('erase-ses');
    const leadId = await harness.seedLead(email, clock.now());
    const ses = mockClient(SESv2Client);
    ses.on(DeleteSuppressedDestinationCommand).resolves({});
    try {
      expect(await erase(leadId)).toMatchObject({ status: 'erased' });

      expect(ses.commandCalls(DeleteSuppressedDestinationCommand).map((call) => call.args[0].input)).toEqual([
        { EmailAddress: email },
      ]);
    } finally {
      ses.restore();
    }
  });
});
