import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { WorkMessage } from '../drip/messages';
import type { WorkQueue } from '../drip/ports';

const BATCH = 10;

export class SqsWorkQueue implements WorkQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: WorkMessage[]): Promise<{ failed: WorkMessage[] }> {
    const batches: WorkMessage[][] = [];
    for (let start = 0; start < messages.length; start += BATCH) batches.push(messages.slice(start, start + BATCH));
    const failed = await Promise.all(batches.map((batch) => this.sendBatch(batch)));
    return { failed: failed.flat() };
  }

  private async sendBatch(batch: WorkMessage[]): Promise<WorkMessage[]> {
    try {
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
        }),
      );
      return (result.Failed ?? []).map((entry) => batch[Number(entry.Id)]!).filter(Boolean);
    } catch {
      return batch;
    }
  }
}
