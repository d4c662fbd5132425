import * as z from 'zod';
import type { AddressIds } from '../lead/address-ids';
import { checkEmailAddress } from '../lead/email-address';
import type { SequenceVersions } from '../sequence/ports';
import type { Clock } from '../shared/clock';
import { type ExitDeps, suppressAndExit } from '../suppression/exit-lead';
import { bookingBranchAt, type EngagementStore, isBookingLink } from './engagement';
import type { AccountSuppressionList, EmailEventField, EnrolmentStore, StepCounter } from './ports';

const recipients = z.array(z.object({ emailAddress: z.string() }).loose()).default([]);
const timestamped = z.object({ timestamp: z.string().optional() }).loose();

/** SES event publishing record (the same shape through SNS or EventBridge). */
export const sesEventSchema = z
  .object({
    eventType: z.string(),
    mail: z
      .object({
        messageId: z.string(),
        timestamp: z.string().optional(),
        destination: z.array(z.string()).default([]),
        tags: z.record(z.string(), z.array(z.string())).default({}),
      })
      .loose(),
    bounce: timestamped.extend({ bounceType: z.string(), bouncedRecipients: recipients }).optional(),
    complaint: timestamped.extend({ complainedRecipients: recipients }).optional(),
    delivery: timestamped.optional(),
    open: timestamped.optional(),
    click: timestamped.optional(),
  })
  .loose();

export type SesEvent = z.infer<typeof sesEventSchema>;

export interface SesEventDeps extends ExitDeps {
  /** The lead of a bounced address; the lead's id now for a tag written before keyed ids. */
  ids: Pick<AddressIds, 'leadIdFor' | 'currentLeadId'>;
  clock: Clock;
  accountSuppression: AccountSuppressionList;
  /** Opens and clicks noted on the enrolment, for the engagement branches. */
  engagement?: {
    store: EngagementStore;
    enrolments: Pick<EnrolmentStore, 'getEnrolment'>;
    versions: SequenceVersions;
  };
}

const ENGAGEMENT: Record<string, [EmailEventField, StepCounter]> = {
  Delivery: ['deliveredAt', 'delivered'],
  Open: ['openedAt', 'opened'],
  Click: ['clickedAt', 'clicked'],
};

/** A path key as `pathKey` writes it; anything else in the tag is not trusted onto a counter row's key. */
const PATH_TAG = /^[a-z0-9_-]{1,200}$/;

export type SesEventOutcome = 'counted' | 'suppressed' | 'duplicate' | 'ignored';

/**
 * A hard bounce or a complaint suppresses the address and stops its sequences. Every event is
 * noted once on the step it belongs to and counted once, even if SES delivers it twice.
 */
export async function handleSesEvent(event: SesEvent, deps: SesEventDeps): Promise<SesEventOutcome> {
  const tags = Object.fromEntries(Object.entries(event.mail.tags).map(([name, values]) => [name, values[0] ?? '']));
  // Emails sent before keyed ids carry the lead's unkeyed id in their tag: it maps to today's.
  const taggedLead = tags.lead ? await deps.ids.currentLeadId(tags.lead) : undefined;
  const step =
    tags.kind === 'step' && taggedLead && tags.sequence && tags.step
      ? {
          leadId: taggedLead,
          sequenceId: tags.sequence,
          stepId: tags.step,
          variant: tags.variant || 'a',
          // Emails sent before paths were recorded have no path tag: their events go on the pathless row.
          path: tags.path && PATH_TAG.test(tags.path) ? tags.path : undefined,
        }
      : undefined;
  const at = eventTime(event) ?? deps.clock.now().toISOString();

  const countOnStep = async (field: EmailEventField, counter: StepCounter): Promise<boolean> => {
    if (!step) return false;
    return deps.sendRecords.recordEmailEvent(step.leadId, step.sequenceId, step.stepId, field, at, {
      variant: step.variant,
      day: at.slice(0, 10),
      ...(step.path ? { path: step.path } : {}),
      counter,
    });
  };

  const engagement = ENGAGEMENT[event.eventType];
  if (engagement) {
    const counted = await countOnStep(...engagement);
    if (step && (event.eventType === 'Open' || event.eventType === 'Click'))
      await noteEngagement(event, step, at, deps);
    return counted ? 'counted' : step ? 'duplicate' : 'ignored';
  }

  const hard =
    event.eventType === 'Bounce' && event.bounce?.bounceType === 'Permanent'
      ? { reason: 'bounced' as const, field: 'bouncedAt' as const, addresses: event.bounce.bouncedRecipients }
      : event.eventType === 'Complaint'
        ? {
            reason: 'complained' as const,
            field: 'complainedAt' as const,
            addresses: event.complaint?.complainedRecipients ?? [],
          }
        : undefined;
  if (!hard) {
    // A soft bounce (mailbox full, server busy): SES retries it, and SES's bounce rate counts
    // hard bounces only, so it neither suppresses nor counts. It is logged, so a mailbox that
    // keeps soft-bouncing can still be found.
    if (event.eventType === 'Bounce') {
      deps.log.info('Transient bounce; not counted or suppressed', {
        leadId: taggedLead,
        stepId: step?.stepId,
        bounceType: event.bounce?.bounceType,
      });
    }
    return 'ignored';
  }
  // Staff notifications go to the practice's own mailbox: a bounce there is a setup problem, not a lead's.
  if (tags.kind === 'staff-notification') {
    deps.log.warn('A staff notification bounced or was marked as spam; check STAFF_EMAILS', {
      eventType: event.eventType,
    });
    return 'ignored';
  }
  for (const { emailAddress } of hard.addresses) {
    if ((await deps.suppression.reasonFor(emailAddress)) === 'erased') {
      // The person was erased after this email went out. SES has just put the address, in the
      // clear, on its account-level list: it comes off again, and nothing of the event is kept
      // (the erased entry already stops every email).
      await deps.accountSuppression.forget(emailAddress);
      deps.log.info('Bounce or complaint for an erased address; nothing kept', { eventType: event.eventType });
      continue;
    }
    const check = checkEmailAddress(emailAddress);
    const leadId = check.ok ? await deps.ids.leadIdFor(check.normalised) : taggedLead;
    if (leadId) await suppressAndExit(leadId, emailAddress, hard.reason, at, deps, false);
  }
  await countOnStep(hard.field, hard.reason);
  return 'suppressed';
}

/** Every open and click, not only the first: a later click on the booking link must start its clock. */
async function noteEngagement(
  event: SesEvent,
  step: { leadId: string; sequenceId: string; stepId: string },
  at: string,
  deps: SesEventDeps,
): Promise<void> {
  if (!deps.engagement) return;
  const link = event.click && typeof event.click.link === 'string' ? event.click.link : undefined;
  const bookingClick = event.eventType === 'Click' && isBookingLink(link);
  let wakeAt: string | undefined;
  if (bookingClick) {
    const enrolment = await deps.engagement.enrolments.getEnrolment(step.leadId, step.sequenceId);
    const sequence = enrolment && (await deps.engagement.versions.get(enrolment.sequenceId, enrolment.sequenceVersion));
    wakeAt = sequence ? bookingBranchAt(sequence, enrolment.bookingClickAt ?? at) : undefined;
  }
  await deps.engagement.store.noteEngagement(step.leadId, step.sequenceId, {
    stepId: step.stepId,
    at,
    kind: event.eventType === 'Click' ? 'click' : 'open',
    bookingClick,
    ...(wakeAt ? { wakeAt } : {}),
  });
}

function eventTime(event: SesEvent): string | undefined {
  const candidate =
    event.bounce?.timestamp ??
    event.complaint?.timestamp ??
    event.delivery?.timestamp ??
    event.open?.timestamp ??
    event.click?.timestamp ??
    event.mail.timestamp;
  return candidate && !Number.isNaN(Date.parse(candidate)) ? new Date(candidate).toISOString() : undefined;
}
