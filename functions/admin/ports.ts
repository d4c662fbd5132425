import type { SuppressionReason } from '../drip/ports';
import type { ConsentRecord, Enrolment, Lead, Submission } from '../lead/lead';
import type { CompiledSequence } from '../render/bundle';
import type { SequenceDraft } from './contract';

// ---------- Leads ----------

/** A lead as the console lists it: the profile and its enrolment in the default sequence. */
export interface LeadListRow {
  lead: Lead;
  enrolment?: Enrolment;
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
  /** Filters that need the enrolment (derived status); rows it refuses are skipped. */
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

/** SES's own, account-level list of suppressed addresses (kept in the clear). */
export interface AccountSuppressionList {
  /** Takes the address off the list; nothing happens if it is not on it. */
  forget(address: string): Promise<void>;
}

export interface AdminLeadStore {
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
  suppressionOf(address: string): Promise<{ reason: SuppressionReason; suppressedAt?: string } | undefined>;
  /** Which of these normalised addresses are suppressed, and why. */
  suppressedAddresses(addresses: string[]): Promise<Map<string, SuppressionReason>>;
  /** Creates an imported lead with its consent and enrolment; "exists" if the lead appeared meanwhile. */
  importLead(write: ImportWrite): Promise<'created' | 'exists'>;
}

// ---------- Sequences ----------

export interface StoredReview {
  reviewer: string;
  reviewedAt: string;
  /** The review holds through this UTC day (YYYY-MM-DD). */
  validUntil: string;
  /** The console user who recorded it. */
  recordedBy: string;
  /** Hash of the draft content that was reviewed: an edit after the review voids it. */
  contentHash: string;
}

export interface StoredDraft {
  sequenceId: string;
  draft: SequenceDraft;
  savedAt: string;
  savedBy: string;
  contentHash: string;
  review?: StoredReview;
}

/** The version new leads start on. */
export interface PublishedPointer {
  sequenceId: string;
  version: string;
  publishedAt: string;
  publishedBy: string;
  timeZoneFallback: string;
  review?: StoredReview;
}

export interface VersionMeta {
  version: string;
  publishedAt?: string;
  publishedBy?: string;
  storedAt?: string;
  /** The clinical review it was published with (the bundled version has none). */
  review?: StoredReview;
}

export interface SequenceStore {
  getDraft(sequenceId: string): Promise<StoredDraft | undefined>;
  saveDraft(draft: StoredDraft): Promise<void>;
  /** Records the review on the draft only if its content is still what was reviewed. */
  recordReview(sequenceId: string, review: StoredReview): Promise<'recorded' | 'changed' | 'no-draft'>;
  getPointer(sequenceId: string): Promise<PublishedPointer | undefined>;
  listVersions(sequenceId: string): Promise<VersionMeta[]>;
  /** Stores an immutable version (a no-op if it exists) with its source and who published it first. */
  saveVersion(
    sequence: CompiledSequence,
    meta: { source?: SequenceDraft; publishedAt?: string; publishedBy?: string; review?: StoredReview },
  ): Promise<void>;
  versionSource(sequenceId: string, version: string): Promise<SequenceDraft | undefined>;
  /**
   * Moves the published pointer, if it still points where the caller saw it, and removes the
   * draft that was published if nobody saved a newer one meanwhile.
   */
  publish(
    pointer: PublishedPointer,
    expected: { version?: string; draftSavedAt: string },
  ): Promise<'published' | 'conflict'>;
}

/** Active enrolments of a sequence (those the due index holds). */
export interface EnrolmentIndex {
  activeEnrolments(sequenceId: string): Promise<Enrolment[]>;
  /** Re-pins one enrolment, if it is still where it was read and not being sent right now. */
  moveEnrolment(
    enrolment: Enrolment,
    to: { version: string; stepIndex: number; nextSendAt: string; receivedStepIds: string[] },
    at: string,
  ): Promise<boolean>;
}

/** Compiles a draft as the email build does (MJML strict, checks, version hash). */
export interface DraftCompiler {
  compile(
    draft: SequenceDraft,
    options?: { onlyStepId?: string },
  ): Promise<{
    sequence?: CompiledSequence;
    steps: Map<string, CompiledSequence['steps'][number]>;
    problems: { where: string; message: string }[];
    preview?: { html: string; text: string };
  }>;
}

/** The sequences shipped in the function bundle: compiled, and their editable source. */
export interface BundledSequence {
  compiled: CompiledSequence;
  source: SequenceDraft;
}

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
