import middy from '@middy/core';
import { type DispatchDeps, type DispatchResult, type DispatchSettings, dispatchDue } from '../drip/dispatch';

/** Invoked every minute by EventBridge Scheduler (the local timer calls it the same way). */
export function makeDispatcherHandler(deps: DispatchDeps, settings: DispatchSettings) {
  return middy<unknown, DispatchResult>().handler(() => dispatchDue(deps, settings));
}
