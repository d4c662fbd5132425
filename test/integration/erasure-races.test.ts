import { randomUUID } from 'node:crypto';
import { DeleteSuppressedDestinationCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { BatchWriteCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoBookingStore } from '../../functions/adapters/dynamodb/booking-store';
import { keys } from '../../functions/adapters/dynamodb/keys';
import { eraseLead } from '../../functions/admin/leads';
import { adminEnvSchema, parseEnv, sesEventsEnvSchema } from '../../functions/config/env';
import { handleSesEvent, sesEventSchema } from '../../functions/drip/ses-event';
import { adminDeps } from '../../functions/lambdas/admin/wiring';
import { sesEventsDeps } from '../../functions/lambdas/ses-events/wiring';
import type { Mailer } from '../../functions/mail/outgoing-email';
import { sesEvent } from '../../local/simulated-ses-events';
import { countingMailer, dripHarness, TestClock } from '../support/drip-harness';
import { dynamoFaults, onSortKey } from '../support/fault-injection';
import { testIdentityKey, testSuppressionHash } from '../support/identity';
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
  const admin = adminDeps(parseEnv(adminEnvSchema, harness.env), { clock, identityKey: testIdentityKey });
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

  it('finishes an erasure that failed after the lead item went, when it is run again', async () => {
    const { harness, erase, clock } = await setUp();
    const leadId = await harness.seedLead(uniqueEmail('erase-twice'), clock.now());
    await harness.seedCaptureEmail(leadId, clock.now());
    const faults = dynamoFaults();
    let failed = false;
    try {
      // DynamoDB gives up on the batch that deletes the rest of the partition, once.
      faults.intercept(BatchWriteCommand, (_input, forward) => {
        if (failed) return forward();
        failed = true;
        return Promise.reject(new Error('ProvisionedThroughputExceededException'));
      });
      await expect(erase(leadId)).rejects.toThrow('ProvisionedThroughputExceededException');
      expect(await itemsOfLead(harness.doc, harness.tableName, leadId)).not.toEqual([]);

      expect(await erase(leadId)).toMatchObject({ status: 'erased' });
    } finally {
      faults.restore();
    }

    expect(failed).toBe(true);
    expect(await itemsOfLead(harness.doc, harness.tableName, leadId)).toEqual([]);
    expect(await erase(leadId)).toEqual({ status: 'unknown-lead' });
  });

  it('keeps nothing of a complaint that arrives after the erasure, and takes the address off SES’s list again', async () => {
    const { harness, erase, clock } = await setUp();
    const email = uniqueEmail('erase-late-complaint');
    const leadId = await harness.seedLead(email, clock.now());
    const ses = mockClient(SESv2Client);
    ses.on(DeleteSuppressedDestinationCommand).resolves({});
    try {
      expect(await erase(leadId)).toMatchObject({ status: 'erased' });
      ses.resetHistory();
      const events = sesEventsDeps(parseEnv(sesEventsEnvSchema, harness.env), { clock, identityKey: testIdentityKey });
      const complaint = sesEventSchema.parse(
        sesEvent(
          'Complaint',
          { messageId: randomUUID(), to: [email], tags: { kind: 'step', lead: leadId } },
          clock.now(),
        ),
      );

      await handleSesEvent(complaint, events);

      expect(ses.commandCalls(DeleteSuppressedDestinationCommand).map((call) => call.args[0].input)).toEqual([
        { EmailAddress: email },
      ]);
    } finally {
      ses.restore();
    }
    const entry = await harness.doc.send(
      new GetCommand({ TableName: harness.tableName, Key: keys.suppression(testSuppressionHash(email)) }),
    );
    expect(entry.Item).toEqual({
      ...keys.suppression(testSuppressionHash(email)),
      type: 'suppression',
      reason: 'erased',
      suppressedAt: expect.any(String),
    });
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

describe('erasing a lead the booking inbox knows', () => {
  it('removes the entries about them: one kept by lead id, and one an unknown-address booking kept by address', async () => {
    const { harness, erase, clock } = await setUp();
    const email = uniqueEmail('erase-inbox');
    const bookings = new DynamoBookingStore({
      client: harness.doc as never,
      tableName: harness.tableName,
      dueShards: 4,
    });
    const at = clock.now().toISOString();
    // Booked in Calendly before they filled in the form: kept for staff by address only.
    await bookings.addToInbox({ kind: 'unmatched-booking', tool: 'calendly', bookingId: 'b-1', at, email });
    const leadId = await harness.seedLead(email, clock.now());
    await bookings.addToInbox({ kind: 'cancellation-to-decide', tool: 'acuity', bookingId: 'b-2', at, leadId });
    const someoneElse = uniqueEmail('erase-inbox-other');
    await bookings.addToInbox({
      kind: 'unmatched-booking',
      tool: 'calendly',
      bookingId: 'b-3',
      at,
      email: someoneElse,
    });

    await erase(leadId);

    const left = await bookings.listInbox(1000);
    expect(left.filter((entry) => entry.leadId === leadId || entry.email === email)).toEqual([]);
    expect(left).toContainEqual(expect.objectContaining({ bookingId: 'b-3', email: someoneElse }));
  });
});
