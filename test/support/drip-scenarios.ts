import { randomUUID } from 'node:crypto';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { dripHarness, TestClock } from './drip-harness';
import { allItems } from './services';

export interface ThrottledRun {
  steps: number;
  sesCalls: number;
  throttled: number;
  sentOnce: number;
  duplicates: number;
  unsent: number;
}

/**
 * `count` due steps sent through the real sender while SES answers a share of calls with
 * throttling; ticks until everything is sent (leases expire and failed steps come back).
 */
export async function throttledSend(count: number, throttleRate: number): Promise<ThrottledRun> {
  const start = new Date('2026-12-01T15:00:00Z'); // a Tuesday, inside the window in New York
  const clock = new TestClock(start);
  const harness = await dripHarness({ clock });
  for (let from = 0; from < count; from += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - from) }, (_, offset) =>
        harness.seedLead(`throttled.${from + offset}@example.com`, new Date(start.getTime() - 60_000)),
      ),
    );
  }
  const ses = mockClient(SESv2Client);
  let sesCalls = 0;
  let throttled = 0;
  const sentTo = new Map<string, number>();
  ses.on(SendEmailCommand).callsFake(async (input: { Destination?: { ToAddresses?: string[] } }) => {
    sesCalls++;
    if (Math.random() < throttleRate) {
      throttled++;
      throw Object.assign(new Error('Maximum sending rate exceeded.'), {
        name: 'TooManyRequestsException',
        $fault: 'client',
      });
    }
    const to = input.Destination?.ToAddresses?.[0] ?? '';
    sentTo.set(to, (sentTo.get(to) ?? 0) + 1);
    return { MessageId: randomUUID() };
  });
  try {
    const worker = harness.worker({ mailer: undefined as never });
    worker.attach();
    for (let tick = 0; tick < 20; tick++) {
      await worker.dispatch();
      await worker.queue.drain();
      const waiting = (await allItems(harness.doc, harness.tableName)).filter(
        (item) => item.type === 'enrolment' && item.stepIndex === 0,
      );
      if (waiting.length === 0) break;
      clock.advance(41 * 60 * 1000); // steps whose retries ran out come back once their lease expires
    }
  } finally {
    ses.restore();
  }
  const records = (await allItems(harness.doc, harness.tableName)).filter((item) => item.type === 'send');
  const counts = [...sentTo.values()];
  return {
    steps: count,
    sesCalls,
    throttled,
    sentOnce: counts.filter((times) => times === 1).length,
    duplicates: counts.filter((times) => times > 1).length,
    unsent: count - records.filter((record) => record.status === 'sent').length,
  };
}
