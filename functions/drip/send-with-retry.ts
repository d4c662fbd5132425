import { SendError, type SentEmail } from '../mail/outgoing-email';
import type { Pacer } from './pacing';
import { type TimeBudget, UNLIMITED } from './time-budget';

export interface RetryOptions {
  maxAttempts: number;
  /** The first attempt's pacing token was taken by the caller (before it claimed the work). */
  firstAttemptPaced?: boolean;
  /** No new attempt starts with less than `reserveMs` left; the last error is thrown instead. */
  budget?: TimeBudget;
  reserveMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Throttling and refusals before acceptance are retried with jittered exponential backoff,
 * each attempt paced like the first. Other failures return at once.
 */
export async function sendWithRetry(
  send: () => Promise<SentEmail>,
  pacer: Pacer,
  {
    maxAttempts,
    firstAttemptPaced = false,
    budget = UNLIMITED,
    reserveMs = 0,
    sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  }: RetryOptions,
): Promise<SentEmail> {
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1 || !firstAttemptPaced) await pacer.take();
    try {
      return await send();
    } catch (error) {
      const retryable = error instanceof SendError && error.outcome === 'retryable';
      if (!retryable || attempt >= maxAttempts) throw error;
      const backoff = Math.random() * Math.min(2000, 100 * 2 ** attempt);
      if (budget.remainingMs() - backoff < reserveMs) throw error;
      await sleep(backoff);
    }
  }
}
