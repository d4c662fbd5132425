import * as z from 'zod';
import { HEADER_BREAKING, isKnownTimeZone } from './clinic-schema';
import { baseEnvSchema } from './env';

const line = z
  .string()
  .min(1)
  .refine((value) => !HEADER_BREAKING.test(value), { error: 'must be a single line' });

/** The short sequence a cancelled consultation starts (emails/sequences/rebook-after-cancellation.yaml). */
export const ACUITY_API_URL = 'https://acuityscheduling.com/api/v1';

export const REBOOK_SEQUENCE_ID = 'rebook-after-cancellation';

/** The Calendly and Acuity webhooks (functions/lambdas/calendly, functions/lambdas/acuity). */
export const bookingToolsEnvSchema = baseEnvSchema.extend({
  /** Keys lead ids (functions/lead/email-address.ts); required in AWS, the local stack passes its key. */
  IDENTITY_KEY_SECRET_ARN: line.optional(),
  PRACTICE_TIME_ZONE: line.refine(isKnownTimeZone, { error: 'must be an IANA time zone' }),
  /** A cancelled consultation: "rebook" starts the short rebook sequence, "staff" leaves it in the staff inbox. */
  CANCELLATION_MODE: z.enum(['rebook', 'staff']).default('rebook'),
  REBOOK_SEQUENCE_ID: line.default(REBOOK_SEQUENCE_ID),
  /** Secrets Manager secret holding the signing key set on the Calendly webhook subscription. */
  CALENDLY_SIGNING_KEY_SECRET_ARN: line.optional(),
  /** Secrets Manager secret holding {"userId": "...", "apiKey": "..."} of the Acuity account. */
  ACUITY_SECRET_ARN: line.optional(),
  /** Acuity's API, read for the appointment a notification names. */
  ACUITY_API_URL: z.url().default(ACUITY_API_URL),
});

export type BookingToolsEnv = z.infer<typeof bookingToolsEnvSchema>;
