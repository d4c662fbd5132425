import { randomUUID } from 'node:crypto';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoCaptureEmailStore } from '../../functions/adapters/dynamodb/capture-emails';
import { DynamoEnrolmentStore } from '../../functions/adapters/dynamodb/enrolments';
import { DynamoSendRecordStore } from '../../functions/adapters/dynamodb/send-records';
import { jsonPost, lambdaContext } from '../support/api-event';
import { captureHarness, validLead } from '../support/capture-harness';
import { dripHarness, TestClock } from '../support/drip-harness';
import { dynamoFaults, onPartition, onSortKey, throttled, timedOut } from '../support/fault-injection';
import { allItems, uniqueEmail } from '../support/services';

jest.setTimeout(60_000);

const start = new Date('2026-12-01T15:00:00Z'); // a Tuesday, inside the send window in New York

describe('capture path with DynamoDB failing', () => {
  it.each([
    ['throttled', throttled],
    ['timing out', timedOut],
  ])('answers 503 with Retry-After and stores nothing when the lead write is %s', async (_label, fault) => {
    const harness = await captureHarness();
    const faults = dynamoFaults();
    faults.fail(TransactWriteCommand, fault);
    let response: Awaited<ReturnType<typeof harness.handler>>;
    try {
      response = await harness.handler(jsonPost('/leads', validLead(uniqueEmail())), lambdaContext);
    } finally {
      faults.restore();
    }

    expect(response.statusCode).toBe(503);
    expect(response.headers!['retry-after']).toBe('10');
    expect(JSON.parse(response.body!).message).toMatch(/nothing was stored/);
    expect(await allItems(harness.doc, harness.tableName)).toEqual([]);
  });
});

describe('sender with SES or DynamoDB failing', () => {
  const sesFault = (error: () => Error) => {
    const ses = mockClient(SESv2Client);
    let calls = 0;
    let failing = true;
    ses.on(SendEmailCommand).callsFake(async () => {
      calls++;
      if (failing) throw error();
      return { MessageId: randomUUID() };
    });
    return {
      calls: () => calls,
      recover: () => {
        failing = false;
      },
      restore: () => ses.restore(),
    };
  };

  async function oneDueStep(clock: TestClock, maxReceives = 5) {
    const harness = await dripHarness({ clock });
    const leadId = await harness.seedLead(uniqueEmail('fault'), clock.now());
    const table = { client: harness.doc as never, tableName: harness.tableName, dueShards: 4 };
    const enrolments = new DynamoEnrolmentStore(table);
    const sendRecords = new DynamoSendRecordStore(table);
    const worker = harness.worker({ mailer: undefined as never, maxReceives });
    worker.attach();
    const stepId = harness.sequence.steps[0]!.id;
    return {
      harness,
      leadId,
      enrolments,
      worker,
      stepId,
      record: () => sendRecords.getSendRecord(leadId, harness.sequence.id, stepId),
    };
  }

  it('keeps a step SES keeps throttling, dead-letters the message visibly, and sends it once when SES recovers', async () => {
    const clock = new TestClock(start);
    const ses = sesFault(() =>
      Object.assign(new Error('Maximum sending rate exceeded'), {
        name: 'TooManyRequestsException',
        $fault: 'client',
        $metadata: { httpStatusCode: 429 },
      }),
    );
    try {
      const { worker, record, enrolments, leadId, harness } = await oneDueStep(clock, 2);
      await worker.dispatch();
      await worker.queue.drain();

      expect(worker.queue.deadLetters).toHaveLength(1);
      expect(await record()).toBeUndefined(); // the claim was given back: nothing was sent
      expect((await enrolments.getEnrolment(leadId, harness.sequence.id))?.stepIndex).toBe(0);

      ses.recover();
      clock.advance(41 * 60 * 1000); // past the dispatcher's lease
      await worker.dispatch();
      await worker.queue.drain();

      expect(await record()).toMatchObject({ status: 'sent' });
      expect(ses.calls() - 1).toBeGreaterThan(0);
    } finally {
      ses.restore();
    }
  });

  it.each([
    ['times out', timedOut, 'unknown: TimeoutError'],
    [
      'answers 5xx',
      () =>
        Object.assign(new Error('Internal failure'), {
          name: 'InternalFailure',
          $fault: 'server',
          $metadata: { httpStatusCode: 500 },
        }),
      'unknown: InternalFailure (HTTP 500)',
    ],
  ])(
    'records a step as failed, counts it as unknown, and never retries it, when SES %s (it may have sent it)',
    async (_label, fault, reason) => {
      const clock = new TestClock(start);
      const ses = sesFault(fault);
      try {
        const { worker, record, enrolments, leadId, harness } = await oneDueStep(clock);
        await worker.dispatch();
        await worker.queue.drain();

        expect(ses.calls()).toBe(1);
        expect(await record()).toMatchObject({ status: 'failed', reason });
        expect(worker.counters.totals.StepFailed).toBe(1);
        expect(worker.counters.totals.SendUnknown).toBe(1);
        expect((await enrolments.getEnrolment(leadId, harness.sequence.id))?.stepIndex).toBe(1);
      } finally {
        ses.restore();
      }
    },
  );

  it('records a sent step as sent when DynamoDB throttles the first attempt to finish it, sending it once', async () => {
    const clock = new TestClock(start);
    const ses = sesFault(() => new Error('unused'));
    ses.recover();
    const faults = dynamoFaults();
    try {
      const { worker, record } = await oneDueStep(clock);
      const failures = faults.fail(TransactWriteCommand, throttled, 1);
      await worker.dispatch();
      await worker.queue.drain();

      expect(failures.count()).toBe(1);
      expect(ses.calls()).toBe(1);
      expect(await record()).toMatchObject({ status: 'sent' });
    } finally {
      faults.restore();
      ses.restore();
    }
  });

  it('retries a message whose reads are throttled, and still sends the step once', async () => {
    const clock = new TestClock(start);
    const ses = sesFault(() => new Error('unused'));
    ses.recover();
    const faults = dynamoFaults();
    try {
      const { worker, record } = await oneDueStep(clock);
      const failures = faults.fail(GetCommand, throttled, 2);
      await worker.dispatch();
      await worker.queue.drain();

      expect(failures.count()).toBe(2);
      expect(ses.calls()).toBe(1);
      expect(await record()).toMatchObject({ status: 'sent' });
      expect(worker.queue.deadLetters).toEqual([]);
    } finally {
      faults.restore();
      ses.restore();
    }
  });
  it('sends a step once when the suppression read after its claim fails once (the claim is given back, not stranded)', async () => {
    const clock = new TestClock(start);
    const ses = sesFault(() => new Error('unused'));
    ses.recover();
    const faults = dynamoFaults();
    try {
      const { worker, record } = await oneDueStep(clock);
      let failures = 0;
      faults.intercept(GetCommand, async (input, forward) => {
        if (onPartition(input, 'SUPPRESSION#') && failures === 0) {
          failures++;
          throw throttled();
        }
        return forward();
      });
      await worker.dispatch();
      await worker.queue.drain();

      expect(failures).toBe(1);
      expect(await record()).toMatchObject({ status: 'sent' });
      expect(ses.calls()).toBe(1);
      expect(worker.counters.totals.StepInterrupted).toBeUndefined();
    } finally {
      faults.restore();
      ses.restore();
    }
  });

  it('sends a step once when its claim was stored but the answer was lost and the retried put found it', async () => {
    const clock = new TestClock(start);
    const ses = sesFault(() => new Error('unused'));
    ses.recover();
    const faults = dynamoFaults();
    try {
      const { worker, record } = await oneDueStep(clock);
      let lostAnswers = 0;
      // The first attempt is stored, its answer lost; the SDK then sends the same request again.
      const loseFirstAnswer = async (forward: () => Promise<unknown>) => {
        lostAnswers++;
        await forward();
        return forward();
      };
      faults.intercept(PutCommand, (input, forward) =>
        onSortKey(input, 'SEND#') && lostAnswers === 0 ? loseFirstAnswer(forward) : forward(),
      );
      faults.intercept(TransactWriteCommand, (input, forward) => {
        const items = (input.TransactItems ?? []) as { Put?: Record<string, unknown> }[];
        const claim = items.some((item) => item.Put && onSortKey(item.Put, 'SEND#'));
        return claim && lostAnswers === 0 ? loseFirstAnswer(forward) : forward();
      });
      await worker.dispatch();
      await worker.queue.drain();

      expect(lostAnswers).toBe(1);
      expect(await record()).toMatchObject({ status: 'sent' });
      expect(ses.calls()).toBe(1);
    } finally {
      faults.restore();
      ses.restore();
    }
  });
});

describe('capture email retries with DynamoDB failing', () => {
  async function oneDueCaptureEmail(clock: TestClock) {
    const harness = await dripHarness({ clock });
    // Its sequence is over, so the only due work is the capture email.
    const leadId = await harness.seedLead(uniqueEmail('capture-retry'), clock.now(), { status: 'completed' });
    const { submissionId, kind } = await harness.seedCaptureEmail(leadId, clock.now());
    const captureEmails = new DynamoCaptureEmailStore({
      client: harness.doc as never,
      tableName: harness.tableName,
      dueShards: 4,
    });
    const worker = harness.worker({ mailer: undefined as never });
    worker.attach();
    return { worker, intent: () => captureEmails.getCaptureEmail(leadId, submissionId, kind) };
  }

  it('sends the email once when the suppression read after its claim fails once', async () => {
    const clock = new TestClock(start);
    const ses = mockClient(SESv2Client);
    let calls = 0;
    ses.on(SendEmailCommand).callsFake(async () => {
      calls++;
      return { MessageId: randomUUID() };
    });
    const faults = dynamoFaults();
    try {
      const { worker, intent } = await oneDueCaptureEmail(clock);
      let failures = 0;
      faults.intercept(GetCommand, async (input, forward) => {
        if (onPartition(input, 'SUPPRESSION#') && failures === 0) {
          failures++;
          throw throttled();
        }
        return forward();
      });
      await worker.dispatch();
      await worker.queue.drain();
      clock.advance(60 * 60 * 1000); // past the retry backoff and the dispatcher's lease
      await worker.dispatch();
      await worker.queue.drain();

      expect(failures).toBe(1);
      expect(await intent()).toMatchObject({ status: 'sent' });
      expect(calls).toBe(1);
    } finally {
      faults.restore();
      ses.restore();
    }
  });

  it('sends the email once when its claim was stored but the answer was lost and the retried update found it', async () => {
    const clock = new TestClock(start);
    const ses = mockClient(SESv2Client);
    let calls = 0;
    ses.on(SendEmailCommand).callsFake(async () => {
      calls++;
      return { MessageId: randomUUID() };
    });
    const faults = dynamoFaults();
    try {
      const { worker, intent } = await oneDueCaptureEmail(clock);
      let lostAnswers = 0;
      faults.intercept(UpdateCommand, async (input, forward) => {
        const claiming = String(input.UpdateExpression).includes(':sending');
        if (!claiming || lostAnswers > 0) return forward();
        lostAnswers++;
        await forward();
        return forward();
      });
      await worker.dispatch();
      await worker.queue.drain();

      expect(lostAnswers).toBe(1);
      expect(await intent()).toMatchObject({ status: 'sent' });
      expect(calls).toBe(1);
    } finally {
      faults.restore();
      ses.restore();
    }
  });
});
