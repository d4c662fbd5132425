import middy from '@middy/core';
import { type DispatchDeps, type DispatchResult, type DispatchSettings, dispatchDue } from '../../drip/dispatch';
import { errorFields } from '../../observability/redact';

/**
 * Invoked every minute by EventBridge Scheduler (the local timer calls it the same way).
 * `prepare` runs once per container before the first dispatch: the dispatcher is the function
 * that always runs, so it is the one that stores the sequence versions this deploy bundles.
 */
export function makeDispatcherHandler(deps: DispatchDeps, settings: DispatchSettings, prepare?: () => Promise<void>) {
  let prepared: Promise<void> | undefined;
  return middy<unknown, DispatchResult>().handler(async () => {
    if (prepare) {
      prepared ??= prepare().catch((error: unknown) => {
        prepared = undefined; // retried on the next tick; dispatching does not wait for it
        deps.log.warn('Bundled sequence versions not stored yet', errorFields(error));
      });
      await prepared;
    }
    return dispatchDue(deps, settings);
  });
}
