import type { Lead } from '../lead/lead';
import type { WebhookEventType } from './events';

/**
 * The body of a delivery, Standard Webhooks' shape (`type`, `timestamp`, `data`), with what
 * the event needs and no more: `lead.created` carries the contact details a CRM needs to
 * create the contact; every other event only the lead's id and when; `lead.erased` only the id.
 */
export function webhookPayload(
  type: WebhookEventType | 'webhook.test',
  leadId: string | undefined,
  at: string,
  lead?: Lead,
) {
  if (type === 'webhook.test') return { type, timestamp: at, data: { message: 'A test event from the console' } };
  if (type === 'lead.erased') return { type, timestamp: at, data: { id: leadId } };
  if (type === 'lead.created' && lead) {
    return {
      type,
      timestamp: at,
      data: {
        id: leadId,
        email: lead.email,
        firstName: lead.firstName,
        ...(lead.lastName ? { lastName: lead.lastName } : {}),
        ...(lead.phone ? { phone: lead.phone } : {}),
        preferredContact: lead.preferredContact,
        interests: lead.interests,
        createdAt: lead.createdAt,
      },
    };
  }
  return { type, timestamp: at, data: { id: leadId } };
}
