import type { Context, SQSEvent } from 'aws-lambda';
import { dynamoTable } from '../../functions/adapters/clients/dynamodb';
import { DynamoSendRecordStore } from '../../functions/adapters/dynamodb/send-records';
import { baseEnvSchema, parseEnv, senderEnvSchema } from '../../functions/config/env';
import type { WorkMessage } from '../../functions/drip/messages';
import type { Pacer } from '../../functions/drip/pacing';
import { makeSenderHandler } from '../../functions/lambdas/sender/handler';
import { senderDeps } from '../../functions/lambdas/sender/wiring';
import { type Mailer, SendError } from '../../functions/mail/outgoing-email';
import { memoryCounters } from '../../functions/observability/metrics';
import { DRIP_KEY, dripHarness, noPacing, TestClock } from '../support/drip-harness';
import { testIdentityKey } from '../support/identity';
import { uniqueEmail } from '../support/services';

/**
 * The real sender handler on DynamoDB Local, fed SQS batches directly: which records it
 * reports as failed (SQS redelivers exactly those), and what it does when the invocation is
 * running out of time.
 */

const NOW = new Date('2026-03-02T15:00:00Z');

function sqsEvent(bodies: (WorkMessage | string)[]): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `m-${index}`,
      receiptHandle: `r-${index}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {} as SQSEvent['Records'][number]['attributes'],
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:work',
      awsRegion: 'us-east-1',
    })),
  };
}

const contextWith = (remaining: () => number) =>
  ({ awsRequestId: 'batch-test', getRemainingTimeInMillis: remaining }) as unknown as Context;

async function setup(options: { mailer?: Mailer; pacer?: Pacer } = {}) {
  const clock = new TestClock(NOW);
  const harness = await dripHarness({ clock });
  const sent: string[] = [];
  const throttledFor = new Set<string>();
  const mailer: Mailer = options.mailer ?? {
    async send(email) {
      const to = email.to[0]!;
      if (throttledFor.has(to)) throw new SendError('throttled', 'retryable', 'TooManyRequestsException');
      sent.push(to);
      return { messageId: `ses-${sent.length}` };
    },
  };
  const counters = memoryCounters();
  const sender = makeSenderHandler(
    senderDeps(parseEnv(senderEnvSchema, harness.env), {
      signingKey: async () => DRIP_KEY,
      identityKey: testIdentityKey,
      pacer: options.pacer ?? noPacing,
      clock,
      counters,
      mailer,
    }),
  );
  const sendRecords = new DynamoSendRecordStore(dynamoTable(parseEnv(baseEnvSchema, harness.env)));
  const stepFor = async (email: string): Promise<WorkMessage> => ({
    kind: 'step',
    leadId: await harness.seedLead(email, NOW),
    sequenceId: harness.sequence.id,
    stepIndex: 0,
    dueAt: NOW.toISOString(),
  });
  return { harness, sender, sent, throttledFor, stepFor, sendRecords };
}

describe('the sender handler on an SQS batch', () => {
  it('reports exactly the records that failed: an unreadable one and one SES kept throttling', async () => {
    const { sender, sent, throttledFor, stepFor, sendRecords } = await setup();
    const fine = uniqueEmail('fine');
    const throttled = uniqueEmail('throttled');
    throttledFor.add(throttled);
    const steps = [await stepFor(fine), await stepFor(throttled)];

    const response = await sender(
      sqsEvent(['{not json', steps[0]!, steps[1]!]),
      contextWith(() => 60_000),
    );

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['m-0', 'm-2']);
    expect(sent).toEqual([fine]);
    // The throttled step was given back (never sent, so safe to retry), not recorded as failed.
    const throttledStep = steps[1] as Extract<WorkMessage, { kind: 'step' }>;
    expect(await sendRecords.getSendRecord(throttledStep.leadId, throttledStep.sequenceId, 'welcome')).toBeUndefined();
  });

  it('leaves every record untouched for redelivery when too little time is left to start', async () => {
    const { sender, sent, stepFor, sendRecords } = await setup();
    const steps = [await stepFor(uniqueEmail('late-a')), await stepFor(uniqueEmail('late-b'))];

    const response = await sender(
      sqsEvent(steps),
      contextWith(() => 5_000),
    );

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m-0', 'm-1']);
    expect(sent).toEqual([]);
    for (const step of steps as Extract<WorkMessage, { kind: 'step' }>[]) {
      expect(await sendRecords.getSendRecord(step.leadId, step.sequenceId, 'welcome')).toBeUndefined();
    }
  });

  it('never waits for the send rate past the time left while it holds a claim', async () => {
    let remaining = 60_000;
    // The send rate would make the next send wait 55 s.
    const slowPacer: Pacer = {
      async take({ maxWaitMs = Number.POSITIVE_INFINITY } = {}) {
        if (maxWaitMs < 55_000) return false;
        remaining -= 55_000;
        return true;
      },
    };
    const { sender, sent, stepFor, sendRecords } = await setup({ pacer: slowPacer });
    const step = (await stepFor(uniqueEmail('slow'))) as Extract<WorkMessage, { kind: 'step' }>;

    const first = await sender(
      sqsEvent([step]),
      contextWith(() => remaining),
    );

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect(sent).toEqual([]);
    // The claim was given back, so the redelivery sends it normally instead of recording it interrupted.
    expect(await sendRecords.getSendRecord(step.leadId, step.sequenceId, 'welcome')).toBeUndefined();
    remaining = 120_000;
    const again = await sender(
      sqsEvent([step]),
      contextWith(() => remaining),
    );
    expect(again.batchItemFailures).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(await sendRecords.getSendRecord(step.leadId, step.sequenceId, 'welcome')).toMatchObject({ status: 'sent' });
  });
});
