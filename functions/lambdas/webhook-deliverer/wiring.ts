import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { dynamoTable } from '../../adapters/clients/dynamodb';
import { sqsClient } from '../../adapters/clients/sqs';
import { DynamoEnrolmentStore } from '../../adapters/dynamodb/enrolments';
import { DynamoWebhookStore } from '../../adapters/dynamodb/webhook-store';
import { SqsDeliveryQueue } from '../../adapters/sqs-delivery-queue';
import {
  DEFAULT_POSTER_LIMITS,
  dnsResolver,
  type PosterOptions,
  type Resolver,
  webhookPoster,
} from '../../adapters/webhook-poster';
import { ConfigurationError } from '../../config/env';
import type { WebhookDelivererEnv } from '../../config/webhook-env';
import { logger } from '../../observability/logger';
import { emailAlerts } from '../../webhooks/alerts';
import type { DeliveryQueue } from '../../webhooks/ports';
import { clockFrom, mailerFrom, type Overrides } from '../wiring';
import type { WebhookDelivererDeps } from './handler';

export interface WebhookOverrides extends Overrides {
  deliveryQueue?: DeliveryQueue;
  /** Tests resolve names without a network. */
  resolver?: Resolver;
  posterLimits?: Partial<typeof DEFAULT_POSTER_LIMITS>;
}

/**
 * The SSRF rules for this environment: https and public addresses only, unless local development.
 * Local development is refused inside Lambda (AWS_LAMBDA_FUNCTION_NAME is set there), so a
 * stray setting cannot open the deployed functions to http:// and loopback receivers.
 */
export function posterOptionsFrom(
  env: Pick<WebhookDelivererEnv, 'WEBHOOKS_LOCAL_DEVELOPMENT'>,
  overrides: WebhookOverrides,
  runtime: Record<string, string | undefined> = process.env,
): PosterOptions {
  if (env.WEBHOOKS_LOCAL_DEVELOPMENT && runtime.AWS_LAMBDA_FUNCTION_NAME) {
    throw new ConfigurationError(
      'Invalid configuration: WEBHOOKS_LOCAL_DEVELOPMENT is for the local stack only; unset it in Lambda',
    );
  }
  return {
    resolver: overrides.resolver ?? dnsResolver,
    allowHttp: env.WEBHOOKS_LOCAL_DEVELOPMENT,
    allowLoopback: env.WEBHOOKS_LOCAL_DEVELOPMENT,
    ...DEFAULT_POSTER_LIMITS,
    ...overrides.posterLimits,
  };
}

export function webhookDelivererDeps(env: WebhookDelivererEnv, overrides: WebhookOverrides = {}): WebhookDelivererDeps {
  recordAwsCallsAs('webhook-deliverer', env);
  const table = dynamoTable(env);
  const leads = new DynamoEnrolmentStore(table);
  const alertTo = env.WEBHOOK_ALERT_EMAILS
    ? env.WEBHOOK_ALERT_EMAILS.split(',')
        .map((address) => address.trim())
        .filter(Boolean)
    : env.STAFF_EMAILS;
  return {
    store: new DynamoWebhookStore(table),
    queue:
      overrides.deliveryQueue ??
      new SqsDeliveryQueue(sqsClient(), env.WEBHOOK_QUEUE_URL, env.WEBHOOK_DEAD_LETTER_QUEUE_URL),
    poster: webhookPoster(posterOptionsFrom(env, overrides)),
    leads,
    alerts: emailAlerts({
      mailer: mailerFrom(env, overrides),
      to: alertTo,
      consoleUrl: new URL('/console/', env.SITE_URL).toString(),
    }),
    clock: clockFrom(overrides),
    log: logger,
  };
}
