import { type DispatchDeps, dispatchDue } from '../../functions/drip/dispatch';
import { TestClock } from '../support/drip-harness';
import { quietLog, seedEnrolledLead } from '../support/fakes/doubles';
import { MemoryDueIndex, MemoryWorkQueue } from '../support/fakes/drip-stores';
import { MemoryTable } from '../support/fakes/memory-table';

/** dispatchDue on the in-memory due index (test/integration/store-contract.test.ts keeps it honest). */

const now = new Date('2026-12-01T15:00:00Z');
const settings = { shards: 4, leaseMs: 40 * 60_000, maxPerRun: 1000 };

function setup(queue = new MemoryWorkQueue(), pageSize?: number) {
  const table = new MemoryTable(settings.shards);
  const clock = new TestClock(now);
  const deps: DispatchDeps = { due: new MemoryDueIndex(table, pageSize), queue, clock, log: quietLog };
  return { table, clock, queue, deps };
}

const minutes = (count: number) => new Date(now.getTime() + count * 60_000);

describe('dispatchDue', () => {
  it('queues what is due, once, and nothing that is not due yet', async () => {
    const { table, queue, deps } = setup();
    const due = ['a@example.com', 'b@example.com', 'c@example.com'].map(
      (email) => seedEnrolledLead(table, email, minutes(-5)).leadId,
    );
    seedEnrolledLead(table, 'later@example.com', minutes(60));

    expect(await dispatchDue(deps, settings)).toEqual({ found: 3, enqueued: 3, alreadyTaken: 0, failed: 0 });
    expect(queue.sent.map((message) => message.leadId).sort()).toEqual([...due].sort());
    expect(await dispatchDue(deps, settings)).toEqual({ found: 0, enqueued: 0, alreadyTaken: 0, failed: 0 });
  });

  it('never queues the same step twice when dispatchers overlap', async () => {
    const { table, queue, deps } = setup();
    for (let index = 0; index < 50; index++) seedEnrolledLead(table, `lead${index}@example.com`, minutes(-1));

    const runs = await Promise.all([dispatchDue(deps, settings), dispatchDue(deps, settings)]);

    expect(runs.reduce((sum, run) => sum + run.enqueued, 0)).toBe(50);
    expect(new Set(queue.sent.map((message) => message.leadId)).size).toBe(50);
    expect(queue.sent).toHaveLength(50);
  });

  it('queues again what was queued but never finished, once its lease runs out', async () => {
    const { table, clock, queue, deps } = setup();
    const { leadId } = seedEnrolledLead(table, 'lost@example.com', minutes(-1));
    await dispatchDue(deps, settings);

    clock.advance(settings.leaseMs - 60_000);
    expect((await dispatchDue(deps, settings)).enqueued).toBe(0);
    clock.advance(2 * 60_000);
    expect((await dispatchDue(deps, settings)).enqueued).toBe(1);
    expect(queue.sent.map((message) => message.leadId)).toEqual([leadId, leadId]);
  });

  it('leaves what the queue refused to come back after its lease, and counts it as failed', async () => {
    let refusing = true;
    const { table, clock, queue, deps } = setup(new MemoryWorkQueue(() => refusing));
    seedEnrolledLead(table, 'refused@example.com', minutes(-1));

    expect(await dispatchDue(deps, settings)).toMatchObject({ found: 1, enqueued: 0, failed: 1 });
    refusing = false;
    clock.advance(settings.leaseMs + 1);
    expect(await dispatchDue(deps, settings)).toMatchObject({ found: 1, enqueued: 1, failed: 0 });
    expect(queue.sent).toHaveLength(1);
  });

  it('reads every page of a shard, up to the run’s bound', async () => {
    const { table, queue, deps } = setup(new MemoryWorkQueue(), 3);
    for (let index = 0; index < 40; index++) seedEnrolledLead(table, `paged${index}@example.com`, minutes(-1));

    const first = await dispatchDue(deps, { ...settings, maxPerRun: 8 });
    expect(first.enqueued).toBeGreaterThanOrEqual(8);
    expect(first.enqueued).toBeLessThan(40);
    await dispatchDue(deps, settings);
    expect(new Set(queue.sent.map((message) => message.leadId)).size).toBe(40);
    expect(queue.sent).toHaveLength(40);
  });
});
