import * as z from 'zod';
import { HEADER_BREAKING, isKnownTimeZone } from '../config/clinic-schema';
import { CONSENT_VERSIONS } from '../consent/consent-text';
import type { FieldProblem } from '../shared/errors';
import { checkEmailAddress } from './email-address';
import { CONTACT_METHOD_IDS, INTEREST_IDS } from './interests';
import { normalisePhone } from './phone';

/** Name of the hidden field that people never see and bots tend to fill. */
export const HONEYPOT_FIELD = 'website';

const singleLine = (max: number, label: string) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .max(max, { error: `${label} can be at most ${max} characters` })
    .refine((value) => !HEADER_BREAKING.test(value), { error: `${label} must be a single line` });

const optionalLine = (max: number, label: string) =>
  singleLine(max, label)
    .optional()
    .transform((value) => (value === '' ? undefined : value));

/** Form posts send checkboxes as "on" and repeated fields as one string or an array. */
const asArray = (value: unknown) => (typeof value === 'string' ? [value] : value);
const asBoolean = (value: unknown) =>
  typeof value === 'string' ? ['on', 'true', 'yes', '1'].includes(value.toLowerCase()) : value;

export const leadFormSchema = z
  .strictObject({
    firstName: singleLine(60, 'First name').pipe(z.string().min(1, { error: 'Enter your first name' })),
    lastName: optionalLine(60, 'Last name'),
    email: singleLine(254, 'Email').transform((value, ctx) => {
      const check = checkEmailAddress(value);
      if (!check.ok) {
        ctx.issues.push({ code: 'custom', message: check.reason, input: value });
        return z.NEVER;
      }
      return check.normalised;
    }),
    phone: optionalLine(30, 'Phone').transform((value, ctx) => {
      if (value === undefined) return undefined;
      const check = normalisePhone(value);
      if (!check.ok) {
        ctx.issues.push({ code: 'custom', message: check.reason, input: value });
        return z.NEVER;
      }
      return check.e164;
    }),
    interests: z.preprocess(
      asArray,
      z
        .array(z.enum(INTEREST_IDS, { error: 'Choose from the listed topics' }), {
          error: 'Choose at least one topic',
        })
        .min(1, { error: 'Choose at least one topic' })
        .max(INTEREST_IDS.length, { error: 'Choose each topic at most once' })
        .transform((list) => [...new Set(list)]),
    ),
    preferredContact: z.enum(CONTACT_METHOD_IDS, { error: 'Choose how we should contact you' }).default('email'),
    message: z
      .string({ error: 'Message must be text' })
      .trim()
      .max(1000, { error: 'Message can be at most 1000 characters' })
      .optional()
      .transform((value) => (value === '' ? undefined : value)),
    consent: z.preprocess(
      asBoolean,
      z.literal(true, { error: 'Tick the box to agree to be contacted, or we cannot reply' }),
    ),
    consentVersion: z.enum(CONSENT_VERSIONS, { error: 'Reload the page: the consent wording has changed' }),
    timeZone: optionalLine(64, 'Time zone').refine((zone) => zone === undefined || isKnownTimeZone(zone), {
      error: 'Time zone must be an IANA name such as America/New_York',
    }),
    utm_source: optionalLine(100, 'utm_source'),
    utm_medium: optionalLine(100, 'utm_medium'),
    utm_campaign: optionalLine(100, 'utm_campaign'),
    utm_term: optionalLine(100, 'utm_term'),
    utm_content: optionalLine(100, 'utm_content'),
    landingPath: optionalLine(300, 'Landing path').refine((path) => path === undefined || path.startsWith('/'), {
      error: 'Landing path must start with /',
    }),
    referrer: optionalLine(500, 'Referrer').refine((url) => url === undefined || URL.canParse(url), {
      error: 'Referrer must be a URL',
    }),
    [HONEYPOT_FIELD]: z.string().max(200).optional(),
  })
  .superRefine((form, ctx) => {
    if ((form.preferredContact === 'phone' || form.preferredContact === 'text') && !form.phone) {
      ctx.addIssue({ code: 'custom', path: ['phone'], message: 'Enter a phone number so we can call or text you' });
    }
  });

export type LeadFormInput = z.input<typeof leadFormSchema>;
export type LeadForm = z.output<typeof leadFormSchema>;

/** Turns zod issues into one message per field, the shape the form and the API show. */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  const problems = new Map<string, string>();
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.set(key.slice(0, 40), 'This field is not part of the form');
      continue;
    }
    const field = String(issue.path[0] ?? 'form');
    if (!problems.has(field)) problems.set(field, issue.message);
  }
  return [...problems].map(([field, message]) => ({ field, message }));
}

export function isHoneypotFilled(form: LeadForm): boolean {
  return (form[HONEYPOT_FIELD] ?? '').trim() !== '';
}
