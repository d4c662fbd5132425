import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { dynamoTable } from '../../adapters/clients/dynamodb';
import { sqsClient } from '../../adapters/clients/sqs';
import { DynamoDueIndex } from '../../adapters/dynamodb/due-index';
import { DynamoSequenceVersions, storeBundledVersions } from '../../adapters/dynamodb/sequence-versions';
import { SqsWorkQueue } from '../../adapters/sqs-work-queue';
import type { DispatcherEnv } from '../../config/env';
import type { DispatchDeps, DispatchSettings } from '../../drip/dispatch';
import { logger } from '../../observability/logger';
import { bundledEmails } from '../../sequence/build-output/email-bundle';
import { clockFrom, type Overrides } from '../wiring';

export function dispatcherDeps(
  env: DispatcherEnv,
  overrides: Overrides = {},
): { deps: DispatchDeps; settings: DispatchSettings; prepare: () => Promise<void> } {
  recordAwsCallsAs('dispatcher', env);
  const table = dynamoTable(env);
  const clock = clockFrom(overrides);
  return {
    deps: {
      due: new DynamoDueIndex(table),
      queue: overrides.queue ?? new SqsWorkQueue(sqsClient(), env.WORK_QUEUE_URL),
      clock,
      log: logger,
    },
    settings: {
      shards: env.DUE_SHARDS,
      leaseMs: env.DISPATCH_LEASE_SECONDS * 1000,
      maxPerRun: env.DISPATCH_MAX_PER_RUN,
    },
    prepare: () =>
      storeBundledVersions(
        new DynamoSequenceVersions(table),
        Object.values(bundledEmails().sequences),
        clock.now().toISOString(),
      ),
  };
}
