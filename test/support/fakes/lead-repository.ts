import type { CaptureEmailIntent, Enrolment, Lead } from '../../../functions/lead/lead';
import type { LeadRepository, RecordedSubmission, SubmissionWrite } from '../../../functions/lead/ports';
import { captureEmailKey, copy, defined, enrolmentKey, item, type MemoryTable, submissionKey } from './memory-table';

/**
 * The capture path's repository in memory, with DynamoDB's rules: a new lead goes in with its
 * enrolment and emails all at once; a returning submission is counted against the per-email
 * limit, fills only empty profile fields (or none), keeps the one enrolment the lead has, and
 * stores a capture email only if that kind's slot on the lead is free; the same request token
 * twice stores nothing twice.
 */
export class MemoryLeadRepository implements LeadRepository {
  private readonly answered = new Map<string, RecordedSubmission>();

  constructor(private readonly table: MemoryTable) {}

  async recordSubmission(write: SubmissionWrite): Promise<RecordedSubmission> {
    const repeat = this.answered.get(write.requestToken);
    if (repeat) return copy(repeat);
    const result = this.table.leads.has(write.lead.leadId) ? this.returning(write) : this.newLead(write);
    this.answered.set(write.requestToken, copy(result));
    return result;
  }

  private newLead(write: SubmissionWrite): RecordedSubmission {
    const { lead, enrolment } = write;
    const slots = Object.fromEntries(write.emails.map((intent) => [slotOf(intent.kind), lead.createdAt]));
    const rate = write.rateLimit ? { rateWindow: write.rateLimit.windowStart, rateCount: 1 } : {};
    this.table.leads.set(lead.leadId, copy(defined({ ...lead, ...rate, ...slots })));
    this.storeHistory(write);
    for (const intent of write.emails) this.storeEmail(intent, write);
    if (enrolment) this.storeEnrolment(enrolment);
    return { isNewLead: true, lead: copy(lead), emails: copy(write.emails) };
  }

  private returning(write: SubmissionWrite): RecordedSubmission {
    const { lead, rateLimit } = write;
    const stored = this.table.leads.get(lead.leadId)!;
    if (rateLimit) {
      const sameWindow = stored.rateWindow === rateLimit.windowStart;
      if (sameWindow && (stored.rateCount ?? 0) >= rateLimit.limit) return { rateLimited: true };
      stored.rateCount = sameWindow ? (stored.rateCount ?? 0) + 1 : 1;
      stored.rateWindow = rateLimit.windowStart;
    }
    Object.assign(stored, defined({ updatedAt: lead.updatedAt, lastTouch: copy(lead.lastTouch) }));
    if (write.returningProfile === 'fill-empty') fillEmpty(stored, lead);
    stored.submissionCount += 1;
    this.storeHistory(write);
    if (write.enrolment && !this.table.enrolments.has(enrolmentKey(lead.leadId, write.enrolment.sequenceId))) {
      this.storeEnrolment(write.enrolment);
    }
    const emails = write.emails.filter((intent) => this.takeSlot(intent, write));
    for (const intent of emails) this.storeEmail(intent, write);
    return { isNewLead: false, lead: this.table.leadOf(lead.leadId)!, emails: copy(emails) };
  }

  /** The lead's last email of this kind must be at least the spacing old. */
  private takeSlot(intent: CaptureEmailIntent, write: SubmissionWrite): boolean {
    const stored = this.table.leads.get(intent.leadId)!;
    const slot = slotOf(intent.kind);
    const everyMs =
      intent.kind === 'staff-notification' ? write.emailSpacing.staffEveryMs : write.emailSpacing.visitorEveryMs;
    const since = new Date(Date.parse(intent.createdAt) - everyMs).toISOString();
    const last = stored[slot];
    if (last !== undefined && last > since) return false;
    stored[slot] = intent.createdAt;
    return true;
  }

  private storeHistory(write: SubmissionWrite): void {
    const key = submissionKey(write.submission.leadId, write.submission.submissionId);
    this.table.submissions.set(key, copy(defined(write.submission)));
    this.table.consents.set(key, copy(defined(write.consent) as unknown as Record<string, unknown>));
  }

  private storeEmail(intent: CaptureEmailIntent, write: SubmissionWrite): void {
    const key = captureEmailKey(intent.leadId, intent.submissionId, intent.kind);
    this.table.captureEmails.set(key, { item: item(intent), dueAt: intent.retryAt });
    if (intent.kind === 'opt-in' && write.optIn) this.table.optIns.set(write.optIn.tokenHash, copy({ ...write.optIn }));
  }

  private storeEnrolment(enrolment: Enrolment): void {
    const due = enrolment.status === 'active' && enrolment.nextSendAt ? enrolment.nextSendAt : undefined;
    this.table.enrolments.set(enrolmentKey(enrolment.leadId, enrolment.sequenceId), {
      item: item(enrolment),
      dueAt: due,
    });
  }

  async markCaptureEmailSent(intent: CaptureEmailIntent, messageId: string, sentAt: string): Promise<void> {
    this.endClaim(intent, { status: 'sent', messageId, sentAt }, true);
  }

  async markCaptureEmailUnsent(intent: CaptureEmailIntent, reason: string): Promise<void> {
    this.endClaim(intent, { status: 'pending', lastError: reason.slice(0, 200) }, false);
  }

  async markCaptureEmailUnknown(intent: CaptureEmailIntent, reason: string, at: string): Promise<void> {
    this.endClaim(intent, { status: 'failed', lastError: reason.slice(0, 200), finishedAt: at }, true);
  }

  /** Only the capture request's own claim (status sending) ends here: erased or taken over, nothing. */
  private endClaim(intent: CaptureEmailIntent, fields: Record<string, unknown>, leavesIndex: boolean): void {
    const stored = this.table.captureEmails.get(captureEmailKey(intent.leadId, intent.submissionId, intent.kind));
    if (stored?.item.status !== 'sending') return;
    Object.assign(stored.item, fields);
    stored.item.attempts += 1;
    if (leavesIndex) stored.dueAt = undefined;
  }
}

function slotOf(kind: CaptureEmailIntent['kind']): 'lastStaffEmailAt' | 'lastVisitorEmailAt' {
  return kind === 'staff-notification' ? 'lastStaffEmailAt' : 'lastVisitorEmailAt';
}

/** Sets only the profile fields still empty: an anonymous post never rewrites who the person is. */
function fillEmpty(stored: Lead, lead: Lead): void {
  for (const field of ['lastName', 'phone', 'preferredContact', 'interests', 'timeZone'] as const) {
    if (stored[field] === undefined && lead[field] !== undefined) Object.assign(stored, { [field]: copy(lead[field]) });
  }
}
