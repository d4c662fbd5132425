import type { MailEnv } from '../config/env';
import type { PracticeDetails } from '../mail/practice';
import { type Clock, systemClock } from '../shared/clock';

// Wiring that loads no AWS SDK client. esbuild keeps every `require` of an SDK package a
// bundled module makes (the runtime provides the SDK, so it is external and may have side
// effects), so the capture function, which must load DynamoDB and nothing else, takes these
// from here rather than from wiring.ts.

export function practiceFrom(env: MailEnv): PracticeDetails {
  return {
    name: env.PRACTICE_NAME,
    surgeon: env.PRACTICE_SURGEON,
    postalAddress: env.PRACTICE_POSTAL_ADDRESS,
    phone: env.PRACTICE_PHONE,
    timeZone: env.PRACTICE_TIME_ZONE,
  };
}

export function clockFrom(overrides: { clock?: Clock }): Clock {
  return overrides.clock ?? systemClock;
}
