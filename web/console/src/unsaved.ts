import type { SequenceDraft } from './types';

/**
 * Unsaved edits of a sequence draft, kept in this tab (sessionStorage) while the editor has
 * changes: when a session ends mid-edit (the token runs out after an hour), signing in again
 * brings the edits back instead of losing them. Dropped on save, and when the user chooses to
 * leave or sign out without saving.
 */
const PREFIX = 'console.unsaved.';

export function keepUnsaved(sequenceId: string, draft: SequenceDraft): void {
  try {
    sessionStorage.setItem(PREFIX + sequenceId, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the page still works, only without this safety net.
  }
}

export function readUnsaved(sequenceId: string): SequenceDraft | undefined {
  try {
    const stored = sessionStorage.getItem(PREFIX + sequenceId);
    return stored ? (JSON.parse(stored) as SequenceDraft) : undefined;
  } catch {
    return undefined;
  }
}

export function dropUnsaved(sequenceId: string): void {
  sessionStorage.removeItem(PREFIX + sequenceId);
}
