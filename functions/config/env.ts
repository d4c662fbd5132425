import * as z from 'zod';
import { HEADER_BREAKING, isKnownTimeZone, publicUrl } from './clinic-schema';

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

const csv = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.email()).min(1));

const line = z
  .string()
  .min(1)
  .refine((value) => !HEADER_BREAKING.test(value), { error: 'must be a single line' });

/** Settings every function needs. */
export const baseEnvSchema = z.object({
  TABLE_NAME: line,
  /** Only set locally and in tests; in AWS the SDK finds the regional endpoint. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  DUE_SHARDS: z.coerce.number().int().min(1).max(64).default(8),
});

/**
 * For functions that turn an address into a lead id or a suppression hash, or resolve a lead id
 * from a link: the Secrets Manager secret keying those HMACs (functions/lead/email-address.ts).
 * Required in AWS (the wiring says so when it is missing); the local stack passes its key.
 */
const identityKeyShape = { IDENTITY_KEY_SECRET_ARN: line.optional() };

/** SES events: suppress a bounced or complaining address, find its lead; keep nothing of an erased one. */
export const sesEventsEnvSchema = baseEnvSchema.extend(identityKeyShape).extend({
  /** SES itself, for an erased person's address that a late bounce put back on its list (no sending). */
  SES_ENDPOINT: z.url().optional(),
});

/** Settings for anything that renders or sends email. */
export const mailEnvSchema = z.object({
  SES_ENDPOINT: z.url().optional(),
  SES_CONFIGURATION_SET: line.optional(),
  MAIL_FROM_ADDRESS: z.email(),
  MAIL_REPLY_TO: z.email().optional(),
  STAFF_EMAILS: csv,
  PRACTICE_NAME: line,
  PRACTICE_SURGEON: line,
  PRACTICE_POSTAL_ADDRESS: line,
  PRACTICE_PHONE: line,
  PRACTICE_TIME_ZONE: line.refine(isKnownTimeZone, { error: 'must be an IANA time zone' }),
  SITE_URL: publicUrl,
  /** Base URL of the public API (unsubscribe links, opt-in links). */
  PUBLIC_API_URL: publicUrl,
  /** Secrets Manager secret holding the HMAC key for unsubscribe and webhook signatures. */
  SIGNING_KEY_SECRET_ARN: line.optional(),
});

export const captureEnvSchema = baseEnvSchema
  .extend(mailEnvSchema.shape)
  .extend(identityKeyShape)
  .extend({
    DEFAULT_SEQUENCE_ID: line,
    CONSENT_MODE: z.enum(['single', 'double']).default('single'),
    /** Per client address, per minute; 0 turns it off (WAF's rate rule also applies in AWS). */
    RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(0).max(10_000).default(20),
    RATE_LIMIT_PER_EMAIL: z.coerce.number().int().min(1).max(1000).default(5),
    /**
     * Secrets Manager secret CloudFront sends as the x-origin-verify header: requests without it
     * did not come through CloudFront and are refused. Unset locally, where there is no CloudFront.
     */
    ORIGIN_VERIFY_SECRET_ARN: line.optional(),
  });

export const dispatcherEnvSchema = baseEnvSchema.extend({
  WORK_QUEUE_URL: z.url(),
  DISPATCH_LEASE_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  DISPATCH_MAX_PER_RUN: z.coerce.number().int().min(1).max(100_000).default(5000),
});

export const senderEnvSchema = baseEnvSchema
  .extend(mailEnvSchema.shape)
  .extend(identityKeyShape)
  .extend({
    /** Overrides the account's SES MaxSendRate (from GetAccount), e.g. to leave room for other senders. */
    MAX_SEND_RATE: z.coerce.number().positive().max(10_000).optional(),
    /** The sender's reserved concurrency: each instance takes its share of the send rate. */
    SENDER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(1),
    CLAIM_TIMEOUT_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  });

export const unsubscribeEnvSchema = baseEnvSchema.extend({
  PRACTICE_NAME: line,
  PRACTICE_POSTAL_ADDRESS: line,
  PRACTICE_PHONE: line,
  SITE_URL: publicUrl,
  SIGNING_KEY_SECRET_ARN: line.optional(),
  ...identityKeyShape,
});

export const bookedEnvSchema = baseEnvSchema.extend({
  /** Secrets Manager secret shared with the scheduling tool that signs booked webhooks. */
  WEBHOOK_SECRET_ARN: line.optional(),
  ...identityKeyShape,
});

export const confirmEnvSchema = baseEnvSchema.extend({
  DEFAULT_SEQUENCE_ID: line,
  PRACTICE_NAME: line,
  PRACTICE_POSTAL_ADDRESS: line,
  PRACTICE_PHONE: line,
  PRACTICE_TIME_ZONE: line.refine(isKnownTimeZone, { error: 'must be an IANA time zone' }),
  SITE_URL: publicUrl,
});

/** The admin API (marketing console): reads and writes the table (the draft routes are admin-compose's). */
export const adminEnvSchema = baseEnvSchema
  .extend(mailEnvSchema.shape)
  .extend(identityKeyShape)
  .extend({
    DEFAULT_SEQUENCE_ID: line,
    /** Overrides the account's SES MaxSendRate (from GetAccount) when imports stagger their first emails. */
    MAX_SEND_RATE: z.coerce.number().positive().max(10_000).optional(),
    /** Share of the send rate an import's first emails may use; the rest stays free for the drip. */
    IMPORT_SEND_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
    /** Rows per import request (the console splits larger files). */
    IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(50_000).default(10_000),
    /** Outgoing webhooks' queue ("send test event"); see functions/config/webhook-env.ts. */
    WEBHOOK_QUEUE_URL: z.url().optional(),
    /** Local development only: endpoints may be http:// and on this machine. */
    WEBHOOKS_LOCAL_DEVELOPMENT: z
      .enum(['0', '1', 'true', 'false'])
      .transform((value) => value === '1' || value === 'true')
      .default(false),
  });

/** The admin API's draft routes (admin-compose): compile drafts, send test emails. */
export const adminComposeEnvSchema = baseEnvSchema.extend(mailEnvSchema.shape);

export type BaseEnv = z.infer<typeof baseEnvSchema>;
export type AdminComposeEnv = z.infer<typeof adminComposeEnvSchema>;
export type IdentityKeyEnv = { IDENTITY_KEY_SECRET_ARN?: string };
export type SesEventsEnv = z.infer<typeof sesEventsEnvSchema>;
export type AdminEnv = z.infer<typeof adminEnvSchema>;
export type MailEnv = z.infer<typeof mailEnvSchema>;
export type CaptureEnv = z.infer<typeof captureEnvSchema>;
export type DispatcherEnv = z.infer<typeof dispatcherEnvSchema>;
export type SenderEnv = z.infer<typeof senderEnvSchema>;
export type UnsubscribeEnv = z.infer<typeof unsubscribeEnvSchema>;
export type BookedEnv = z.infer<typeof bookedEnvSchema>;
export type ConfirmEnv = z.infer<typeof confirmEnvSchema>;

/**
 * Parses process.env once, at start-up. A missing or malformed setting stops the function
 * with a message naming every setting to fix, instead of failing later on first use.
 */
export function parseEnv<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const value = env[String(issue.path[0])];
    return value === undefined ? `${name} is not set` : `${name} ${issue.message}`;
  });
  throw new ConfigurationError(`Invalid configuration: ${problems.join('; ')}`);
}
