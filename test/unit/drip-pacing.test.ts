import { lazyPacer } from '../../functions/adapters/ses-send-rate';
import { TokenBucket } from '../../functions/drip/pacing';
import { sendWithRetry } from '../../functions/drip/send-with-retry';
import { budgetOf, OutOfTimeError, UNLIMITED } from '../../functions/drip/time-budget';
import { SendError } from '../../functions/mail/outgoing-email';

/** Time that only moves when the code under test sleeps. */
function fakeTime() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const throttled = () => new SendError('slow down', 'retryable', 'TooManyRequestsException');

describe('TokenBucket', () => {
  it('never lets more than the rate through in any one-second window', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket(5, time.now, time.sleep);
    const takenAt: number[] = [];
    for (let index = 0; index < 40; index++) {
      await bucket.take();
      takenAt.push(time.now());
    }
    for (const start of takenAt) {
      expect(takenAt.filter((at) => at >= start && at < start + 1000).length).toBeLessThanOrEqual(5);
    }
    // And it does not idle either: 40 sends at 5 per second take 39 gaps of 200 ms.
    expect(takenAt.at(-1)).toBeCloseTo(39 * 200, 6);
  });

  it('serves concurrent callers in order, without overshooting the rate', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket(2, time.now, time.sleep);
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        bucket.take().then(() => {
          order.push(index);
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(time.now()).toBeCloseTo(5 * 500, 6);
  });

  it('answers false, taking nothing, when the token would come later than the caller can wait', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket(1, time.now, time.sleep);
    expect(await bucket.take({ maxWaitMs: 0 })).toBe(true);
    // The next token is 1 s away: a caller with 500 ms to spare is told at once.
    expect(await bucket.take({ maxWaitMs: 500 })).toBe(false);
    expect(time.now()).toBe(0);
    // Nothing was taken, so the next caller still gets the token at 1 s.
    expect(await bucket.take({ maxWaitMs: 1000 })).toBe(true);
    expect(time.now()).toBe(1000);
  });

  it('counts the callers already waiting when it estimates the wait', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket(10, time.now, time.sleep);
    const waiting = Array.from({ length: 5 }, () => bucket.take());
    // Four callers wait behind the first: the next token is about 500 ms away.
    expect(await bucket.take({ maxWaitMs: 300 })).toBe(false);
    const accepted = bucket.take({ maxWaitMs: 600 });
    expect(await Promise.all([...waiting, accepted])).toEqual([true, true, true, true, true, true]);
    expect(time.now()).toBeCloseTo(500, 6);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
    expect(() => new TokenBucket(Number.NaN)).toThrow(RangeError);
  });
});

describe('lazyPacer', () => {
  it('reads the account rate once and gives each sender instance its share', async () => {
    let reads = 0;
    const pacer = lazyPacer(async () => {
      reads++;
      return 1000;
    }, 4);
    const started = performance.now();
    for (let index = 0; index < 6; index++) await pacer.take();
    const elapsed = performance.now() - started;
    expect(reads).toBe(1);
    // 250 per second per instance: 5 gaps of 4 ms after the first token.
    expect(elapsed).toBeGreaterThanOrEqual(18);
  });

  it('asks for the rate again after a failed read', async () => {
    let reads = 0;
    const pacer = lazyPacer(async () => {
      reads++;
      if (reads === 1) throw new Error('GetAccount failed');
      return 100;
    }, 1);
    await expect(pacer.take()).rejects.toThrow('GetAccount failed');
    await expect(pacer.take()).resolves.toBe(true);
    expect(reads).toBe(2);
  });
});

describe('sendWithRetry', () => {
  const sent = { messageId: 'm-1' };
  const countingPacer = () => {
    const pacer = {
      takes: 0,
      async take() {
        pacer.takes++;
        return true;
      },
    };
    return pacer;
  };

  it('retries throttling with backoff, each attempt paced, until it goes through', async () => {
    const pacer = countingPacer();
    const sleeps: number[] = [];
    let calls = 0;
    const result = await sendWithRetry(
      async () => {
        calls++;
        if (calls < 3) throw throttled();
        return sent;
      },
      pacer,
      { maxAttempts: 4, sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(result).toBe(sent);
    expect(calls).toBe(3);
    expect(pacer.takes).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('does not wait for the send rate past the time left: OutOfTimeError first, the last error later', async () => {
    const refusing = { take: async ({ maxWaitMs = Number.POSITIVE_INFINITY } = {}) => maxWaitMs >= 5_000 };
    let remaining = 12_000;
    const budget = { remainingMs: () => remaining };
    await expect(
      sendWithRetry(async () => sent, refusing, { maxAttempts: 3, budget, reserveMs: 10_000 }),
    ).rejects.toBeInstanceOf(OutOfTimeError);
    remaining = 20_000;
    let calls = 0;
    await expect(
      sendWithRetry(
        async () => {
          calls++;
          remaining = 14_000;
          throw throttled();
        },
        refusing,
        { maxAttempts: 3, budget, reserveMs: 10_000, sleep: async () => undefined },
      ),
    ).rejects.toMatchObject({ outcome: 'retryable' });
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts, and never retries what may have been sent or will never be', async () => {
    let calls = 0;
    const always = (error: Error) => async () => {
      calls++;
      throw error;
    };
    await expect(
      sendWithRetry(always(throttled()), countingPacer(), { maxAttempts: 4, sleep: async () => undefined }),
    ).rejects.toMatchObject({ outcome: 'retryable' });
    expect(calls).toBe(4);
    for (const outcome of ['unknown', 'permanent'] as const) {
      calls = 0;
      await expect(
        sendWithRetry(always(new SendError('x', outcome, 'X')), countingPacer(), { maxAttempts: 4 }),
      ).rejects.toMatchObject({ outcome });
      expect(calls).toBe(1);
    }
  });

  it('stops retrying when the invocation is about to run out of time, and says why it stopped', async () => {
    let remaining = 30_000;
    let calls = 0;
    await expect(
      sendWithRetry(
        async () => {
          calls++;
          remaining -= 15_000;
          throw throttled();
        },
        countingPacer(),
        { maxAttempts: 10, budget: { remainingMs: () => remaining }, reserveMs: 10_000, sleep: async () => undefined },
      ),
    ).rejects.toMatchObject({ outcome: 'retryable' });
    // Each attempt uses 15 s: after the first 15 s are left (a retry fits), after the second
    // none, so it stops there although 8 attempts remain.
    expect(calls).toBe(2);
  });
});

describe('budgetOf', () => {
  it('reads the Lambda context, and has no limit without one', () => {
    let remaining = 1234;
    const context = { getRemainingTimeInMillis: () => remaining };
    const budget = budgetOf(context);
    expect(budget.remainingMs()).toBe(1234);
    remaining = 10;
    expect(budget.remainingMs()).toBe(10);
    expect(budgetOf(undefined)).toBe(UNLIMITED);
    expect(UNLIMITED.remainingMs()).toBe(Number.POSITIVE_INFINITY);
  });
});
