import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { WorkMessage } from '../functions/drip/messages';
import type { WorkQueue } from '../functions/drip/ports';

type SqsHandler = (event: SQSEvent, context: never) => Promise<SQSBatchResponse | undefined>;

interface Delivery {
  id: string;
  body: string;
  receives: number;
}

/**
 * Stands in for SQS and its event source: each message is handed to the real sender handler
 * as a one-record SQS event; a reported failure is redelivered after a delay, and after
 * `maxReceives` it goes to the dead-letter list, as the queue's redrive policy would.
 */
export class InProcessQueue implements WorkQueue {
  readonly deadLetters: WorkMessage[] = [];
  private readonly pending: Delivery[] = [];
  private inFlight = 0;
  private scheduled = 0;
  private sequence = 0;
  private idleWaiters: (() => void)[] = [];
  private handler: SqsHandler | undefined;
  private abandoned = false;

  constructor(private readonly options: { maxReceives: number; retryDelayMs: number; concurrency: number }) {}

  /** Set after construction: the sender's dependencies need the queue's siblings first. */
  attach(handler: SqsHandler): void {
    this.handler = handler;
    this.pump();
  }

  async send(messages: WorkMessage[]): Promise<{ failed: WorkMessage[] }> {
    if (this.abandoned) return { failed: messages };
    for (const message of messages) {
      this.pending.push({ id: `local-${++this.sequence}`, body: JSON.stringify(message), receives: 0 });
    }
    this.pump();
    return { failed: [] };
  }

  get depth(): number {
    return this.pending.length + this.inFlight + this.scheduled;
  }

  /** Drops everything still queued and stops taking work, as a crashed process would. */
  abandon(): void {
    this.pending.length = 0;
    this.handler = undefined;
    this.abandoned = true;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves once nothing is queued, running or waiting for a retry. */
  drain(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.handler && this.inFlight < this.options.concurrency && this.pending.length > 0) {
      const delivery = this.pending.shift()!;
      this.inFlight++;
      void this.deliver(delivery).finally(() => {
        this.inFlight--;
        this.pump();
        this.notifyIfIdle();
      });
    }
  }

  private async deliver(delivery: Delivery): Promise<void> {
    delivery.receives++;
    let failed = true;
    try {
      const response = await this.handler!(
        { Records: [{ messageId: delivery.id, body: delivery.body } as SQSEvent['Records'][number]] },
        undefined as never,
      );
      failed = (response?.batchItemFailures ?? []).some((failure) => failure.itemIdentifier === delivery.id);
    } catch {
      failed = true;
    }
    if (!failed) return;
    if (delivery.receives >= this.options.maxReceives) {
      this.deadLetters.push(JSON.parse(delivery.body));
      return;
    }
    this.scheduled++;
    setTimeout(() => {
      this.scheduled--;
      if (this.abandoned) return;
      this.pending.push(delivery);
      this.pump();
      this.notifyIfIdle();
    }, this.options.retryDelayMs).unref();
  }

  private notifyIfIdle(): void {
    if (this.depth !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
