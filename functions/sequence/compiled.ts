import * as z from 'zod';
import { engagementSettingsSchema, sendWindowSchema } from './definition';
import { stepConditionSchema } from './paths';

/**
 * The compiled output of `npm run emails:build` and of a console publish: HTML and text
 * with {{placeholders}}, ready for substitution. mjml never runs on the send path.
 *
 * Placeholders: `{{name}}` or `{{name|fallback}}`. The renderer escapes each value for where
 * it stands (HTML text, attribute, URL in href/src, plain text, subject line).
 */
export const compiledTemplateSchema = z.strictObject({
  html: z.string(),
  text: z.string(),
});
export type CompiledTemplate = z.infer<typeof compiledTemplateSchema>;

export const compiledVariantSchema = z.strictObject({ id: z.string(), subject: z.string(), weight: z.number() });

export const compiledStepSchema = z.strictObject({
  id: z.string(),
  delay: z.string(),
  enabled: z.boolean(),
  preheader: z.string(),
  /** Variant "a" is the main subject; others are A/B alternatives. Weights are relative. */
  variants: z.array(compiledVariantSchema).min(1),
  template: compiledTemplateSchema,
  sources: z.array(z.string()),
  /** Absent on every version published before paths existed: those steps go to every lead. */
  when: stepConditionSchema.optional(),
});
export type CompiledStep = z.infer<typeof compiledStepSchema>;

export const compiledSequenceSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  /** Content hash: a version is immutable, and enrolments stay pinned to the one they began on. */
  version: z.string(),
  sendWindow: sendWindowSchema,
  timeZoneFallback: z.string(),
  exitOn: z.array(z.string()),
  /** Absent when the sequence has no engagement branches (and on versions from before them). */
  engagement: engagementSettingsSchema.optional(),
  steps: z.array(compiledStepSchema).min(1),
});
export type CompiledSequence = z.infer<typeof compiledSequenceSchema>;

export const TRANSACTIONAL_TEMPLATES = ['confirmation', 'staff-notification', 'opt-in'] as const;
export type TransactionalTemplateId = (typeof TRANSACTIONAL_TEMPLATES)[number];

export const compiledTransactionalSchema = compiledTemplateSchema.extend({
  subject: z.string(),
  preheader: z.string(),
});
export type CompiledTransactional = z.infer<typeof compiledTransactionalSchema>;

export const emailBundleSchema = z.strictObject({
  schemaVersion: z.literal(1),
  transactional: z.record(z.enum(TRANSACTIONAL_TEMPLATES), compiledTransactionalSchema),
  sequences: z.record(z.string(), compiledSequenceSchema),
});
export type EmailBundle = z.infer<typeof emailBundleSchema>;

/**
 * Every placeholder a template may use. The build refuses any other name, so a typo fails
 * the build instead of reaching a recipient as a raw "{{".
 */
export const PLACEHOLDERS = {
  firstName: 'Recipient first name (fallback recommended: {{firstName|there}})',
  interests: 'Topics the lead chose, as readable text (fallback recommended)',
  practiceName: 'Practice name',
  practiceAddress: 'Practice postal address',
  practicePhone: 'Practice phone number',
  surgeonName: 'Surgeon name',
  siteUrl: 'Practice landing page (absolute https URL)',
  bookingUrl: 'Where to book a consultation (absolute https URL)',
  unsubscribeUrl: 'One-click unsubscribe page for this recipient (absolute URL)',
  signupDate: 'Date the lead asked to hear from the practice',
  // Transactional only:
  optInUrl: 'Double opt-in: the confirmation link (absolute URL)',
  leadKind: 'Staff notification: "New lead" or "Returning lead"',
  leadName: 'Staff notification: full name as typed',
  leadEmail: 'Staff notification: email address',
  leadPhone: 'Staff notification: phone (E.164) or "not given"',
  leadPreferredContact: 'Staff notification: preferred contact method',
  leadInterests: 'Staff notification: chosen topics',
  leadMessage: 'Staff notification: the visitor\'s message, or "no message"',
  leadTimeZone: "Staff notification: the visitor's time zone",
  leadSource: 'Staff notification: UTM source / medium / campaign, or "direct"',
  leadLandingPath: 'Staff notification: page the form was sent from',
  submittedAt: 'Staff notification: when the form was sent (practice time)',
  consoleUrl: 'Staff notification: link to the lead in the marketing console',
} as const;
export type PlaceholderName = keyof typeof PLACEHOLDERS;

/**
 * What the capture path needs of the bundle: the transactional emails and, per sequence, only
 * the version new leads start on. Kept apart so the sequences' HTML (most of the bundle) stays
 * out of the capture function, which must load fast.
 */
export const captureBundleSchema = z.strictObject({
  schemaVersion: z.literal(1),
  transactional: emailBundleSchema.shape.transactional,
  sequences: z.record(
    z.string(),
    z.strictObject({ id: z.string(), version: z.string(), timeZoneFallback: z.string() }),
  ),
});
export type CaptureBundle = z.infer<typeof captureBundleSchema>;

export function captureBundleOf(bundle: EmailBundle): CaptureBundle {
  return {
    schemaVersion: 1,
    transactional: bundle.transactional,
    sequences: Object.fromEntries(
      Object.values(bundle.sequences).map(({ id, version, timeZoneFallback }) => [
        id,
        { id, version, timeZoneFallback },
      ]),
    ),
  };
}
