import { enrolmentItem } from '../../functions/adapters/dynamodb/lead-repository';
import { dispatcherEnvSchema, parseEnv } from '../../functions/config/env';
import { dispatchDue } from '../../functions/drip/dispatch';
import type { WorkQueue } from '../../functions/drip/ports';
import { dispatcherDeps } from '../../functions/lambdas/dispatcher/wiring';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { deployConfig } from '../../infra/config';
import type { BenchGroup } from '../group';
import { atMost, type Figure } from '../report';
import { batchPut, benchLeadId, enrolment } from '../seed';
import { benchDocumentClient, type Services } from '../services';
import { median, progress, timed } from '../stats';

const DUE = 1_000;
const NOT_DUE = 100_000;
const ROUNDS = 9;
const WARMUP_ROUNDS = 1;
const DAY_MS = 86_400_000;

/**
 * The real dispatcher (dispatchDue with DynamoDueIndex, wired by dispatcherDeps with the
 * stack's shard count) over two tables on one DynamoDB Local: one holding only the 1,000 due
 * enrolments, one holding them plus 100,000 active enrolments due in the future (in the due
 * index, as every active lead is). The queue only counts. Dispatch leases what it takes, so
 * the due enrolments are written again before every run. Runs alternate between the tables
 * (and which goes first); the ratio is the median of the per-round ratios.
 */
export const dispatchGroup: BenchGroup = {
  async run(context) {
    const services = await context.services();
    const shards = deployConfig.dueShards;
    const sequence = Object.values(bundledEmails().sequences)[0]!;
    const doc = benchDocumentClient(services);

    const variant = async (label: string) => {
      const tableName = await services.freshTable(`dispatch-${label}`);
      const env = parseEnv(
        dispatcherEnvSchema,
        services.lambdaEnv(tableName, { WORK_QUEUE_URL: 'http://localhost/bench-queue', DUE_SHARDS: String(shards) }),
      );
      const queue = countingQueue();
      const { deps, settings } = dispatcherDeps(env, { queue });
      const dueLeads = Array.from({ length: DUE }, (_, index) => benchLeadId(`due.${label}.${index}`));
      return {
        label,
        tableName,
        queue,
        reseedDue: () => {
          const now = Date.now();
          const items = dueLeads.map((leadId, index) =>
            enrolmentItem(enrolment(leadId, sequence, new Date(now - 60_000 - index * 1000)), shards),
          );
          return batchPut(doc, tableName, items);
        },
        dispatch: async () => {
          queue.count = 0;
          const { ms, result } = await timed(() => dispatchDue(deps, settings));
          if (result.enqueued !== DUE || queue.count !== DUE) {
            throw new Error(
              `dispatch on ${label} enqueued ${result.enqueued} (queue saw ${queue.count}), expected ${DUE}`,
            );
          }
          return ms;
        },
      };
    };

    const empty = await variant('empty');
    const full = await variant('full');
    progress('dispatch', `seeding ${NOT_DUE.toLocaleString('en')} not-due enrolments (${shards} due shards)`);
    const seeded = await timed(() => seedNotDue(services, full.tableName, shards, sequence));
    progress('dispatch', `seeded in ${(seeded.ms / 1000).toFixed(1)} s`);

    const times: Record<'empty' | 'full', number[]> = { empty: [], full: [] };
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      const measured = round >= WARMUP_ROUNDS;
      const order = round % 2 === 0 ? [empty, full] : [full, empty];
      const last: Record<string, number> = {};
      for (const side of order) {
        await side.reseedDue();
        last[side.label] = await side.dispatch();
        if (measured) times[side.label as 'empty' | 'full'].push(last[side.label]!);
      }
      progress(
        'dispatch',
        `${measured ? `round ${round - WARMUP_ROUNDS + 1}/${ROUNDS}` : 'warm-up'}: ` +
          `without ${last.empty!.toFixed(0)} ms, with 100k not due ${last.full!.toFixed(0)} ms`,
      );
    }
    const emptyMs = median(times.empty);
    const fullMs = median(times.full);
    // Each round's two runs are neighbours in time: the median of their ratios cancels drift.
    const ratio = median(times.full.map((ms, round) => ms / times.empty[round]!));
    return [
      { name: 'scale_ratio', value: ratio, unit: 'x', goal: atMost(1.2) },
      { name: 'steps_per_s', value: (DUE * 1000) / fullMs, unit: 'steps/s (with 100k)' },
      { name: 'ms_without_not_due', value: emptyMs, unit: 'ms' },
      { name: 'ms_with_100k_not_due', value: fullMs, unit: 'ms' },
    ] satisfies Figure[];
  },
};

function countingQueue(): WorkQueue & { count: number } {
  return {
    count: 0,
    async send(messages) {
      this.count += messages.length;
      return { failed: [] };
    },
  };
}

/** Active enrolments due between one hour and 30 days from now, at any step, as real leads would be. */
async function seedNotDue(
  services: Services,
  tableName: string,
  shards: number,
  sequence: ReturnType<typeof bundledEmails>['sequences'][string],
) {
  const doc = benchDocumentClient(services);
  const now = Date.now();
  const chunk = 10_000;
  for (let start = 0; start < NOT_DUE; start += chunk) {
    const items = Array.from({ length: Math.min(chunk, NOT_DUE - start) }, (_, offset) => {
      const index = start + offset;
      const dueAt = new Date(now + 3_600_000 + Math.floor(Math.random() * 30 * DAY_MS));
      return enrolmentItem(
        enrolment(benchLeadId(`later.${index}`), sequence, dueAt, index % sequence.steps.length),
        shards,
      );
    });
    await batchPut(doc, tableName, items, 8);
    progress('dispatch', `  ${(start + items.length).toLocaleString('en')} seeded`);
  }
}
