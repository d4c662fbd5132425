import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RawMessageStore } from '../reply/ports';
import { MAX_MESSAGE_BYTES } from './mime-message';

/** Received messages as SES's receipt rule stored them: `<prefix><SES message id>`. */
export class S3RawMessages implements RawMessageStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  async get(messageId: string): Promise<Buffer | undefined> {
    try {
      const result = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${messageId}` }),
      );
      if ((result.ContentLength ?? 0) > MAX_MESSAGE_BYTES) return Buffer.alloc(MAX_MESSAGE_BYTES + 1);
      return Buffer.from((await result.Body?.transformToByteArray()) ?? []);
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}

/** The local SMTP server's store: messages it accepted, by id, until the handler has read them. */
export class MemoryRawMessages implements RawMessageStore {
  private readonly messages = new Map<string, Buffer>();
  put(messageId: string, raw: Buffer): void {
    this.messages.set(messageId, raw);
  }
  async get(messageId: string): Promise<Buffer | undefined> {
    const raw = this.messages.get(messageId);
    this.messages.delete(messageId);
    return raw;
  }
}
