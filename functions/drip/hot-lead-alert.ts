import type { CaptureEmailComposer } from '../lead/capture-emails';
import type { Lead } from '../lead/lead';
import type { Mailer } from '../mail/outgoing-email';

export const HOT_LEAD_KIND = 'Hot lead';

/**
 * The staff alert when the booking-click branch fires: the staff notification's layout and
 * details (from the lead's stored profile), headed "Hot lead", with the console link.
 */
export function hotLeadAlerter(composer: CaptureEmailComposer, mailer: Mailer) {
  return async (lead: Lead, at: string): Promise<void> => {
    const email = await composer.compose(
      {
        leadId: lead.leadId,
        submissionId: `hot-lead#${at}`,
        kind: 'staff-notification',
        status: 'sending',
        createdAt: at,
        attempts: 1,
      },
      {
        lead,
        submission: {
          leadId: lead.leadId,
          submissionId: `hot-lead#${at}`,
          receivedAt: lead.updatedAt,
          firstName: lead.firstName,
          ...(lead.lastName ? { lastName: lead.lastName } : {}),
          ...(lead.phone ? { phone: lead.phone } : {}),
          preferredContact: lead.preferredContact,
          interests: lead.interests,
          ...(lead.timeZone ? { timeZone: lead.timeZone } : {}),
          attribution: lead.lastTouch ?? {},
        },
        isNewLead: false,
        leadKind: HOT_LEAD_KIND,
      },
    );
    await mailer.send({ ...email, tags: { ...email.tags, alert: 'hot-lead' } });
  };
}
