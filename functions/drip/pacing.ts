/** Waits for permission to send one email. */
export interface Pacer {
  take(): Promise<void>;
}

/**
 * Token bucket: at most `ratePerSecond` sends in any one-second window. Time and sleeping are
 * injected so tests and benchmarks can drive it.
 */
export class TokenBucket implements Pacer {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ratePerSecond: number,
    // A burst above one token would let the busiest one-second window exceed the rate.
    private readonly capacity = 1,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('The send rate must be positive');
    this.tokens = Math.min(1, this.capacity);
    this.last = this.now();
  }

  /** Callers are served in order, so a burst of waiting senders cannot overshoot the rate. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeOne());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeOne(): Promise<void> {
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(((1 - this.tokens) / this.ratePerSecond) * 1000);
    }
  }
}
