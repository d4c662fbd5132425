import type { Enrolment, Lead } from '../lead/lead';
import type { Log } from '../observability/logger';
import type { SequenceCatalog } from '../sequence/ports';
import type { Clock } from '../shared/clock';
import { hashOptInToken, isWellFormedOptInToken, type OptInRecord } from './opt-in-token';

export interface OptInStore {
  saveOptInToken(record: OptInRecord): Promise<void>;
  /** The token if it exists and has not expired; reading it uses nothing up. */
  findOptInToken(tokenHash: string, now: Date): Promise<OptInRecord | undefined>;
  /**
   * In one transaction: deletes the token (single use, still unexpired), activates a pending
   * lead, stamps the consent record and creates the enrolment if missing. All or nothing, so a
   * failure leaves the link working.
   */
  confirmLead(
    record: OptInRecord,
    enrolment: Enrolment,
    at: string,
  ): Promise<'confirmed' | 'unknown-lead' | 'token-used'>;
  getLead(leadId: string): Promise<Lead | undefined>;
}

export interface ConfirmDeps {
  optIns: OptInStore;
  sequences: SequenceCatalog;
  clock: Clock;
  log: Log;
  settings: { defaultSequenceId: string; practiceTimeZone: string };
}

export type ConfirmResult = 'confirmed' | 'invalid';

/** Double opt-in: following the emailed link (and pressing the button) starts the sequence. */
export async function confirmOptIn(token: string, deps: ConfirmDeps): Promise<ConfirmResult> {
  if (!isWellFormedOptInToken(token)) return 'invalid';
  const now = deps.clock.now();
  const record = await deps.optIns.findOptInToken(hashOptInToken(token), now);
  if (!record) return 'invalid';
  const lead = await deps.optIns.getLead(record.leadId);
  if (!lead) return 'invalid';
  const sequence = await deps.sequences.current(deps.settings.defaultSequenceId);
  const fallback =
    sequence.timeZoneFallback === 'practice' ? deps.settings.practiceTimeZone : sequence.timeZoneFallback;
  const at = now.toISOString();
  const result = await deps.optIns.confirmLead(
    record,
    {
      leadId: record.leadId,
      sequenceId: sequence.sequenceId,
      sequenceVersion: sequence.version,
      status: 'active',
      stepIndex: 0,
      nextSendAt: at,
      timeZone: lead.timeZone ?? fallback,
      enrolledAt: at,
    },
    at,
  );
  deps.log.info('Double opt-in confirmed', { leadId: record.leadId, result });
  return result === 'confirmed' ? 'confirmed' : 'invalid';
}
