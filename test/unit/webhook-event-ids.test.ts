import { leadEventsFromChange } from '../../functions/webhooks/events';

/** A stream batch retried later must queue the same events, so the deliverer's dedupe holds. */
describe('lead event ids across a retried stream batch', () => {
  const profile = { pk: 'LEAD#abc', sk: 'PROFILE', leadId: 'abc', status: 'active', createdAt: '2026-11-01T10:00:00Z' };
  const firstTry = '2026-12-05T12:00:00.000Z';
  const retried = '2026-12-05T12:00:07.000Z';

  it('gives an erasure the same id when the same change is handled again later', () => {
    const change = { eventName: 'REMOVE' as const, oldImage: profile, sequenceNumber: '000000000000000000042' };
    const [first] = leadEventsFromChange(change, firstTry);
    const [again] = leadEventsFromChange(change, retried);
    expect(first!.type).toBe('lead.erased');
    expect(again!.eventId).toBe(first!.eventId);
  });

  it('gives two erasures of the same lead (a second capture, then erased again) different ids', () => {
    const [first] = leadEventsFromChange({ eventName: 'REMOVE', oldImage: profile, sequenceNumber: '1' }, firstTry);
    const [second] = leadEventsFromChange({ eventName: 'REMOVE', oldImage: profile, sequenceNumber: '9' }, firstTry);
    expect(second!.eventId).not.toBe(first!.eventId);
  });

  it('identifies an event that names its own time by that time, whenever it is handled', () => {
    const change = { eventName: 'INSERT' as const, newImage: profile, sequenceNumber: '7' };
    const [first] = leadEventsFromChange(change, firstTry);
    const [again] = leadEventsFromChange({ ...change, sequenceNumber: '8' }, retried);
    expect(first).toMatchObject({ type: 'lead.created', at: '2026-11-01T10:00:00Z' });
    expect(again!.eventId).toBe(first!.eventId);
  });
});

describe('lead.replied', () => {
  const profile = { pk: 'LEAD#abc', sk: 'PROFILE', leadId: 'abc', status: 'active', createdAt: '2026-11-01T10:00:00Z' };
  const now = '2026-12-05T12:00:00.000Z';

  it('fires for each reply the lead item records, also after the sequence ended, once per reply', () => {
    const completed = { ...profile, status: 'active' };
    const first = { ...completed, lastReplyAt: '2026-12-05T11:00:00.000Z' };
    const second = { ...first, lastReplyAt: '2026-12-05T11:30:00.000Z' };
    const events = [
      ...leadEventsFromChange({ eventName: 'MODIFY', oldImage: completed, newImage: first, sequenceNumber: '1' }, now),
      ...leadEventsFromChange({ eventName: 'MODIFY', oldImage: first, newImage: second, sequenceNumber: '2' }, now),
      // Another change of the lead item (staff notes, say) is not a reply.
      ...leadEventsFromChange(
        { eventName: 'MODIFY', oldImage: second, newImage: { ...second, owner: 'x' }, sequenceNumber: '3' },
        now,
      ),
    ];
    expect(events.map((event) => [event.type, event.at])).toEqual([
      ['lead.replied', '2026-12-05T11:00:00.000Z'],
      ['lead.replied', '2026-12-05T11:30:00.000Z'],
    ]);
  });

  it('is not raised twice by the enrolment the reply pauses', () => {
    const enrolment = { pk: 'LEAD#abc', sk: 'ENROLMENT#s', leadId: 'abc', status: 'active' };
    const paused = { ...enrolment, status: 'replied', repliedAt: '2026-12-05T11:00:00.000Z' };
    expect(leadEventsFromChange({ eventName: 'MODIFY', oldImage: enrolment, newImage: paused }, now)).toEqual([]);
  });
});
