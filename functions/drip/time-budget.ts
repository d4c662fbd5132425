/**
 * How long the current invocation may still run. The sender stops taking new work, and stops
 * retrying a send, while enough time is left to record what it did: a Lambda timeout in the
 * middle of a claimed step would leave that step to be recorded as interrupted, not sent.
 */
export interface TimeBudget {
  remainingMs(): number;
}

/** Kept back in each sender invocation: enough for one SES call and the writes that record it. */
export const SENDER_TIME_RESERVE_MS = 10_000;

export const UNLIMITED: TimeBudget = { remainingMs: () => Number.POSITIVE_INFINITY };

/** From the Lambda context; locally and in tests there is none, and no limit. */
export function budgetOf(context: { getRemainingTimeInMillis?: () => number } | undefined): TimeBudget {
  const remaining = context?.getRemainingTimeInMillis;
  return typeof remaining === 'function' ? { remainingMs: () => remaining.call(context) } : UNLIMITED;
}

/**
 * Not enough time left to start (or wait for the send rate): nothing was sent, and a claim
 * already taken is given back, so the queue's redelivery simply tries again.
 */
export class OutOfTimeError extends Error {
  override name = 'OutOfTimeError';
  constructor() {
    super('Not enough time left in this invocation; left for redelivery');
  }
}
