import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { NotFoundError, ValidationError } from '../shared/errors';
import { WEBHOOK_EVENTS } from './events';
import type { DestinationCheck, WebhookEndpoint, WebhookStore } from './ports';
import { newWebhookSecret } from './signature';

/** The most endpoints a practice registers: each event is read once per endpoint. */
export const MAX_ENDPOINTS = 20;
/** How long the secret before a rotation still signs deliveries. */
const ROTATION_OVERLAP_MS = 24 * 3600_000;

export const endpointInputSchema = z.strictObject({
  url: z.url().max(500),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, { error: 'Choose at least one event' }),
  description: z.string().trim().max(200).optional(),
});

export interface RegistrationDeps {
  store: WebhookStore;
  destinations: DestinationCheck;
  /** https only, unless this is local development (WEBHOOKS_LOCAL_DEVELOPMENT). */
  allowHttp: boolean;
  now: () => Date;
}

/** Endpoint as the console lists it: no secret. */
export type EndpointView = Omit<WebhookEndpoint, 'secrets'>;

export function endpointView({ secrets: _secrets, ...endpoint }: WebhookEndpoint): EndpointView {
  return endpoint;
}

async function checkUrl(url: string, deps: RegistrationDeps): Promise<void> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && !(deps.allowHttp && parsed.protocol === 'http:')) {
    throw new ValidationError([{ field: 'url', message: 'The URL must start with https://' }]);
  }
  if (parsed.username || parsed.password) {
    throw new ValidationError([{ field: 'url', message: 'The URL must not carry a user name or password' }]);
  }
  const refusal = await deps.destinations.refusal(url);
  if (refusal) throw new ValidationError([{ field: 'url', message: `The URL's host resolves to ${refusal}` }]);
}

/** Registers an endpoint; the answer carries its secret, the only time it is shown. */
export async function registerEndpoint(input: unknown, by: string, deps: RegistrationDeps) {
  const parsed = endpointInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({ field: String(issue.path[0] ?? 'body'), message: issue.message })),
    );
  }
  await checkUrl(parsed.data.url, deps);
  if ((await deps.store.listEndpoints()).length >= MAX_ENDPOINTS) {
    throw new ValidationError([{ field: 'url', message: `At most ${MAX_ENDPOINTS} endpoints` }]);
  }
  const now = deps.now().toISOString();
  const secret = newWebhookSecret();
  const endpoint: WebhookEndpoint = {
    endpointId: `ep_${randomUUID().replaceAll('-', '')}`,
    url: parsed.data.url,
    ...(parsed.data.description ? { description: parsed.data.description } : {}),
    events: [...new Set(parsed.data.events)],
    enabled: true,
    secrets: [{ secret, createdAt: now }],
    createdAt: now,
    createdBy: by,
  };
  await deps.store.putEndpoint(endpoint);
  return { endpoint: endpointView(endpoint), secret };
}

/** A new secret, shown once; the previous one keeps signing for a day. */
export async function rotateSecret(endpointId: string, deps: RegistrationDeps) {
  const endpoint = await deps.store.getEndpoint(endpointId);
  if (!endpoint) throw new NotFoundError('No such webhook endpoint');
  const now = deps.now();
  const secret = newWebhookSecret();
  const retiresAt = new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString();
  const kept = endpoint.secrets
    .filter((old) => !old.retiresAt || old.retiresAt > now.toISOString())
    .slice(0, 1)
    .map((old) => ({ ...old, retiresAt: old.retiresAt ?? retiresAt }));
  await deps.store.putEndpoint({ ...endpoint, secrets: [{ secret, createdAt: now.toISOString() }, ...kept] });
  return { endpoint: endpointView(endpoint), secret };
}

/** Turns an endpoint on again (after it was disabled for failing) or off. */
export async function setEndpointEnabled(endpointId: string, enabled: boolean, deps: RegistrationDeps) {
  const endpoint = await deps.store.getEndpoint(endpointId);
  if (!endpoint) throw new NotFoundError('No such webhook endpoint');
  if (enabled) await checkUrl(endpoint.url, deps);
  const { disabledAt: _at, disabledReason: _reason, ...rest } = endpoint;
  const updated: WebhookEndpoint = enabled
    ? { ...rest, enabled: true }
    : { ...rest, enabled: false, disabledAt: deps.now().toISOString(), disabledReason: 'Turned off by staff' };
  await deps.store.putEndpoint(updated);
  return endpointView(updated);
}
