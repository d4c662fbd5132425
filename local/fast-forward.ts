import type { DueIndex } from '../functions/drip/ports';
import type { ControllableClock } from './controllable-clock';

export interface FastForwardDeps {
  clock: ControllableClock;
  due: DueIndex;
  shards: number;
  /** One dispatcher run, as the schedule would trigger it. */
  dispatch(): Promise<unknown>;
  /** Waits until the queue has processed everything handed to it. */
  drain(): Promise<void>;
}

export interface FastForwardResult {
  from: string;
  to: string;
  rounds: number;
}

const MAX_ROUNDS = 10_000;

/**
 * Moves the clock forward by `ms`, stopping at every moment something falls due so each step
 * is dispatched and sent at its own time, in order, as it would be over real days.
 */
export async function fastForward(ms: number, deps: FastForwardDeps): Promise<FastForwardResult> {
  const from = deps.clock.now();
  const target = new Date(from.getTime() + ms);
  let rounds = 0;
  await deps.dispatch();
  await deps.drain();
  while (rounds < MAX_ROUNDS) {
    const earliest = await deps.due.earliestDue(deps.shards);
    if (!earliest || Date.parse(earliest) > target.getTime()) break;
    const before = deps.clock.now().getTime();
    deps.clock.advanceTo(new Date(earliest));
    await deps.dispatch();
    await deps.drain();
    rounds++;
    // Something due now that nothing could take (leased elsewhere): step past it.
    if (deps.clock.now().getTime() === before && Date.parse(earliest) <= before) deps.clock.advance(1000);
  }
  deps.clock.advanceTo(target);
  await deps.dispatch();
  await deps.drain();
  return { from: from.toISOString(), to: deps.clock.now().toISOString(), rounds };
}
