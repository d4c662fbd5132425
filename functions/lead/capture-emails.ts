import { CONTACT_METHODS } from '../lead/interests';
import { listUnsubscribeHeaders, type OutgoingEmail } from '../mail/outgoing-email';
import { type LinkBuilder, type PracticeDetails, practicePlaceholders } from '../mail/practice';
import { formatInterests } from '../render/interests-text';
import { renderEmail } from '../render/render';
import type { CompiledTransactional, TransactionalTemplateId } from '../sequence/compiled';
import type { CaptureEmailIntent, Lead, Submission } from './lead';

export interface CaptureEmailContext {
  lead: Lead;
  submission: Submission;
  /** First submission of this person; staff see "New lead" or "Returning lead". */
  isNewLead: boolean;
  /** Double opt-in only: the raw token for the confirmation link (never stored or logged). */
  optInToken?: string;
  /** Staff notification only: replaces "New lead" / "Returning lead" (e.g. "Hot lead"). */
  leadKind?: string;
}

export interface CaptureEmailComposer {
  compose(intent: CaptureEmailIntent, context: CaptureEmailContext): Promise<OutgoingEmail>;
}

export interface ComposerOptions {
  templates: Record<TransactionalTemplateId, CompiledTransactional>;
  practice: PracticeDetails;
  staffAddresses: string[];
  links: LinkBuilder;
}

/** Builds the confirmation, double opt-in and staff notification emails of the capture path. */
export function createCaptureEmailComposer(options: ComposerOptions): CaptureEmailComposer {
  const { practice, links } = options;
  const practiceValues = practicePlaceholders(practice, links);
  return {
    async compose(intent, { lead, submission, isNewLead, optInToken, leadKind }) {
      const template = options.templates[intent.kind];
      const tags = { kind: intent.kind, lead: lead.leadId };
      if (intent.kind === 'staff-notification') {
        const rendered = renderEmail({
          template,
          subject: template.subject,
          preheader: template.preheader,
          values: {
            ...practiceValues,
            ...staffValues(lead, submission, practice.timeZone),
            leadKind: leadKind ?? (isNewLead ? 'New lead' : 'Returning lead'),
            consoleUrl: links.consoleUrl(lead.leadId),
          },
        });
        return { to: options.staffAddresses, ...rendered, headers: [], tags };
      }
      const unsubscribeUrl = await links.unsubscribeUrl(lead.leadId);
      // The person's own profile: a submission by someone else who knows the address is not theirs.
      const values = {
        ...practiceValues,
        firstName: lead.firstName,
        interests: formatInterests(lead.interests),
        unsubscribeUrl,
        signupDate: formatDate(submission.receivedAt, practice.timeZone),
        ...(intent.kind === 'opt-in' && optInToken ? { optInUrl: links.optInUrl(optInToken) } : {}),
      };
      const rendered = renderEmail({ template, subject: template.subject, preheader: template.preheader, values });
      return { to: [lead.email], ...rendered, headers: listUnsubscribeHeaders(unsubscribeUrl), tags };
    },
  };
}

function staffValues(lead: Lead, submission: Submission, timeZone: string) {
  const { attribution } = submission;
  const source = [attribution.utmSource, attribution.utmMedium, attribution.utmCampaign].filter(Boolean).join(' / ');
  return {
    leadName: [submission.firstName, submission.lastName].filter(Boolean).join(' '),
    leadEmail: lead.email,
    leadPhone: submission.phone ?? 'not given',
    leadPreferredContact: CONTACT_METHODS[submission.preferredContact],
    leadInterests: formatInterests(submission.interests),
    leadMessage: submission.message ?? 'no message',
    leadTimeZone: submission.timeZone ?? 'not given',
    leadSource: source || 'direct',
    leadLandingPath: attribution.landingPath ?? 'not given',
    submittedAt: formatDateTime(submission.receivedAt, timeZone),
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per style and zone for the container's life: building them is not cheap. */
function formatter(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${withTime}:${timeZone}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(
      'en-US',
      withTime
        ? {
            year: 'numeric',
            month: 'short',
            day: 'numeric',
            hour: 'numeric',
            minute: '2-digit',
            timeZone,
            timeZoneName: 'short',
          }
        : { dateStyle: 'long', timeZone },
    );
    formatters.set(key, cached);
  }
  return cached;
}

export function formatDate(iso: string, timeZone: string): string {
  return formatter(timeZone, false).format(new Date(iso));
}

function formatDateTime(iso: string, timeZone: string): string {
  return formatter(timeZone, true).format(new Date(iso));
}
