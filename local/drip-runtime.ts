import { recordAwsCallsAs } from '../functions/adapters/aws-call-recorder';
import {
  bookedEnvSchema,
  confirmEnvSchema,
  dispatcherEnvSchema,
  parseEnv,
  senderEnvSchema,
  sesEventsEnvSchema,
  unsubscribeEnvSchema,
} from '../functions/config/env';
import { makeBookedHandler } from '../functions/lambdas/booked/handler';
import { bookedDeps } from '../functions/lambdas/booked/wiring';
import { makeConfirmOptInHandler } from '../functions/lambdas/confirm-opt-in/handler';
import { confirmDeps } from '../functions/lambdas/confirm-opt-in/wiring';
import { makeDispatcherHandler } from '../functions/lambdas/dispatcher/handler';
import { dispatcherDeps } from '../functions/lambdas/dispatcher/wiring';
import { makeSenderHandler } from '../functions/lambdas/sender/handler';
import { senderDeps } from '../functions/lambdas/sender/wiring';
import { makeSesEventsHandler } from '../functions/lambdas/ses-events/handler';
import { sesEventsDeps } from '../functions/lambdas/ses-events/wiring';
import { makeUnsubscribeHandler } from '../functions/lambdas/unsubscribe/handler';
import { unsubscribeDeps } from '../functions/lambdas/unsubscribe/wiring';
import { mailerFrom } from '../functions/lambdas/wiring';
import type { Mailer } from '../functions/mail/outgoing-email';
import { memoryCounters } from '../functions/observability/metrics';
import type { SigningKeyProvider } from '../functions/shared/signing-key';
import type { ControllableClock } from './controllable-clock';
import { fastForward } from './fast-forward';
import { InProcessQueue } from './in-process-queue';
import { withSimulatedDelivery } from './simulated-ses-events';

export interface DripRuntimeOptions {
  env: Record<string, string>;
  clock: ControllableClock;
  signingKey: SigningKeyProvider;
  webhookKey: SigningKeyProvider;
  identityKey: SigningKeyProvider;
  mailer?: Mailer;
}

/**
 * The drip engine as it runs locally: the same dispatcher, sender, ses-events, unsubscribe and
 * booked handlers as in Lambda, with an in-process queue for SQS and a timer for the scheduler.
 */
export function createDripRuntime(options: DripRuntimeOptions) {
  const { clock } = options;
  const env = { ...options.env, WORK_QUEUE_URL: 'http://localhost/in-process-queue' };
  const queue = new InProcessQueue({ maxReceives: 5, retryDelayMs: 500, concurrency: 4 });
  const keys = {
    signingKey: options.signingKey,
    webhookKey: options.webhookKey,
    identityKey: options.identityKey,
    clock,
  };

  const sesEvents = makeSesEventsHandler(sesEventsDeps(parseEnv(sesEventsEnvSchema, env), keys));
  const sendToSesEvents = (event: unknown) => sesEvents(event, undefined as never);
  const senderEnv = parseEnv(senderEnvSchema, env);
  // The sender's mailer is built here (to simulate delivery events), outside senderDeps.
  recordAwsCallsAs('sender', senderEnv);
  const mailer = withSimulatedDelivery(options.mailer ?? mailerFrom(senderEnv, {}), sendToSesEvents, () => clock.now());
  const counters = memoryCounters();
  const sender = makeSenderHandler(senderDeps(senderEnv, { ...keys, mailer, counters }));
  queue.attach((event) => sender(event, undefined as never));

  const dispatcherEnv = parseEnv(dispatcherEnvSchema, env);
  const { deps, settings, prepare } = dispatcherDeps(dispatcherEnv, { ...keys, queue });
  const dispatcher = makeDispatcherHandler(deps, settings, prepare);
  const dispatch = () => dispatcher({}, undefined as never);

  let running: Promise<unknown> | undefined;
  /** One scheduler tick; overlapping ticks share the run in progress, as the lease makes them safe anyway. */
  const tick = () => {
    running ??= dispatch().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    queue,
    counters,
    tick,
    sendToSesEvents,
    unsubscribe: makeUnsubscribeHandler(unsubscribeDeps(parseEnv(unsubscribeEnvSchema, env), keys)),
    booked: makeBookedHandler(bookedDeps(parseEnv(bookedEnvSchema, env), keys)),
    confirmOptIn: makeConfirmOptInHandler(confirmDeps(parseEnv(confirmEnvSchema, env), keys)),
    advance: (ms: number) =>
      fastForward(ms, { clock, due: deps.due, shards: settings.shards, dispatch: tick, drain: () => queue.drain() }),
    startTimer(intervalMs: number) {
      const timer = setInterval(() => void tick().catch(() => undefined), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
