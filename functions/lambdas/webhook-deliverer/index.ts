import { parseEnv } from '../../config/env';
import { webhookDelivererEnvSchema } from '../../config/webhook-env';
import { makeWebhookDelivererHandler } from './handler';
import { webhookDelivererDeps } from './wiring';

export const handler = makeWebhookDelivererHandler(
  webhookDelivererDeps(parseEnv(webhookDelivererEnvSchema, process.env)),
);
