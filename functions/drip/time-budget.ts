/**
 * How long the current invocation may still run. The sender stops taking new work, and stops
 * retrying a send, while enough time is left to record what it did: a Lambda timeout in the
 * middle of a claimed step would leave that step to be recorded as interrupted, not sent.
 */
export interface TimeBudget {
  remainingMs(): number;
}

export const UNLIMITED: TimeBudget = { remainingMs: () => Number.POSITIVE_INFINITY };

/** From the Lambda context; locally and in tests there is none, and no limit. */
export function budgetOf(context: { getRemainingTimeInMillis?: () => number } | undefined): TimeBudget {
  const remaining = context?.getRemainingTimeInMillis;
  return typeof remaining === 'function' ? { remainingMs: () => remaining.call(context) } : UNLIMITED;
}

/** Thrown before any claim is taken: the message is simply left for the queue to redeliver. */
export class OutOfTimeError extends Error {
  override name = 'OutOfTimeError';
  constructor() {
    super('Not enough time left in this invocation; left for redelivery');
  }
}
