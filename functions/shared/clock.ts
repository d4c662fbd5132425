/** Time as the domain sees it. Injected, so tests and the local stack can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
