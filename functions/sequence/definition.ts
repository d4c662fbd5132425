import * as z from 'zod';
import { isKnownTimeZone } from '../config/clinic-schema';
import { stepConditionSchema } from './paths';

/** Weekday names as they appear in sequence files. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const HH_MM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/** ISO-8601 duration limited to what a drip sequence needs: days, hours and minutes. */
export const ISO_DURATION = /^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'use lower-case letters, digits and hyphens' });

export const sendWindowSchema = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1, { error: 'open at least one day' }),
    start: z.string().regex(HH_MM, { error: 'use 24-hour HH:MM' }),
    end: z.string().regex(HH_MM, { error: 'use 24-hour HH:MM' }),
  })
  .refine((window) => window.start < window.end, { error: 'start must be before end', path: ['end'] });

export type SendWindow = z.infer<typeof sendWindowSchema>;

export const EXIT_EVENTS = ['unsubscribed', 'bounced', 'complained', 'booked'] as const;
export type ExitEvent = (typeof EXIT_EVENTS)[number];

/**
 * Subjects show on lock screens and in shared inboxes: nothing in one may say something about
 * the reader's health (a condition, or "your skin", "your recovery"), nor carry their interests.
 */
const HEALTH_IN_SUBJECT = [
  /\b(arthritis|acne|scars?|hair loss|thinning|balding|pain|injur(y|ies)|wrinkles?|diagnos\w*)\b/i,
  /\byour (skin|hair|scalp|joints?|face|body|recovery|healing|procedure|treatment|surgery|condition|results?)\b/i,
  /\{\{\s*interests/,
];

const subject = z
  .string()
  .min(1)
  .max(60, { error: 'subjects can be at most 60 characters' })
  .refine((value) => !/[\r\n]/.test(value), { error: 'a subject must be one line' })
  .refine((value) => !HEALTH_IN_SUBJECT.some((pattern) => pattern.test(value)), {
    error: 'a subject must not mention the reader’s health or interests: others may see it on a lock screen',
  });

const duration = z.string().regex(ISO_DURATION, { error: 'use an ISO-8601 duration such as P3D or PT12H' });

/**
 * Engagement branches (see paths.ts). A click always counts as engagement; an open counts too,
 * but opens are unreliable (Apple Mail Privacy Protection opens every email), so an open never
 * makes anything happen on its own: it only keeps a lead off the `inactive` branch.
 */
export const engagementSettingsSchema = z.strictObject({
  /** How long after a click on the booking link, without a booking, the `booking-click` branch fires. */
  bookingClickWait: duration.optional(),
  /** After this many emails in a row with no open and no click, the `inactive` branch fires. */
  inactiveAfter: z.number().int().min(1).max(10).optional(),
  /** Added to each delay while the lead is inactive (the slower cadence). */
  inactiveSlowdown: duration.optional(),
});
export type EngagementSettings = z.infer<typeof engagementSettingsSchema>;

export const stepDefinitionSchema = z.strictObject({
  id,
  /** Time after the previous send (or after enrolment, for the first step). */
  delay: z.string().regex(ISO_DURATION, { error: 'use an ISO-8601 duration such as P3D or PT12H' }),
  /** MJML file name (without .mjml) in the sequence's folder. */
  template: id,
  subject,
  /** Relative weight of the main subject (variant "a") when variants exist. */
  subjectWeight: z.number().int().min(0).max(100).default(1),
  variants: z
    .array(
      z.strictObject({
        id: id.refine((value) => value !== 'a', { error: '"a" is the main subject' }),
        subject,
        weight: z.number().int().min(0).max(100),
      }),
    )
    .default([]),
  preheader: z.string().min(1).max(140),
  enabled: z.boolean().default(true),
  /** Who gets this step (see paths.ts); without it, every lead. */
  when: stepConditionSchema.optional(),
  /** Short verbatim quotes from the source article that this email draws on. */
  sources: z.array(z.string().min(10).max(400)).min(1, { error: 'name at least one passage of the article' }),
});

export const sequenceDefinitionSchema = z
  .strictObject({
    id,
    name: z.string().min(1).max(120),
    description: z.string().max(500).optional(),
    sendWindow: sendWindowSchema,
    /** Zone used when the lead gave none: "practice" means the practice's own zone. */
    timeZoneFallback: z
      .string()
      .min(1)
      .max(64)
      .refine((zone) => zone === 'practice' || isKnownTimeZone(zone), {
        error: 'must be "practice" or an IANA time zone such as America/New_York',
      })
      .default('practice'),
    exitOn: z.array(z.enum(EXIT_EVENTS)).default([...EXIT_EVENTS]),
    engagement: engagementSettingsSchema.optional(),
    steps: z.array(stepDefinitionSchema).min(1).max(20),
  })
  .superRefine((sequence, ctx) => {
    const seen = new Set<string>();
    sequence.steps.forEach((step, index) => {
      if (seen.has(step.id))
        ctx.addIssue({ code: 'custom', path: ['steps', index, 'id'], message: `duplicate step id "${step.id}"` });
      seen.add(step.id);
    });
  });

export type StepDefinition = z.infer<typeof stepDefinitionSchema>;
export type SequenceDefinition = z.infer<typeof sequenceDefinitionSchema>;
