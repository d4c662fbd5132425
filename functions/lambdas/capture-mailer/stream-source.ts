/**
 * How the capture mailer reads the table's stream: the event source mapping's settings, shared
 * by the CDK stack (infra/constructs/capture.ts) and the local stream mapping (local/), so the
 * two cannot drift apart.
 */
export const CAPTURE_MAILER_SOURCE = {
  /** Only new capture-email items: their later updates (claimed, sent) and other items never reach it. */
  filter: { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['capture-email'] } } } },
  batchSize: 10,
  bisectBatchOnError: true,
  /** Then the batch goes to the on-failure queue, which is alarmed. */
  maximumRetryAttempts: 5,
  /** Lambda's default batching window is 0: a form post's emails leave at once. */
  maxBatchingWindowSeconds: 0,
} as const;
