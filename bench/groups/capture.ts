import { randomUUID } from 'node:crypto';
import { migrateToKeyedIds } from '../../functions/adapters/dynamodb/keyed-id-migration';
import { captureEnvSchema, parseEnv } from '../../functions/config/env';
import { makeCaptureHandler } from '../../functions/lambdas/capture/handler';
import { captureDeps } from '../../functions/lambdas/capture/wiring';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { apiEvent, lambdaContext } from '../../test/support/api-event';
import { validLead } from '../../test/support/capture-harness';
import type { BenchGroup } from '../group';
import { atLeast, type Figure } from '../report';
import { benchIdentityKey } from '../seed';
import { benchDocumentClient, type Services } from '../services';
import { closedLoop, median, percentile, progress } from '../stats';
import { directCapture } from './capture-direct';
import { bundleFigures } from './capture-load';

const CONCURRENCY = 8;
const REQUESTS_PER_ROUND = 100;
const ROUNDS = 16;
/**
 * DynamoDB Local (Java) needs a long warm-up under this load: its CPU per request falls from
 * about 25 ms to under 4 ms, over 20 to 70 s on this machine depending on what else runs on
 * it. So the variants run in turns until DynamoDB Local's CPU per request stops falling (the
 * last WARMUP_WINDOW turns within 3 % of the WARMUP_WINDOW before), between these bounds.
 */
const WARMUP_MIN_MS = 20_000;
const WARMUP_MAX_MS = 90_000;
const WARMUP_WINDOW = 4;

export const captureGroup: BenchGroup = {
  async run(context) {
    return [...(await throughput(await context.services())), ...(await bundleFigures())];
  },
};

type Variant = 'handler' | 'direct' | 'directAll';

/**
 * The real handler, wired as in Lambda (captureDeps on the parsed environment with the
 * default rate limits, middy, zod, the SES adapter), against its DynamoDB writes issued
 * directly, on one table of one DynamoDB Local, each driven by the same closed loop of 8
 * concurrent requests. Every request is a new visitor: its own email and client address.
 * Rounds rotate which variant goes first; each ratio is the median of per-round ratios, so
 * drift on a shared machine cancels out. The handler's two SES sends go to the local SES in
 * this process, so their cost is on the handler's side, as SES latency is in AWS.
 * - throughput_ratio: baseline = the lead's writes (one transaction, two updates).
 * - throughput_ratio_all_writes: baseline also makes the two rate-limit counter updates the
 *   handler makes, so the ratio shows what is not storage (validation, email, SES, middleware).
 */
async function throughput(services: Services): Promise<Figure[]> {
  const tableName = await services.freshTable('capture');
  const env = parseEnv(captureEnvSchema, services.lambdaEnv(tableName));
  const signingKey = Buffer.alloc(32, 7);
  const handler = makeCaptureHandler(
    captureDeps(env, { signingKey: async () => signingKey, identityKey: benchIdentityKey }),
  );
  const sequence = bundledEmails().sequences[env.DEFAULT_SEQUENCE_ID];
  if (!sequence) throw new Error(`no sequence ${env.DEFAULT_SEQUENCE_ID} in emails/dist/bundle.json`);
  const doc = benchDocumentClient(services);
  // As on a stack whose move to keyed ids is done (npm run migrate-ids): ids cost no read.
  await migrateToKeyedIds({ client: doc, tableName, dueShards: env.DUE_SHARDS }, await benchIdentityKey());
  const base = { doc, tableName, dueShards: env.DUE_SHARDS, sequence, practiceName: env.PRACTICE_NAME };
  const direct = directCapture({ ...base, withRateLimitWrites: false });
  const directAll = directCapture({ ...base, withRateLimitWrites: true });

  const run = randomUUID().slice(0, 8);
  let visitor = 0;
  const nextVisitor = () => {
    visitor++;
    return {
      email: `v${visitor}.${run}@example.com`,
      ip: `10.${(visitor >> 16) & 255}.${(visitor >> 8) & 255}.${visitor & 255}`,
    };
  };
  const drive = async (variant: Variant, count: number) => {
    if (variant === 'handler') await services.clearOutbox();
    return closedLoop(count, CONCURRENCY, async () => {
      const { email, ip } = nextVisitor();
      if (variant === 'direct') return direct(email, ip);
      if (variant === 'directAll') return directAll(email, ip);
      const event = apiEvent({
        path: '/leads',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(validLead(email)),
        sourceIp: ip,
      });
      const response = await handler(event, lambdaContext);
      if (response.statusCode !== 202)
        throw new Error(`capture handler answered ${response.statusCode}: ${response.body}`);
    });
  };

  const variants: Variant[] = ['handler', 'direct', 'directAll'];
  const warmup = await warmUp(services, async () => {
    for (const variant of variants) await drive(variant, REQUESTS_PER_ROUND);
    return variants.length * REQUESTS_PER_ROUND;
  });
  progress('capture', `warmed up in ${(warmup.ms / 1000).toFixed(0)} s (DynamoDB Local: ${warmup.trend})`);

  const rps: Record<Variant, number[]> = { handler: [], direct: [], directAll: [] };
  const cpuMsPerRequest: Record<Variant, number[]> = { handler: [], direct: [], directAll: [] };
  const dynamoCpuMsPerRequest: Record<Variant, number[]> = { handler: [], direct: [], directAll: [] };
  const latencies: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = variants.map((_, index) => variants[(index + round) % variants.length]!);
    for (const variant of order) {
      const dynamoBefore = services.dynamoCpuMs();
      const { elapsedMs, latenciesMs, cpuMs } = await drive(variant, REQUESTS_PER_ROUND);
      const dynamoAfter = services.dynamoCpuMs();
      if (dynamoBefore !== undefined && dynamoAfter !== undefined) {
        dynamoCpuMsPerRequest[variant].push((dynamoAfter - dynamoBefore) / REQUESTS_PER_ROUND);
      }
      rps[variant].push((REQUESTS_PER_ROUND * 1000) / elapsedMs);
      cpuMsPerRequest[variant].push(cpuMs / REQUESTS_PER_ROUND);
      if (variant === 'handler') latencies.push(...latenciesMs);
    }
    progress(
      'capture',
      `round ${round + 1}/${ROUNDS}: handler ${rps.handler.at(-1)!.toFixed(0)} req/s, ` +
        `lead writes ${rps.direct.at(-1)!.toFixed(0)} req/s, with rate-limit writes ${rps.directAll.at(-1)!.toFixed(0)} req/s`,
    );
  }
  await services.clearOutbox();
  const dynamoCpu = (variant: Variant): Figure[] =>
    dynamoCpuMsPerRequest[variant].length === ROUNDS
      ? [
          {
            name: `${variant === 'handler' ? 'handler' : 'direct'}_dynamodb_cpu_ms_per_req`,
            value: median(dynamoCpuMsPerRequest[variant]),
            unit: 'ms',
          },
        ]
      : [];
  const ratioTo = (baseline: number[]) => median(rps.handler.map((value, round) => value / baseline[round]!));
  return [
    { name: 'throughput_ratio', value: ratioTo(rps.direct), unit: 'x', goal: atLeast(0.8) },
    { name: 'throughput_ratio_all_writes', value: ratioTo(rps.directAll), unit: 'x' },
    { name: 'handler_rps', value: median(rps.handler), unit: 'req/s' },
    { name: 'direct_rps', value: median(rps.direct), unit: 'req/s' },
    { name: 'direct_all_writes_rps', value: median(rps.directAll), unit: 'req/s' },
    // CPU of this Node process per request: the handler's side includes the in-process SES.
    { name: 'handler_cpu_ms_per_req', value: median(cpuMsPerRequest.handler), unit: 'ms' },
    { name: 'direct_cpu_ms_per_req', value: median(cpuMsPerRequest.direct), unit: 'ms' },
    // CPU of DynamoDB Local (the Java child) per request.
    ...dynamoCpu('handler'),
    ...dynamoCpu('direct'),
    { name: 'p50_ms', value: percentile(latencies, 50), unit: 'ms' },
    { name: 'p99_ms', value: percentile(latencies, 99), unit: 'ms' },
  ];
}

/** Runs `turn` until DynamoDB Local's CPU per request has settled (see WARMUP_*). */
async function warmUp(services: Services, turn: () => Promise<number>) {
  const started = performance.now();
  const perRequest: number[] = [];
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  for (;;) {
    const before = services.dynamoCpuMs();
    const requests = await turn();
    const after = services.dynamoCpuMs();
    const ms = performance.now() - started;
    if (before === undefined || after === undefined) {
      if (ms >= 2 * WARMUP_MIN_MS) return { ms, trend: 'CPU not readable here, fixed warm-up' };
      continue;
    }
    perRequest.push((after - before) / requests);
    const last = perRequest.slice(-WARMUP_WINDOW);
    const previous = perRequest.slice(-2 * WARMUP_WINDOW, -WARMUP_WINDOW);
    const settled = previous.length === WARMUP_WINDOW && mean(last) >= 0.97 * mean(previous);
    if ((settled && ms >= WARMUP_MIN_MS) || ms >= WARMUP_MAX_MS) {
      return { ms, trend: `${perRequest[0]!.toFixed(1)} → ${mean(last).toFixed(1)} ms CPU per request` };
    }
  }
}
