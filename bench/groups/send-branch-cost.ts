import { migrateToKeyedIds } from '../../functions/adapters/dynamodb/keyed-id-migration';
import { enrolmentItem } from '../../functions/adapters/dynamodb/lead-repository';
import { DynamoSequenceVersions } from '../../functions/adapters/dynamodb/sequence-versions';
import { dispatcherEnvSchema, parseEnv, senderEnvSchema } from '../../functions/config/env';
import { dispatchDue } from '../../functions/drip/dispatch';
import type { WorkQueue } from '../../functions/drip/ports';
import { dispatcherDeps } from '../../functions/lambdas/dispatcher/wiring';
import { makeSenderHandler } from '../../functions/lambdas/sender/handler';
import { senderDeps } from '../../functions/lambdas/sender/wiring';
import { leadIdFor } from '../../functions/lead/email-address';
import type { Interest } from '../../functions/lead/interests';
import type { Mailer } from '../../functions/mail/outgoing-email';
import { memoryCounters } from '../../functions/observability/metrics';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { contentVersion } from '../../functions/sequence/compile/version';
import type { CompiledSequence, CompiledStep } from '../../functions/sequence/compiled';
import { nextStepOnPath, pathContext } from '../../functions/sequence/paths';
import { InProcessQueue } from '../../local/in-process-queue';
import { atMost, type Figure } from '../report';
import { BENCH_IDENTITY_KEY, batchPut, benchIdentityKey, enrolment, leadRow } from '../seed';
import { benchDocumentClient, type Services } from '../services';
import { median, progress, timed } from '../stats';

const STEPS_PER_ROUND = 300;
const ROUNDS = 7;
const WARMUP_ROUNDS = 1;
const TOPICS: Interest[] = [
  'fraxel-aftercare',
  'rf-microneedling-aftercare',
  'hair-restoration',
  'small-joint-injections',
];

/**
 * `send.branch_cost_ratio`: the real sender's cost per step (makeSenderHandler on senderDeps, fed
 * by the real dispatcher through the in-process queue, on DynamoDB Local) with a 12-step, 4-topic,
 * 2-branch sequence, divided by its cost with today's linear sequence (the bundled one without its
 * conditions). The mailer answers at once, so the figure is the sender's own work (reads, path
 * resolution, render, writes), not SES's pacing. Each round seeds fresh due enrolments for both
 * sequences (leads with one or two of the four topics, each enrolment at a step on its path) and
 * runs both, alternating which goes first; the ratio is the median of the per-round ratios. The
 * DynamoDB requests per step are counted too: path resolution must not add any.
 */
export async function branchCostFigures(services: Services): Promise<Figure[]> {
  const tableName = await services.freshTable('send-branch');
  const env = services.lambdaEnv(tableName, { WORK_QUEUE_URL: 'http://localhost/bench-queue' });
  const senderEnv = parseEnv(senderEnvSchema, env);
  const doc = benchDocumentClient(services);
  const bundled = bundledEmails().sequences['exosome-aftercare']!;
  // Today's linear sequence: every regular step to every lead, no branch steps, no engagement settings.
  const { engagement: _settings, ...linearBase } = bundled;
  const linear = withVersion({
    ...linearBase,
    steps: bundled.steps.filter((step) => step.when?.engagement === undefined).map(({ when: _, ...step }) => step),
  });
  const branched = withVersion(branchedSequence(bundled));
  const table = { client: doc, tableName, dueShards: senderEnv.DUE_SHARDS };
  const versions = new DynamoSequenceVersions(table);
  await versions.save(linear);
  await versions.save(branched);
  // As on a stack whose move to keyed ids is done: suppression checks read one item.
  await migrateToKeyedIds(table, BENCH_IDENTITY_KEY);

  let requests = 0;
  doc.middlewareStack.add((next) => (args) => {
    requests++;
    return next(args);
  });

  let messageNumber = 0;
  const mailer: Mailer = { send: async () => ({ messageId: `bench-${messageNumber++}` }) };
  const counters = memoryCounters();
  const sender = makeSenderHandler(
    senderDeps(senderEnv, {
      signingKey: async () => Buffer.alloc(32, 9),
      identityKey: benchIdentityKey,
      mailer,
      counters,
      pacer: { take: async () => true },
    }),
  );
  const queue = new InProcessQueue({ maxReceives: 5, retryDelayMs: 500, concurrency: 4 });
  queue.attach((event) => sender(event, undefined as never));
  const { deps, settings } = dispatcherDeps(parseEnv(dispatcherEnvSchema, env), { queue: queue as WorkQueue });

  let seeded = 0;
  const runRound = async (sequence: CompiledSequence) => {
    const dueAt = new Date(Date.now() - 60_000);
    const items = Array.from({ length: STEPS_PER_ROUND }, (_, index) => {
      const number = seeded++;
      const leadId = leadIdFor(`branch.${number}.${tableName}@example.com`, BENCH_IDENTITY_KEY);
      const topics = [TOPICS[number % 4]!, ...(number % 3 === 0 ? [TOPICS[(number + 1) % 4]!] : [])];
      const lead = { ...leadRow(leadId, `branch.${number}@example.com`, dueAt.toISOString()), interests: topics };
      return [lead, enrolmentItem(enrolmentOnPath(leadId, sequence, dueAt, topics, index), senderEnv.DUE_SHARDS)];
    }).flat();
    await batchPut(doc, tableName, items);
    const sentBefore = counters.totals.StepSent ?? 0;
    const requestsBefore = requests;
    const { ms } = await timed(async () => {
      const dispatched = await dispatchDue(deps, settings);
      if (dispatched.enqueued !== STEPS_PER_ROUND) throw new Error(`dispatched ${dispatched.enqueued} due steps`);
      await queue.drain();
    });
    const sent = (counters.totals.StepSent ?? 0) - sentBefore;
    if (sent !== STEPS_PER_ROUND || queue.deadLetters.length > 0) {
      throw new Error(`sent ${sent} of ${STEPS_PER_ROUND} steps; ${queue.deadLetters.length} dead letters`);
    }
    return { msPerStep: ms / sent, requestsPerStep: (requests - requestsBefore) / sent };
  };

  const ratios: number[] = [];
  const per: Record<'linear' | 'branched', { ms: number[]; requests: number[] }> = {
    linear: { ms: [], requests: [] },
    branched: { ms: [], requests: [] },
  };
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const order = round % 2 === 0 ? (['linear', 'branched'] as const) : (['branched', 'linear'] as const);
    const result: Record<string, { msPerStep: number; requestsPerStep: number }> = {};
    for (const side of order) result[side] = await runRound(side === 'linear' ? linear : branched);
    const label = round < WARMUP_ROUNDS ? 'warm-up' : `round ${round - WARMUP_ROUNDS + 1}/${ROUNDS}`;
    progress(
      'send',
      `branch cost ${label}: linear ${result.linear!.msPerStep.toFixed(2)} ms/step, branched ${result.branched!.msPerStep.toFixed(2)} ms/step`,
    );
    if (round < WARMUP_ROUNDS) continue;
    ratios.push(result.branched!.msPerStep / result.linear!.msPerStep);
    for (const side of ['linear', 'branched'] as const) {
      per[side].ms.push(result[side]!.msPerStep);
      per[side].requests.push(result[side]!.requestsPerStep);
    }
  }
  return [
    { name: 'branch_cost_ratio', value: median(ratios), unit: 'x', goal: atMost(1.1) },
    { name: 'linear_ms_per_step', value: median(per.linear.ms), unit: 'ms (instant mailer)' },
    { name: 'branched_ms_per_step', value: median(per.branched.ms), unit: 'ms (instant mailer)' },
    { name: 'linear_requests_per_step', value: median(per.linear.requests), unit: 'DynamoDB requests' },
    { name: 'branched_requests_per_step', value: median(per.branched.requests), unit: 'DynamoDB requests' },
  ];
}

function withVersion(sequence: CompiledSequence): CompiledSequence {
  const { version: _, ...content } = sequence;
  return { ...content, version: contentVersion(content) };
}

/**
 * 12 steps: two for everyone, two per topic for four topics, and two engagement branches (a
 * booking-click step and an "inactive" step), built from the bundled sequence's compiled emails.
 */
function branchedSequence(bundled: CompiledSequence): CompiledSequence {
  const email = (index: number) => bundled.steps[index % bundled.steps.length]!;
  const step = (id: string, index: number, when?: CompiledStep['when']): CompiledStep => ({
    ...email(index),
    id,
    delay: index === 0 ? 'PT0S' : 'P2D',
    ...(when ? { when } : { when: undefined }),
  });
  const steps: CompiledStep[] = [step('everyone-first', 0)];
  TOPICS.forEach((topic, topicIndex) => {
    steps.push(step(`${topic}-1`, 1 + topicIndex, { topics: [topic] }));
  });
  TOPICS.forEach((topic, topicIndex) => {
    steps.push(step(`${topic}-2`, 5 + topicIndex, { topics: [topic] }));
  });
  steps.push(step('booking-nudge', 2, { engagement: 'booking-click' }));
  steps.push(step('keep-writing', 3, { engagement: 'inactive' }));
  steps.push(step('everyone-last', 6));
  return {
    ...bundled,
    id: bundled.id,
    engagement: { bookingClickWait: 'PT48H', inactiveAfter: 3, inactiveSlowdown: 'P7D' },
    steps: steps.map(({ when, ...rest }) => (when ? { ...rest, when } : rest)),
  };
}

/** An enrolment due now at a step on the lead's regular path (spread over the path by `index`). */
function enrolmentOnPath(leadId: string, sequence: CompiledSequence, dueAt: Date, topics: Interest[], index: number) {
  const context = pathContext(sequence.steps, topics);
  const path: number[] = [];
  for (let at = nextStepOnPath(sequence.steps, -1, context); at >= 0; at = nextStepOnPath(sequence.steps, at, context))
    path.push(at);
  return enrolment(leadId, sequence, dueAt, path[index % path.length]!);
}
