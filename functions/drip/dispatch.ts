import type { Log } from '../observability/logger';
import type { Clock } from '../shared/clock';
import type { WorkMessage } from './messages';
import type { DueEntry, DueIndex, WorkQueue } from './ports';

export interface DispatchDeps {
  due: DueIndex;
  queue: WorkQueue;
  clock: Clock;
  log: Log;
}

export interface DispatchSettings {
  shards: number;
  /**
   * How long a taken entry stays out of the index. Longer than the queue's retries take, so a
   * message still in flight is not queued again; short enough that a lost one comes back.
   */
  leaseMs: number;
  /** Bounds one run; what is left is picked up by the next tick. */
  maxPerRun: number;
}

export interface DispatchResult {
  found: number;
  enqueued: number;
  /** Taken by another dispatcher between the query and the lease. */
  alreadyTaken: number;
  failed: number;
}

const LEASE_CONCURRENCY = 16;

/**
 * Finds what is due and queues it, once. Each entry is leased with a conditional write on its
 * due time before it is queued, so overlapping ticks or several dispatchers never queue the
 * same step twice. Reads only the sparse due index: the cost follows what is due, not how
 * many leads exist.
 */
export async function dispatchDue(deps: DispatchDeps, settings: DispatchSettings): Promise<DispatchResult> {
  const now = deps.clock.now();
  const upTo = now.toISOString();
  const leaseUntil = new Date(now.getTime() + settings.leaseMs).toISOString();
  const perShard = Math.ceil(settings.maxPerRun / settings.shards);
  const results = await Promise.all(
    Array.from({ length: settings.shards }, (_, shard) => dispatchShard(shard, upTo, leaseUntil, perShard, deps)),
  );
  const total = results.reduce(
    (sum, result) => ({
      found: sum.found + result.found,
      enqueued: sum.enqueued + result.enqueued,
      alreadyTaken: sum.alreadyTaken + result.alreadyTaken,
      failed: sum.failed + result.failed,
    }),
    { found: 0, enqueued: 0, alreadyTaken: 0, failed: 0 },
  );
  if (total.found > 0) deps.log.info('Dispatched due work', { ...total });
  return total;
}

async function dispatchShard(shard: number, upTo: string, leaseUntil: string, limit: number, deps: DispatchDeps) {
  const result = { found: 0, enqueued: 0, alreadyTaken: 0, failed: 0 };
  let cursor: string | undefined;
  do {
    const page = await deps.due.duePage(shard, upTo, cursor);
    cursor = page.cursor;
    result.found += page.entries.length;
    const leased = await leaseAll(page.entries, leaseUntil, deps.due);
    result.alreadyTaken += page.entries.length - leased.length;
    if (leased.length > 0) {
      const { failed } = await deps.queue.send(leased);
      // Their lease runs out and the next tick after that queues them again: late, not lost.
      if (failed.length > 0) deps.log.warn('Some due work could not be queued', { count: failed.length, shard });
      result.failed += failed.length;
      result.enqueued += leased.length - failed.length;
    }
  } while (cursor && result.found < limit);
  return result;
}

async function leaseAll(entries: DueEntry[], until: string, due: DueIndex): Promise<WorkMessage[]> {
  const taken: WorkMessage[] = [];
  for (let start = 0; start < entries.length; start += LEASE_CONCURRENCY) {
    const slice = entries.slice(start, start + LEASE_CONCURRENCY);
    const outcomes = await Promise.all(slice.map((entry) => due.lease(entry, until)));
    slice.forEach((entry, index) => {
      if (outcomes[index]) taken.push(entry.message);
    });
  }
  return taken;
}
