import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { parseEnv } from '../functions/config/env';
import { webhookDelivererEnvSchema, webhookEventsEnvSchema } from '../functions/config/webhook-env';
import { makeWebhookDelivererHandler } from '../functions/lambdas/webhook-deliverer/handler';
import { webhookDelivererDeps } from '../functions/lambdas/webhook-deliverer/wiring';
import { makeWebhookEventsHandler } from '../functions/lambdas/webhook-events/handler';
import { webhookEventsDeps } from '../functions/lambdas/webhook-events/wiring';
import type { Mailer } from '../functions/mail/outgoing-email';
import type { Clock } from '../functions/shared/clock';
import { EVENT_SOURCE_FILTERS } from '../functions/webhooks/events';
import type { DeliveryMessage, DeliveryQueue } from '../functions/webhooks/ports';
import { type StreamMapping, startStreamMapping } from './stream-mapping';

/**
 * The webhook queue as it runs locally: each message is handed to the real deliverer after its
 * delay (real seconds, as SQS would wait), and dead letters are kept in a list.
 */
export class LocalDeliveryQueue implements DeliveryQueue {
  readonly deadLetters: DeliveryMessage[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  private handler: ((message: DeliveryMessage) => Promise<unknown>) | undefined;

  attach(handler: (message: DeliveryMessage) => Promise<unknown>): void {
    this.handler = handler;
  }

  async send(message: DeliveryMessage, delaySeconds: number): Promise<void> {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const run = Promise.resolve(this.handler?.(message)).catch(() => undefined);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }, delaySeconds * 1000);
    timer.unref();
    this.timers.add(timer);
  }

  async deadLetter(message: DeliveryMessage): Promise<void> {
    this.deadLetters.push(message);
  }

  /** Waits for the attempts under way (not for retries scheduled later). */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/**
 * Outgoing webhooks on the local stack: the same events and deliverer handlers as in Lambda,
 * fed by the local stand-in for the stream's event source mapping (with the same filter) and
 * the in-process queue above. WEBHOOKS_LOCAL_DEVELOPMENT lets a receiver on this machine
 * (http://localhost:...) be registered; every other SSRF rule holds.
 */
export function localWebhooks(options: {
  env: Record<string, string>;
  clock: Clock;
  dataDir?: string;
  mailer?: Mailer;
}) {
  const queue = new LocalDeliveryQueue();
  const env: Record<string, string> = {
    ...options.env,
    WEBHOOK_QUEUE_URL: 'http://localhost/in-process-webhooks',
    WEBHOOK_DEAD_LETTER_QUEUE_URL: 'http://localhost/in-process-webhooks-dlq',
  };
  const deliverer = makeWebhookDelivererHandler(
    webhookDelivererDeps(parseEnv(webhookDelivererEnvSchema, env), {
      clock: options.clock,
      deliveryQueue: queue,
      ...(options.mailer ? { mailer: options.mailer } : {}),
    }),
  );
  queue.attach((message) =>
    deliverer({ Records: [{ messageId: randomUUID(), body: JSON.stringify(message) }] } as never),
  );
  const events = makeWebhookEventsHandler(
    webhookEventsDeps(parseEnv(webhookEventsEnvSchema, env), { clock: options.clock, deliveryQueue: queue }),
  );
  let mapping: StreamMapping | undefined;

  return {
    queue,
    async start(): Promise<void> {
      const client = new DynamoDBClient({ endpoint: env.DYNAMODB_ENDPOINT });
      const { Table } = await client.send(new DescribeTableCommand({ TableName: env.TABLE_NAME }));
      client.destroy();
      const streamArn = Table?.LatestStreamArn;
      if (!streamArn) throw new Error(`The local table ${env.TABLE_NAME} has no stream`);
      mapping = startStreamMapping({
        streams: new DynamoDBStreamsClient({ endpoint: env.DYNAMODB_ENDPOINT }),
        streamArn,
        handler: events,
        batchSize: 50,
        filters: EVENT_SOURCE_FILTERS,
        bisectBatchOnError: true,
        maximumRetryAttempts: 5,
        startingPosition: 'LATEST',
        onFailure: (failure) => console.error('Webhook events failed for good:', failure.reason),
        ...(options.dataDir ? { checkpointFile: join(options.dataDir, 'webhook-events.checkpoint') } : {}),
        pollIntervalMs: 200,
      });
    },
    /** Until every table change so far has been turned into deliveries and their first attempts ran. */
    async drain(): Promise<void> {
      await mapping?.drain();
      // First attempts are queued with no delay: let their timers fire, then wait for them.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await queue.settle();
    },
    async stop(): Promise<void> {
      queue.stop();
      await mapping?.stop();
    },
  };
}
