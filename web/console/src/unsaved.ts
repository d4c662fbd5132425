import type { SequenceDraft } from './types';

/**
 * A sequence draft's unsaved edits, kept in this tab (sessionStorage) when the session ends
 * mid-edit (Cognito refused to renew the tokens, or a local token ran out), so signing in again
 * brings them back. They are
 * only brought back to the same user, and only if nobody saved the draft meanwhile (a save
 * carries no version check, so restoring then would silently undo a colleague's work).
 */
export interface UnsavedEdits {
  username: string;
  /** When the draft the edits started from was saved ('' for the published version). */
  baseSavedAt: string;
  draft: SequenceDraft;
}

const PREFIX = 'console.unsaved.';

export function keepUnsaved(sequenceId: string, edits: UnsavedEdits): void {
  try {
    sessionStorage.setItem(PREFIX + sequenceId, JSON.stringify(edits));
  } catch {
    // Storage full or disabled: the page still works, only without this safety net.
  }
}

/** The kept edits, taken out of storage (they are offered once). */
export function takeUnsaved(sequenceId: string): UnsavedEdits | undefined {
  try {
    const stored = sessionStorage.getItem(PREFIX + sequenceId);
    sessionStorage.removeItem(PREFIX + sequenceId);
    const edits = stored ? (JSON.parse(stored) as Partial<UnsavedEdits>) : undefined;
    const valid =
      typeof edits?.username === 'string' &&
      typeof edits.baseSavedAt === 'string' &&
      Array.isArray(edits.draft?.definition?.steps) &&
      typeof edits.draft?.templates === 'object';
    return valid ? (edits as UnsavedEdits) : undefined;
  } catch {
    return undefined;
  }
}
