import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { dynamoTable } from '../../adapters/clients/dynamodb';
import { sqsClient } from '../../adapters/clients/sqs';
import { DynamoWebhookStore } from '../../adapters/dynamodb/webhook-store';
import { SqsDeliveryQueue } from '../../adapters/sqs-delivery-queue';
import type { WebhookEventsEnv } from '../../config/webhook-env';
import { logger } from '../../observability/logger';
import type { DeliveryQueue } from '../../webhooks/ports';
import { clockFrom, type Overrides } from '../wiring';
import type { WebhookEventsDeps } from './handler';

export function webhookEventsDeps(
  env: WebhookEventsEnv,
  overrides: Overrides & { deliveryQueue?: DeliveryQueue } = {},
): WebhookEventsDeps {
  recordAwsCallsAs('webhook-events', env);
  return {
    store: new DynamoWebhookStore(dynamoTable(env)),
    // The events function never dead-letters a delivery itself; only the deliverer does.
    queue: overrides.deliveryQueue ?? new SqsDeliveryQueue(sqsClient(), env.WEBHOOK_QUEUE_URL, env.WEBHOOK_QUEUE_URL),
    clock: clockFrom(overrides),
    log: logger,
  };
}
