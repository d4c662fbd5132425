import { parseEnv } from '../../config/env';
import { webhookEventsEnvSchema } from '../../config/webhook-env';
import { makeWebhookEventsHandler } from './handler';
import { webhookEventsDeps } from './wiring';

export const handler = makeWebhookEventsHandler(webhookEventsDeps(parseEnv(webhookEventsEnvSchema, process.env)));
