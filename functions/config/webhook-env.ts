import * as z from 'zod';
import { baseEnvSchema, mailEnvSchema } from './env';

const flag = z.enum(['0', '1', 'true', 'false']).transform((value) => value === '1' || value === 'true');

/** Outgoing webhooks: the stream consumer that queues deliveries. */
export const webhookEventsEnvSchema = baseEnvSchema.extend({
  WEBHOOK_QUEUE_URL: z.url(),
});

/** Outgoing webhooks: the deliverer, which also emails admins when an endpoint is turned off. */
export const webhookDelivererEnvSchema = baseEnvSchema.extend(mailEnvSchema.shape).extend({
  WEBHOOK_QUEUE_URL: z.url(),
  WEBHOOK_DEAD_LETTER_QUEUE_URL: z.url(),
  /**
   * Local development only: http:// URLs and loopback addresses may receive webhooks (a
   * receiver on this machine). Never set in AWS; the stack does not.
   */
  WEBHOOKS_LOCAL_DEVELOPMENT: flag.default(false),
  /** Who hears that an endpoint was turned off; the staff addresses when unset. */
  WEBHOOK_ALERT_EMAILS: z.string().optional(),
});

export type WebhookEventsEnv = z.infer<typeof webhookEventsEnvSchema>;
export type WebhookDelivererEnv = z.infer<typeof webhookDelivererEnvSchema>;
