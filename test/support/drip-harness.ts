import { randomBytes } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { leadRow } from '../../bench/seed';
import { migrateToKeyedIds } from '../../functions/adapters/dynamodb/keyed-id-migration';
import { keys } from '../../functions/adapters/dynamodb/keys';
import { captureEmailItem, enrolmentItem } from '../../functions/adapters/dynamodb/lead-repository';
import { dispatcherEnvSchema, parseEnv, senderEnvSchema } from '../../functions/config/env';
import type { WorkQueue } from '../../functions/drip/ports';
import { makeDispatcherHandler } from '../../functions/lambdas/dispatcher/handler';
import { dispatcherDeps } from '../../functions/lambdas/dispatcher/wiring';
import { makeSenderHandler } from '../../functions/lambdas/sender/handler';
import { senderDeps } from '../../functions/lambdas/sender/wiring';
import type { Overrides } from '../../functions/lambdas/wiring';
import { checkEmailAddress } from '../../functions/lead/email-address';
import type { CaptureEmailIntent, CaptureEmailKind, Enrolment, Submission } from '../../functions/lead/lead';
import type { Mailer } from '../../functions/mail/outgoing-email';
import { memoryCounters } from '../../functions/observability/metrics';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import type { Clock } from '../../functions/shared/clock';
import { InProcessQueue } from '../../local/in-process-queue';
import { localEnvironment } from '../../local/local-env';
import { TEST_IDENTITY_KEY, testIdentityKey, testLeadId } from './identity';
import { freshTable, testEndpoints } from './services';

export const DRIP_KEY = randomBytes(32);
export const noPacing = { take: async () => true };

/** A settable clock for tests. */
export class TestClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(instant: Date): void {
    this.current = new Date(instant);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Records every send; optionally fails some. Wraps a real mailer so the local outbox fills too. */
export function countingMailer(inner: Mailer, fault?: () => Error | undefined) {
  const sends: { to: string; tags: Record<string, string> }[] = [];
  const mailer: Mailer = {
    async send(email) {
      const error = fault?.();
      if (error) throw error;
      const result = await inner.send(email);
      sends.push({ to: email.to[0]!, tags: email.tags });
      return result;
    },
  };
  return { mailer, sends };
}

export async function dripHarness(options: {
  clock: Clock;
  shards?: number;
  extraEnv?: Record<string, string>;
  /** Off: a table as a stack deployed before keyed ids left it, its migration not run yet. */
  keyedIdsMigrated?: boolean;
}) {
  const { dynamo, ses } = testEndpoints();
  const { tableName, doc } = await freshTable('drip');
  // A stack whose move to keyed ids is done (npm run migrate-ids on a new table only writes its
  // marker): the functions derive ids without reads, as in AWS after the migration.
  if (options.keyedIdsMigrated !== false) {
    await migrateToKeyedIds({ client: doc, tableName, dueShards: options.shards ?? 4 }, TEST_IDENTITY_KEY);
  }
  const env = localEnvironment(
    { port: 3998, dynamoEndpoint: dynamo, sesEndpoint: ses, tableName },
    { WORK_QUEUE_URL: 'http://localhost/queue', DUE_SHARDS: String(options.shards ?? 4), ...options.extraEnv },
  );
  const sequence = Object.values(bundledEmails().sequences)[0]!;

  /** One dispatcher with its own queue feeding one sender, as one Lambda of each would be. */
  const worker = (overrides: Overrides & { mailer: Mailer; maxReceives?: number }) => {
    const queue = new InProcessQueue({ maxReceives: overrides.maxReceives ?? 50, retryDelayMs: 5, concurrency: 4 });
    const counters = memoryCounters();
    const sender = makeSenderHandler(
      senderDeps(parseEnv(senderEnvSchema, env), {
        signingKey: async () => DRIP_KEY,
        identityKey: testIdentityKey,
        pacer: noPacing,
        clock: options.clock,
        counters,
        ...overrides,
      }),
    );
    const { deps, settings } = dispatcherDeps(parseEnv(dispatcherEnvSchema, env), {
      clock: options.clock,
      queue: queue as WorkQueue,
      ...overrides,
    });
    const dispatcher = makeDispatcherHandler(deps, settings);
    return {
      queue,
      counters,
      attach: () => queue.attach((event) => sender(event, undefined as never)),
      dispatch: () => dispatcher({}, undefined as never),
      due: deps.due,
    };
  };

  /** Writes a lead and an active enrolment due at `dueAt`, as the capture path would. */
  const seedLead = async (email: string, dueAt: Date, extra: Partial<Enrolment> = {}) => {
    const check = checkEmailAddress(email);
    if (!check.ok) throw new Error(check.reason);
    const leadId = testLeadId(check.normalised);
    const createdAt = dueAt.toISOString();
    const enrolment: Enrolment = {
      leadId,
      sequenceId: sequence.id,
      sequenceVersion: sequence.version,
      status: 'active',
      stepIndex: 0,
      nextSendAt: createdAt,
      timeZone: 'America/New_York',
      enrolledAt: createdAt,
      ...extra,
    };
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: leadRow(leadId, check.normalised, createdAt) } },
          { Put: { TableName: tableName, Item: enrolmentItem(enrolment, Number(env.DUE_SHARDS)) } },
        ],
      }),
    );
    return leadId;
  };

  /**
   * A submission of that lead and its confirmation email, stored as the capture path leaves one
   * it could not send: pending, due at `dueAt` for the sender to retry.
   */
  const seedCaptureEmail = async (leadId: string, dueAt: Date, kind: CaptureEmailKind = 'confirmation') => {
    const receivedAt = new Date(dueAt.getTime() - 10 * 60_000).toISOString();
    const submissionId = `${receivedAt}#seeded`;
    const submission: Submission = {
      leadId,
      submissionId,
      receivedAt,
      firstName: 'Robin',
      preferredContact: 'email',
      interests: ['fraxel-aftercare'],
      attribution: {},
    };
    const intent: CaptureEmailIntent = {
      leadId,
      submissionId,
      kind,
      status: 'pending',
      createdAt: receivedAt,
      retryAt: dueAt.toISOString(),
      attempts: 1,
    };
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.submission(leadId, submissionId), type: 'submission', ...submission },
            },
          },
          { Put: { TableName: tableName, Item: captureEmailItem(intent, Number(env.DUE_SHARDS)) } },
        ],
      }),
    );
    return { submissionId, kind };
  };

  return { env, tableName, doc, sequence, worker, seedLead, seedCaptureEmail };
}
