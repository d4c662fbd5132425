import { SendError, type SentEmail } from '../mail/outgoing-email';
import type { Pacer } from './pacing';
import { OutOfTimeError, type TimeBudget, UNLIMITED } from './time-budget';

export interface RetryOptions {
  maxAttempts: number;
  /** No attempt waits for the rate, or starts, with less than `reserveMs` left. */
  budget?: TimeBudget;
  reserveMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Throttling and refusals before acceptance are retried with jittered exponential backoff,
 * each attempt paced like the first. Other failures return at once. No attempt waits for the
 * send rate past the budget's reserve: then the last error (or OutOfTimeError) is thrown.
 */
export async function sendWithRetry(
  send: () => Promise<SentEmail>,
  pacer: Pacer,
  {
    maxAttempts,
    budget = UNLIMITED,
    reserveMs = 0,
    sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  }: RetryOptions,
): Promise<SentEmail> {
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    const maxWaitMs = budget.remainingMs() - reserveMs;
    if (maxWaitMs < 0 || !(await pacer.take({ maxWaitMs }))) throw lastError ?? new OutOfTimeError();
    try {
      return await send();
    } catch (error) {
      const retryable = error instanceof SendError && error.outcome === 'retryable';
      if (!retryable || attempt >= maxAttempts) throw error;
      lastError = error;
      const backoff = Math.random() * Math.min(2000, 100 * 2 ** attempt);
      if (budget.remainingMs() - backoff < reserveMs) throw error;
      await sleep(backoff);
    }
  }
}
