import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { dynamoTable } from '../../adapters/clients/dynamodb';
import { DynamoEnrolmentIndex } from '../../adapters/dynamodb/enrolment-index';
import { readPointer } from '../../adapters/dynamodb/published-sequences';
import { readVersionReview } from '../../adapters/dynamodb/sequence-versions';
import type { MetricSink } from '../../admin/ports';
import type { ReviewCheckDeps } from '../../admin/review-expiry';
import type { BaseEnv } from '../../config/env';
import { logger } from '../../observability/logger';
import { captureBundle } from '../../sequence/build-output/capture-bundle';
import { clockFrom, type Overrides } from '../wiring';

/**
 * The daily clinical-review check. Kept apart from the admin wiring so its function does not
 * carry mjml and the email sources: it reads the published pointers, the versions active
 * enrolments are pinned to (from the due index) and those versions' reviews.
 */
export function reviewCheckDeps(env: BaseEnv, metrics: MetricSink, overrides: Overrides = {}): ReviewCheckDeps {
  recordAwsCallsAs('admin-review-check', env);
  const table = dynamoTable(env);
  const enrolments = new DynamoEnrolmentIndex(table);
  return {
    sequenceIds: Object.keys(captureBundle().sequences),
    pointer: (sequenceId) => readPointer(table, sequenceId, true),
    versionsInUse: (sequenceId) => enrolments.versionsInUse(sequenceId),
    versionReview: (sequenceId, version) => readVersionReview(table, sequenceId, version),
    metrics,
    clock: clockFrom(overrides),
    log: logger,
  };
}
