import middy from '@middy/core';
import { type DigestDeps, sendDailyDigest } from '../../follow-up/digest';

/** Run daily by a schedule: emails staff the counts of open follow-up tasks, with console links. */
export function makeFollowUpDigestHandler(deps: DigestDeps) {
  return middy(async () => sendDailyDigest(deps));
}
