import { captureBundle } from '../adapters/capture-bundle';
import { readPointer } from '../adapters/dynamodb/published-sequences';
import type { MetricSink } from '../admin/ports';
import type { ReviewCheckDeps } from '../admin/review-expiry';
import type { BaseEnv } from '../config/env';
import { logger } from '../observability/logger';
import { clockFrom, type Overrides, tableFrom } from './common';

/**
 * The daily clinical-review check. Kept apart from the admin wiring so its function does not
 * carry mjml and the email sources: it only reads the published pointers.
 */
export function reviewCheckDeps(env: BaseEnv, metrics: MetricSink, overrides: Overrides = {}): ReviewCheckDeps {
  const table = tableFrom(env);
  return {
    sequenceIds: Object.keys(captureBundle().sequences),
    pointer: (sequenceId) => readPointer(table, sequenceId, true),
    metrics,
    clock: clockFrom(overrides),
    log: logger,
  };
}
