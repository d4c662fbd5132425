import type { Delay } from '../functions/schedule';

/** Fast-forward moves real milliseconds; a day here is 24 hours, which is what "advance P3D" means. */
export function delayToMs(delay: Delay): number {
  return ((((delay.weeks * 7 + delay.days) * 24 + delay.hours) * 60 + delay.minutes) * 60 + delay.seconds) * 1000;
}
