import type { WebhookEventType } from './events';

export interface WebhookEndpoint {
  endpointId: string;
  url: string;
  description?: string;
  events: WebhookEventType[];
  enabled: boolean;
  /** Newest first; an older one stays for a day after a rotation, so receivers can switch over. */
  secrets: { secret: string; createdAt: string; retiresAt?: string }[];
  createdAt: string;
  createdBy: string;
  disabledAt?: string;
  disabledReason?: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'retrying' | 'failed' | 'cancelled';

/** The delivery log: what staff see in the console. Never the body. */
export interface DeliveryRecord {
  endpointId: string;
  eventId: string;
  type: string;
  leadId?: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: string;
  lastAttemptAt?: string;
  lastResponseCode?: number;
  /** Why the last attempt failed without a status code (timeout, refused address...). */
  lastError?: string;
  nextAttemptAt?: string;
  /** Set once the first attempt is on the queue: a change seen again queues nothing more. */
  queuedAt?: string;
}

export interface WebhookStore {
  listEndpoints(): Promise<WebhookEndpoint[]>;
  getEndpoint(endpointId: string): Promise<WebhookEndpoint | undefined>;
  putEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  deleteEndpoint(endpointId: string): Promise<void>;
  /** Conditional: false if this endpoint already has this event (the same change seen twice). */
  createDelivery(record: DeliveryRecord): Promise<boolean>;
  updateDelivery(record: DeliveryRecord): Promise<void>;
  /**
   * Notes that the first attempt is on the queue, changing nothing else: the deliverer may
   * already have made that attempt, and its record must not be rewound.
   */
  markQueued(endpointId: string, eventId: string, at: string): Promise<void>;
  getDelivery(endpointId: string, eventId: string): Promise<DeliveryRecord | undefined>;
  listDeliveries(endpointId: string, limit: number): Promise<DeliveryRecord[]>;
}

/** One queued attempt: ids only, so no personal data waits in the queue. */
export interface DeliveryMessage {
  endpointId: string;
  eventId: string;
  type: string;
  leadId?: string;
  occurredAt: string;
  attempt: number;
  /** When the first attempt was due: retries stop 24 hours after it. */
  firstAttemptAt: string;
  /** Not before this time (SQS delays at most 15 minutes; longer waits are re-queued). */
  notBefore?: string;
}

export interface DeliveryQueue {
  send(message: DeliveryMessage, delaySeconds: number): Promise<void>;
  /** After 24 hours of failures: the dead-letter queue, whose alarm tells someone. */
  deadLetter(message: DeliveryMessage): Promise<void>;
}

export type PostResult = { status: number } | { error: string };

/** POSTs with every SSRF guard (see functions/adapters/webhook-poster.ts). */
export interface WebhookPoster {
  post(url: string, headers: Record<string, string>, body: string): Promise<PostResult>;
}

/** Resolves a URL's host and says why it may not receive webhooks, if so. */
export interface DestinationCheck {
  refusal(url: string): Promise<string | undefined>;
}
