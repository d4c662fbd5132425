import type { SequenceDraft } from '../admin/contract';
import type { Enrolment } from '../lead/lead';
import type { CompiledSequence } from './compiled';

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
  /** The topics each of these leads chose (what its path follows); a lead not found is left out. */
  interestsOf(leadIds: readonly string[]): Promise<Map<string, string[]>>;
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

export interface SequenceVersions {
  get(sequenceId: string, version: string): Promise<CompiledSequence | undefined>;
}

/** The sequence a new lead is enrolled in: the published version at the time of sign-up. */
export interface PublishedSequenceRef {
  sequenceId: string;
  version: string;
  timeZoneFallback: string;
}

export interface SequenceCatalog {
  current(sequenceId: string): Promise<PublishedSequenceRef>;
}
