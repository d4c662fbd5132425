import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { dynamoTable } from '../../adapters/clients/dynamodb';
import { DynamoLeadRepository } from '../../adapters/dynamodb/lead-repository';
import { PublishedSequenceCatalog } from '../../adapters/dynamodb/published-sequences';
import type { ConfirmEnv } from '../../config/env';
import { logger } from '../../observability/logger';
import { captureBundle } from '../../sequence/build-output/capture-bundle';
import { clockFrom, type Overrides, pagePracticeFrom } from '../wiring';
import type { ConfirmHandlerDeps } from './handler';

export function confirmDeps(env: ConfirmEnv, overrides: Overrides = {}): ConfirmHandlerDeps {
  recordAwsCallsAs('confirm-opt-in', env);
  const table = dynamoTable(env);
  const clock = clockFrom(overrides);
  return {
    optIns: new DynamoLeadRepository(table),
    // A confirmed lead starts on the version published now, as a single opt-in lead would.
    sequences: new PublishedSequenceCatalog({ table, bundle: captureBundle(), clock, log: logger }),
    clock,
    log: logger,
    settings: { defaultSequenceId: env.DEFAULT_SEQUENCE_ID, practiceTimeZone: env.PRACTICE_TIME_ZONE },
    practice: pagePracticeFrom(env),
    siteUrl: env.SITE_URL,
  };
}
