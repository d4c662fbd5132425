import type { Clock } from '../functions/shared/clock';

/**
 * Real time plus an offset that only grows. `npm run drip -- advance P3D` moves it, so a
 * 30-day sequence can be watched in a minute; nothing else in the code knows time is fake.
 */
export class ControllableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('The clock only moves forward');
    this.offsetMs += ms;
    return this.now();
  }

  /** Moves to a later instant; an earlier one leaves the clock where it is. */
  advanceTo(instant: Date): Date {
    const delta = instant.getTime() - this.now().getTime();
    if (delta > 0) this.offsetMs += delta;
    return this.now();
  }

  get offset(): number {
    return this.offsetMs;
  }
}
