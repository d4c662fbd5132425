import { randomBytes } from 'node:crypto';
import { KEYED_ID_COPY } from '../../functions/lead/address-ids';
import { keyedLeadIdFrom, unkeyedLeadIdFor } from '../../functions/lead/email-address';
import { leadEventsFromChange } from '../../functions/webhooks/events';

/** The migration to keyed ids moves each lead; the CRM must not see it as a new lead or an erasure. */
describe('lead events during the migration to keyed ids', () => {
  const key = randomBytes(32);
  const unkeyed = unkeyedLeadIdFor('ana@example.com');
  const keyed = keyedLeadIdFrom(unkeyed, key);
  const now = '2026-12-05T12:00:00.000Z';
  const profile = (leadId: string, extra: Record<string, unknown> = {}) => ({
    pk: `LEAD#${leadId}`,
    sk: 'PROFILE',
    leadId,
    status: 'active',
    createdAt: '2026-11-01T10:00:00.000Z',
    ...extra,
  });

  it('sends nothing for the copy under the keyed id, nor for removing the unkeyed original', () => {
    expect(
      leadEventsFromChange({ eventName: 'INSERT', newImage: profile(keyed, { [KEYED_ID_COPY]: true }) }, now),
    ).toEqual([]);
    expect(leadEventsFromChange({ eventName: 'REMOVE', oldImage: profile(unkeyed) }, now)).toEqual([]);
    const exited = { ...profile(keyed), sk: 'ENROLMENT#s', status: 'exited', exitReason: 'unsubscribed' };
    expect(leadEventsFromChange({ eventName: 'INSERT', newImage: { ...exited, [KEYED_ID_COPY]: true } }, now)).toEqual(
      [],
    );
  });

  it('still reports a lead that is really new, and an erasure under the keyed id', () => {
    expect(leadEventsFromChange({ eventName: 'INSERT', newImage: profile(keyed) }, now).map((e) => e.type)).toEqual([
      'lead.created',
    ]);
    expect(leadEventsFromChange({ eventName: 'REMOVE', oldImage: profile(keyed) }, now).map((e) => e.type)).toEqual([
      'lead.erased',
    ]);
  });
});
