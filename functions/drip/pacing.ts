/** Permission to send one email at a time, at the account's rate. */
export interface Pacer {
  /**
   * Waits for permission to send one email and answers true. With `maxWaitMs`, it answers
   * false at once, taking nothing, when permission would come later than that.
   */
  take(options?: { maxWaitMs?: number }): Promise<boolean>;
}

/**
 * Token bucket: at most `ratePerSecond` sends in any one-second window. Time and sleeping are
 * injected so tests and benchmarks can drive it.
 */
export class TokenBucket implements Pacer {
  private tokens: number;
  private last: number;
  private waiting = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly intervalMs: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('The send rate must be positive');
    // One token at most: a burst of more would let the busiest one-second window exceed the rate.
    this.tokens = 1;
    this.last = this.now();
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** Callers are served in order, so a burst of waiting senders cannot overshoot the rate. */
  take({ maxWaitMs = Number.POSITIVE_INFINITY }: { maxWaitMs?: number } = {}): Promise<boolean> {
    if (this.expectedWaitMs() > maxWaitMs) return Promise.resolve(false);
    this.waiting++;
    const turn = this.queue.then(() => this.takeOne()).finally(() => this.waiting--);
    this.queue = turn.catch(() => undefined);
    return turn.then(() => true);
  }

  /** When a new caller would get its token: after the callers already waiting, one interval each. */
  private expectedWaitMs(): number {
    const refilled = Math.min(1, this.tokens + ((this.now() - this.last) / 1000) * this.ratePerSecond);
    return Math.max(0, (1 - refilled) * this.intervalMs) + this.waiting * this.intervalMs;
  }

  private async takeOne(): Promise<void> {
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(1, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep((1 - this.tokens) * this.intervalMs);
    }
  }
}
