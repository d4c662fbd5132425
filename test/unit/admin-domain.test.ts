import fc from 'fast-check';
import { parseCsv } from '../../functions/admin/csv';
import { readContacts, stagger } from '../../functions/admin/import';
import { checkReviewExpiry } from '../../functions/admin/review-expiry';
import { draftHash } from '../../functions/admin/sequences/drafts';
import { describeChanges, planMove } from '../../functions/admin/sequences/migrate';
import { localTime } from '../../functions/admin/simulate';
import type { Enrolment } from '../../functions/lead/lead';
import { isInSendWindow } from '../../functions/schedule';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import type { CompiledSequence } from '../../functions/sequence/compiled';

const sequence = bundledEmails().sequences['exosome-aftercare']!;
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('CSV', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF or LF, a BOM and blank lines', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\nlines"\n\n1,,3\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { line: 5, fields: ['1', '', '3'] },
    ]);
  });

  it('refuses an unclosed quote and a stray quote inside a field', () => {
    expect(() => parseCsv('a\n"open')).toThrow(/never closed/);
    expect(() => parseCsv('a\nab"c')).toThrow(/quote inside/);
  });

  it('round-trips any table of fields written the RFC 4180 way', () => {
    const field = fc.string({ maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        (table) => {
          const width = table[0]!.length;
          const rows = table.map((row) => Array.from({ length: width }, (_, index) => row[index] ?? ''));
          const text = rows.map((row) => row.map((value) => `"${value.replace(/"/g, '""')}"`).join(',')).join('\r\n');
          expect(parseCsv(text).map((record) => record.fields)).toEqual(rows);
        },
      ),
    );
  });
});

describe('import staggering', () => {
  const window = sequence.sendWindow;
  const zones = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Adelaide', undefined];

  it('spaces first emails at least one interval apart, each inside the recipient’s send window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...zones), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }),
        (contactZones, intervalMs, now) => {
          const contacts = contactZones.map((timeZone, index) => ({
            row: index + 2,
            email: `c${index}@example.com`,
            leadId: `lead-${index}`,
            firstName: 'C',
            interests: [],
            consentSource: 's',
            consentDate: '2025-01-01T00:00:00.000Z',
            ...(timeZone ? { timeZone } : {}),
          }));
          const schedule = stagger(contacts, {
            now,
            after: undefined,
            intervalMs,
            window,
            fallback: 'America/New_York',
          });
          const times = schedule.slots.map((slot) => slot.sendAt.getTime());
          expect(schedule.slots).toHaveLength(contacts.length);
          for (let index = 1; index < times.length; index++) {
            expect(times[index]! - times[index - 1]!).toBeGreaterThanOrEqual(intervalMs);
          }
          for (const slot of schedule.slots) {
            expect(slot.sendAt.getTime()).toBeGreaterThanOrEqual(now.getTime());
            expect(isInSendWindow(slot.sendAt, window, slot.zone)).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('starts after what earlier imports reserved', () => {
    const now = new Date('2026-03-03T15:00:00Z');
    const contact = readContacts(
      'email,first_name,consent_source,consent_date\na@example.com,A,S,2025-01-01',
      now,
      10,
    ).contacts.map((read) => ({ ...read, leadId: 'lead-a-000000' }));
    const schedule = stagger(contact, {
      now,
      after: '2026-03-03T16:00:00.000Z',
      intervalMs: 500,
      window,
      fallback: 'America/New_York',
    });
    expect(schedule.last?.toISOString()).toBe('2026-03-03T16:00:00.500Z');
  });
});

describe('moving enrolments between versions', () => {
  const v2: CompiledSequence = structuredClone(sequence);
  v2.version = 'v2';
  v2.steps[2]!.variants[0]!.subject = 'New subject';
  v2.steps[3]!.delay = 'P9D';
  v2.steps.splice(1, 1); // "exosomes-explained" removed
  const enrolment = (stepIndex: number, extra: Partial<Enrolment> = {}): Enrolment => ({
    leadId: 'lead-1',
    sequenceId: sequence.id,
    sequenceVersion: sequence.version,
    status: 'active',
    stepIndex,
    nextSendAt: '2026-03-10T14:00:00.000Z',
    lastSentAt: '2026-03-06T14:00:00.000Z',
    timeZone: 'America/New_York',
    enrolledAt: '2026-03-01T14:00:00.000Z',
    ...extra,
  });

  it('keeps a lead on the same step by id, and retimes it only when that step’s timing changed', () => {
    expect(planMove(enrolment(2), sequence, v2).to).toEqual({
      stepIndex: 1,
      nextSendAt: '2026-03-10T14:00:00.000Z',
      receivedStepIds: ['welcome'],
    });
    // laser-rf-aftercare, on a Fraxel lead's path.
    const retimed = planMove(enrolment(3), sequence, v2, ['fraxel-aftercare']).to!;
    expect(retimed.stepIndex).toBe(2);
    expect(retimed.nextSendAt).toBe('2026-03-16T13:00:00.000Z'); // 9 days after the last send, 09:00 EDT
  });

  it('lands a lead on the first step on its own path in the new version', () => {
    // Waiting for laser-rf-aftercare, which the new version keeps for Fraxel and RF leads only.
    const general = planMove(enrolment(3), sequence, v2, ['skin-regeneration']).to!;
    expect(v2.steps[general.stepIndex]!.id).toBe('what-exosomes-dont-replace');
    const hair = planMove(enrolment(3), sequence, v2, ['hair-restoration']).to!;
    expect(v2.steps[hair.stepIndex]!.id).toBe('hair-restoration');
  });

  it('moves a lead waiting for a removed step on to the next step that still exists', () => {
    expect(planMove(enrolment(1), sequence, v2).to?.stepIndex).toBe(1);
  });

  it('describes each difference in words', () => {
    const changes = describeChanges(sequence, v2);
    expect(changes).toEqual(
      expect.arrayContaining([
        'Step "exosomes-explained" removed',
        expect.stringMatching(/^Step "why-pbme" reworded: a: ".*" → a: "New subject"$/),
        'Step "laser-rf-aftercare" retimed: P5D → P9D',
        'Step "why-pbme" moved from position 3 to 2',
      ]),
    );
    expect(describeChanges(sequence, sequence)).toEqual(['No differences in the steps']);
  });
});

describe('clinical sign-off expiry check', () => {
  const clock = { now: () => new Date('2026-06-01T08:00:00Z') };
  const review = (validUntil: string) => ({
    reviewer: 'Dr. R',
    reviewedAt: '2026-01-01T00:00:00Z',
    validUntil,
    recordedBy: 'admin',
    contentHash: 'h',
  });
  const pointer = (validUntil?: string) => ({
    sequenceId: 's',
    version: 'v',
    publishedAt: '2026-01-01T00:00:00Z',
    publishedBy: 'admin',
    timeZoneFallback: 'practice',
    ...(validUntil ? { review: review(validUntil) } : {}),
  });

  it.each([
    ['2026-06-01', 'current', 0, 0],
    ['2026-05-31', 'expired', 1, 0],
    [undefined, 'missing', 0, 1],
  ])(
    'review valid until %s → %s (ReviewExpired %d, ReviewMissing %d)',
    async (validUntil, status, expired, missing) => {
      const metrics: Record<string, number> = {};
      const result = await checkReviewExpiry({
        sequenceIds: ['s'],
        pointer: async () => pointer(validUntil),
        versionsInUse: async () => ['v'],
        versionReview: async () => {
          throw new Error('the published version is judged by its pointer');
        },
        metrics: { add: (name, value) => (metrics[name] = value) },
        clock,
        log: silent,
      });
      expect(result).toEqual([expect.objectContaining({ version: 'v', scope: 'published', status })]);
      expect(metrics).toEqual({ ReviewExpired: expired, ReviewMissing: missing });
    },
  );

  it('also judges the older versions enrolled leads are still pinned to, and only those', async () => {
    const metrics: Record<string, number> = {};
    const reviews: Record<string, ReturnType<typeof review> | undefined> = {
      old: review('2026-05-01'),
      older: undefined,
      recent: review('2026-12-31'),
      unused: review('2020-01-01'),
    };
    const result = await checkReviewExpiry({
      sequenceIds: ['s'],
      pointer: async () => pointer('2026-12-31'),
      versionsInUse: async () => ['v', 'old', 'older', 'recent'],
      versionReview: async (_sequenceId, version) => reviews[version],
      metrics: { add: (name, value) => (metrics[name] = value) },
      clock,
      log: silent,
    });
    expect(result.map(({ version, scope, status }) => `${version} ${scope} ${status}`)).toEqual([
      'v published current',
      'old pinned expired',
      'older pinned missing',
      'recent pinned current',
    ]);
    expect(metrics).toEqual({ ReviewExpired: 1, ReviewMissing: 1 });
  });
});

describe('simulator wording and draft hashes', () => {
  it('formats local times as the console shows them', () => {
    expect(localTime(new Date('2026-03-03T14:00:00Z'), 'America/New_York')).toBe('Tue 3 Mar 2026, 09:00 EST');
    expect(localTime(new Date('2026-07-03T03:30:00Z'), 'Asia/Kolkata')).toBe('Fri 3 Jul 2026, 09:00 GMT+5:30');
  });

  it('hashes a draft the same whatever the key order', () => {
    const a = { definition: { id: 'x', name: 'n' }, templates: { b: '2', a: '1' } } as never;
    const b = { templates: { a: '1', b: '2' }, definition: { name: 'n', id: 'x' } } as never;
    expect(draftHash(a)).toBe(draftHash(b));
    expect(draftHash(a)).not.toBe(draftHash({ definition: { id: 'x', name: 'm' }, templates: {} } as never));
  });
});
