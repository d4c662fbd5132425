import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import type { BookedEnv } from '../../config/env';
import { exitDepsFrom, type Overrides, webhookKeyFrom } from '../wiring';
import type { BookedHandlerDeps } from './handler';

export function bookedDeps(env: BookedEnv, overrides: Overrides = {}): BookedHandlerDeps {
  recordAwsCallsAs('booked', env);
  return { ...exitDepsFrom(env, overrides), webhookKey: webhookKeyFrom(env, overrides) };
}
