/** Retries stop this long after the first attempt (issue 13); then the dead-letter queue. */
export const RETRY_WINDOW_MS = 24 * 3600_000;
/** SQS delays a message at most this long; longer waits are sent again when they arrive early. */
export const MAX_QUEUE_DELAY_SECONDS = 900;

/**
 * Exponential backoff with jitter: about 30 s, 1, 2, 4 ... minutes, at most 4 hours apart, as
 * Standard Webhooks recommends (a schedule over many hours, with jitter so a recovering
 * receiver is not hit by every retry at once). `random` is injectable for tests.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 4 * 3600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** When the next attempt is due, or undefined when the 24 hours are over. */
export function nextAttemptAt(firstAttemptAt: string, attempt: number, now: Date, random?: () => number) {
  const next = now.getTime() + retryDelayMs(attempt, random);
  return next - Date.parse(firstAttemptAt) > RETRY_WINDOW_MS ? undefined : new Date(next);
}
