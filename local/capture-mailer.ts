import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { recordAwsCallsAs } from '../functions/adapters/aws-call-recorder';
import { captureMailerEnvSchema, parseEnv } from '../functions/config/env';
import type { Counters } from '../functions/drip/send-step';
import { makeCaptureMailerHandler } from '../functions/lambdas/capture-mailer/handler';
import { CAPTURE_MAILER_SOURCE } from '../functions/lambdas/capture-mailer/stream-source';
import { captureMailerDeps } from '../functions/lambdas/capture-mailer/wiring';
import type { Overrides } from '../functions/lambdas/wiring';
import type { SendCaptureEmailDeps } from '../functions/lead/send-capture-email';
import { type StreamBatchFailure, type StreamMapping, startStreamMapping } from './stream-mapping';

export interface LocalCaptureMailerOptions {
  env: Record<string, string | undefined>;
  overrides: Overrides & { counters: Counters };
  /** Where the mapping keeps its position (the stack's data folder); in memory when omitted. */
  checkpointFile?: string;
  pollIntervalMs?: number;
  onFailure?: (failure: StreamBatchFailure) => void;
  /** Tests only: wraps the handler's dependencies (to fail a store call, say). */
  adjust?: (deps: SendCaptureEmailDeps) => SendCaptureEmailDeps;
}

/**
 * The capture mailer as Lambda runs it, locally: the same handler, fed by the local stand-in
 * for the event source mapping on DynamoDB Local's stream of the table, with the settings the
 * deployed mapping has.
 */
export async function startLocalCaptureMailer(options: LocalCaptureMailerOptions): Promise<StreamMapping> {
  const env = parseEnv(captureMailerEnvSchema, options.env);
  recordAwsCallsAs('capture-mailer', env);
  const deps = captureMailerDeps(env, options.overrides);
  const handler = makeCaptureMailerHandler(options.adjust ? options.adjust(deps) : deps);
  // The stream's ARN is read by a local tool, not the function: not recorded.
  recordAwsCallsAs(undefined);
  const endpoint = env.DYNAMODB_ENDPOINT;
  const admin = new DynamoDBClient({ endpoint });
  const { Table } = await admin.send(new DescribeTableCommand({ TableName: env.TABLE_NAME }));
  admin.destroy();
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${env.TABLE_NAME} has no stream`);
  const source = CAPTURE_MAILER_SOURCE;
  return startStreamMapping({
    streams: new DynamoDBStreamsClient({ endpoint }),
    streamArn,
    handler: async (event: DynamoDBStreamEvent) => handler(event, undefined as never),
    batchSize: source.batchSize,
    filters: [source.filter],
    bisectBatchOnError: source.bisectBatchOnError,
    maximumRetryAttempts: source.maximumRetryAttempts,
    startingPosition: 'TRIM_HORIZON',
    checkpointFile: options.checkpointFile,
    pollIntervalMs: options.pollIntervalMs ?? 50,
    retryDelayMs: 200,
    onFailure: (failure) => {
      options.overrides.counters.add('CaptureEmailFailed');
      options.onFailure?.(failure);
    },
  });
}
