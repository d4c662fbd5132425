import { sesClient } from '../../functions/adapters/clients/ses';
import { migrateToKeyedIds } from '../../functions/adapters/dynamodb/keyed-id-migration';
import { enrolmentItem } from '../../functions/adapters/dynamodb/lead-repository';
import { accountMaxSendRate } from '../../functions/adapters/ses-send-rate';
import { dispatcherEnvSchema, parseEnv, senderEnvSchema } from '../../functions/config/env';
import { dispatchDue } from '../../functions/drip/dispatch';
import { dispatcherDeps } from '../../functions/lambdas/dispatcher/wiring';
import { makeSenderHandler } from '../../functions/lambdas/sender/handler';
import { senderDeps } from '../../functions/lambdas/sender/wiring';
import { mailerFrom } from '../../functions/lambdas/wiring';
import { leadIdFor } from '../../functions/lead/email-address';
import type { Mailer } from '../../functions/mail/outgoing-email';
import { memoryCounters } from '../../functions/observability/metrics';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { InProcessQueue } from '../../local/in-process-queue';
import type { BenchGroup } from '../group';
import { atLeast, atMost, type Figure } from '../report';
import { BENCH_IDENTITY_KEY, batchPut, benchIdentityKey, enrolment, leadRow } from '../seed';
import { benchDocumentClient } from '../services';
import { progress } from '../stats';
import { branchCostFigures } from './send-branch-cost';

const WINDOW_S = 30;

/**
 * The real sender (makeSenderHandler on senderDeps, as functions/lambdas/sender/index.ts builds it)
 * with the pacer it really uses: lazyPacer, whose rate comes from GetAccount on the local SES
 * (no MAX_SEND_RATE, no pacer override). The real dispatcher fills an in-process queue (the
 * local stand-in for SQS) with more due steps than 30 s can send; a wrapper around the real SES
 * adapter notes when each send is issued. Figures over the 30 s from the first send:
 * sends ÷ (30 × MaxSendRate), and the busiest one-second window ÷ MaxSendRate.
 */
export const sendGroup: BenchGroup = {
  async run(context) {
    const services = await context.services();
    const tableName = await services.freshTable('send');
    const env = services.lambdaEnv(tableName, { WORK_QUEUE_URL: 'http://localhost/bench-queue' });
    const senderEnv = parseEnv(senderEnvSchema, env);
    if (senderEnv.MAX_SEND_RATE !== undefined) throw new Error('MAX_SEND_RATE must not be set: the pacer reads SES');
    const maxSendRate = await accountMaxSendRate(sesClient({ endpoint: services.sesEndpoint }));
    const total = Math.ceil(maxSendRate * WINDOW_S * 1.1) + 20;

    progress('send', `seeding ${total} due enrolments; MaxSendRate from GetAccount: ${maxSendRate}/s`);
    const sequence = Object.values(bundledEmails().sequences)[0]!;
    const dueAt = new Date(Date.now() - 60_000);
    const items = Array.from({ length: total }, (_, index) => {
      const email = `send.${index}.${tableName}@example.com`;
      const leadId = leadIdFor(email, BENCH_IDENTITY_KEY);
      return [
        leadRow(leadId, email, dueAt.toISOString()),
        enrolmentItem(enrolment(leadId, sequence, dueAt), senderEnv.DUE_SHARDS),
      ];
    }).flat();
    await batchPut(benchDocumentClient(services), tableName, items);
    // As on a stack whose move to keyed ids is done: suppression checks read one item.
    await migrateToKeyedIds(
      { client: benchDocumentClient(services), tableName, dueShards: senderEnv.DUE_SHARDS },
      BENCH_IDENTITY_KEY,
    );
    await services.clearOutbox();

    const issuedAt: number[] = [];
    const ses = mailerFrom(senderEnv, {});
    const mailer: Mailer = {
      send(email) {
        issuedAt.push(performance.now());
        return ses.send(email);
      },
    };
    const counters = memoryCounters();
    const signingKey = Buffer.alloc(32, 9);
    const sender = makeSenderHandler(
      senderDeps(senderEnv, { signingKey: async () => signingKey, identityKey: benchIdentityKey, mailer, counters }),
    );
    // As the local runtime runs it (local/drip-runtime.ts): one sender, four deliveries at a time.
    const queue = new InProcessQueue({ maxReceives: 5, retryDelayMs: 500, concurrency: 4 });
    queue.attach((event) => sender(event, undefined as never));
    const { deps, settings } = dispatcherDeps(parseEnv(dispatcherEnvSchema, env), { queue });

    progress('send', `sending (about ${Math.ceil(total / maxSendRate)} s)`);
    const dispatched = await dispatchDue(deps, settings);
    if (dispatched.enqueued !== total) throw new Error(`dispatched ${dispatched.enqueued} of ${total} due steps`);
    await queue.drain();
    await services.clearOutbox();

    const sent = counters.totals.StepSent ?? 0;
    if (sent !== total || queue.deadLetters.length > 0) {
      throw new Error(`sent ${sent} of ${total} steps; ${queue.deadLetters.length} dead letters`);
    }
    const times = [...issuedAt].sort((a, b) => a - b);
    const start = times[0]!;
    if (times.at(-1)! < start + WINDOW_S * 1000) throw new Error('the queue ran dry before the 30 s window ended');
    const inWindow = times.filter((time) => time < start + WINDOW_S * 1000).length;
    const busiest = busiestSecond(times);
    progress('send', `${inWindow} sends in ${WINDOW_S} s; busiest one-second window: ${busiest}`);
    const branchCost = await branchCostFigures(services);
    return [
      { name: 'pacing_ratio', value: inWindow / (WINDOW_S * maxSendRate), unit: 'x', goal: atLeast(0.95) },
      { name: 'max_window_ratio', value: busiest / maxSendRate, unit: 'x', goal: atMost(1) },
      { name: 'sends_per_s', value: inWindow / WINDOW_S, unit: 'sends/s' },
      { name: 'max_send_rate', value: maxSendRate, unit: 'sends/s (GetAccount)' },
      ...branchCost,
    ] satisfies Figure[];
  },
};

/** Most sends issued in any half-open one-second window [t, t + 1 s), t being a send time. */
function busiestSecond(sorted: number[]): number {
  let most = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + 1000) end++;
    most = Math.max(most, end - start);
  }
  return most;
}
