import { SendError, type SentEmail } from '../mail/outgoing-email';
import type { Pacer } from './pacing';

/**
 * Throttling and refusals before acceptance are retried with jittered exponential backoff,
 * each attempt paced like the first. Other failures return at once.
 */
export async function sendWithRetry(
  send: () => Promise<SentEmail>,
  pacer: Pacer,
  maxAttempts: number,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<SentEmail> {
  for (let attempt = 1; ; attempt++) {
    await pacer.take();
    try {
      return await send();
    } catch (error) {
      const retryable = error instanceof SendError && error.outcome === 'retryable';
      if (!retryable || attempt >= maxAttempts) throw error;
      await sleep(Math.random() * Math.min(2000, 100 * 2 ** attempt));
    }
  }
}
