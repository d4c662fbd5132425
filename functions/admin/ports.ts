import type { SuppressionReason } from '../drip/ports';
import type { ConsentRecord, Enrolment, Lead, Submission } from '../lead/lead';

// ---------- Leads ----------

/**
 * An address's suppression entry: the first reason (kept), and the latest event that
 * suppressed it again (a complaint after an unsubscribe, a second unsubscribe).
 */
export interface SuppressionState {
  reason: SuppressionReason;
  suppressedAt?: string;
  lastEvent?: SuppressionReason;
  lastEventAt?: string;
}

/** A lead as the console lists it: the profile, its enrolment in the default sequence, its suppression. */
export interface LeadListRow {
  lead: Lead;
  enrolment?: Enrolment;
  suppression?: SuppressionState;
}

export interface LeadListRequest {
  /** Lower-case search text (first name, last name, email). */
  q?: string;
  interest?: string;
  /** utm_source of the first touch; "direct" for none. */
  source?: string;
  /** UTC days, inclusive. */
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
  /** Whose enrolment comes with each lead (the default sequence). */
  sequenceId: string;
  now: Date;
  /** Filters that need the enrolment or the suppression (derived status); rows it refuses are skipped. */
  keep?: (row: LeadListRow) => boolean;
}

export interface LeadListResult {
  rows: LeadListRow[];
  nextCursor?: string;
  /** Lead items examined (the console shows progress while it pages through an export). */
  scanned: number;
}

/** An imported contact, written like a first submission but with the consent the practice holds. */
export interface ImportWrite {
  lead: Lead;
  submission: Submission;
  consent: Omit<ConsentRecord, 'mode' | 'textVersion'> & {
    mode: 'import';
    textVersion: 'import';
    consentSource: string;
    consentDate: string;
    importedBy: string;
  };
  enrolment: Enrolment;
}

export type { AccountSuppressionList } from '../drip/ports';

export interface LeadDirectory {
  listLeads(request: LeadListRequest): Promise<LeadListResult>;
  /** Every item of the person's partition, as stored (GDPR access). */
  leadItems(leadId: string): Promise<Record<string, unknown>[]>;
  /** Deletes every item of the person's partition; returns how many went. */
  deleteLeadPartition(leadId: string): Promise<number>;
  /**
   * Deletes the lead item itself. Writes that must not outlive an erasure (a step's claim, the
   * enrolment of a returning lead) are conditional on it, so once it is gone they fail.
   */
  deleteLeadProfile(leadId: string): Promise<void>;
  /** Deletes the person's unexpired double opt-in tokens (they live outside the partition). */
  deleteOptInTokens(leadId: string): Promise<number>;
  /** Exits one enrolment with reason "stopped". */
  stopEnrolment(leadId: string, sequenceId: string, at: string): Promise<'stopped' | 'not-active' | 'none'>;
  /** Which of these leads exist already. */
  existingLeads(leadIds: string[]): Promise<Set<string>>;
  /**
   * Replaces the address's suppression entry with the bare minimum an erasure keeps: the
   * address hash, reason "erased" and when, so the person is never emailed again.
   */
  suppressErased(address: string, at: string): Promise<void>;
  /** The suppression entry of one address (kept by hash), if any. */
  suppressionOf(address: string): Promise<SuppressionState | undefined>;
  /** Which of these normalised addresses are suppressed, and why. */
  suppressedAddresses(addresses: string[]): Promise<Map<string, SuppressionReason>>;
  /** Creates an imported lead with its consent and enrolment; "exists" if the lead appeared meanwhile. */
  importLead(write: ImportWrite): Promise<'created' | 'exists'>;
}

// ---------- Sequences ----------

// ---------- Import pacing ----------

export interface SendSlots {
  /** Reserves the first-email schedule of an import; false if another import moved it first. */
  reserve(previousEnd: string | undefined, newEnd: string): Promise<boolean>;
  /** When the last reserved first email of earlier imports goes out. */
  reservedUntil(): Promise<string | undefined>;
}

export interface MetricSink {
  add(name: 'ReviewExpired' | 'ReviewMissing', value: number): void;
}
