import type { WorkMessage } from '../../../functions/drip/messages';
import type {
  CaptureEmailResult,
  CaptureEmailStore,
  DueEntry,
  DueIndex,
  EnrolmentAdvance,
  EnrolmentStore,
  SendRecord,
  SendRecordStore,
  StepCounter,
  StepStats,
  SuppressionList,
  SuppressionReason,
  WorkQueue,
} from '../../../functions/drip/ports';
import type { AddressIds } from '../../../functions/lead/address-ids';
import type { CaptureEmailIntent, Enrolment, ExitReason } from '../../../functions/lead/lead';
import { testLeadId, testSuppressionHash } from '../identity';
import {
  captureEmailKey,
  copy,
  type Due,
  defined,
  enrolmentKey,
  item,
  type MemoryTable,
  sendKey,
  submissionKey,
} from './memory-table';

/**
 * In-memory fakes of the drip ports, with the DynamoDB adapters' conditions: a step is claimed
 * once and only while its lead exists, a finish lands only on its own claim and moves the
 * enrolment only from the step it was at, an event is noted once. The contract test
 * (test/unit/drip-store-contract.test.ts) runs the same cases against both.
 */
export class MemoryEnrolmentStore implements EnrolmentStore {
  constructor(private readonly table: MemoryTable) {}

  async getEnrolment(leadId: string, sequenceId: string) {
    return copy(this.table.enrolments.get(enrolmentKey(leadId, sequenceId))?.item);
  }

  async getLead(leadId: string) {
    return this.table.leadOf(leadId);
  }

  async advanceEnrolment(enrolment: Enrolment, advance: EnrolmentAdvance): Promise<boolean> {
    return advanceIfAt(this.table, { stepId: '', status: 'skipped' }, enrolment, advance);
  }

  async exitEnrolments(leadId: string, reason: ExitReason, at: string): Promise<Enrolment[]> {
    const exited: Enrolment[] = [];
    for (const stored of this.table.enrolmentsOf(leadId)) {
      if (!['active', 'pending', 'replied'].includes(stored.item.status)) continue;
      const read = copy(stored.item);
      stored.item = withoutDue({ ...stored.item, status: 'exited', exitReason: reason, exitedAt: at });
      stored.dueAt = undefined;
      exited.push({ ...read, status: 'exited', exitReason: reason, exitedAt: at });
    }
    return exited;
  }

  async creditCompleted(leadId: string, reason: 'unsubscribed' | 'booked', at: string): Promise<number> {
    let credited = 0;
    for (const stored of this.table.enrolmentsOf(leadId)) {
      const { item } = stored;
      const mark = `${reason}AfterCompletionAt`;
      if (item.status !== 'completed' || !item.lastStepId || item[mark] !== undefined) continue;
      item[mark] = at;
      const step = { sequenceId: item.sequenceId, stepId: item.lastStepId, variant: item.lastVariant ?? 'a' };
      this.table.count({ ...step, day: at.slice(0, 10) }, reason);
      credited++;
    }
    return credited;
  }

  async markLeadBooked(leadId: string, at: string): Promise<boolean> {
    const lead = this.table.leads.get(leadId);
    if (!lead || lead.status === 'booked') return false;
    Object.assign(lead, { status: 'booked', bookedAt: at, updatedAt: at });
    return true;
  }
}

export class MemorySendRecordStore implements SendRecordStore {
  constructor(private readonly table: MemoryTable) {}

  async getSendRecord(leadId: string, sequenceId: string, stepId: string) {
    return copy(this.table.sendRecords.get(sendKey(leadId, sequenceId, stepId)));
  }

  async claimStep(record: SendRecord): Promise<boolean> {
    const key = sendKey(record.leadId, record.sequenceId, record.stepId);
    const existing = this.table.sendRecords.get(key);
    // DynamoDB answers a repeat of the same claim (same request token) as a success.
    if (existing) return existing.claimId === record.claimId && existing.status === 'claimed';
    if (!this.table.leads.has(record.leadId)) return false;
    this.table.sendRecords.set(key, item(record));
    return true;
  }

  async releaseClaim(record: SendRecord): Promise<void> {
    const key = sendKey(record.leadId, record.sequenceId, record.stepId);
    const existing = this.table.sendRecords.get(key);
    if (existing?.claimId === record.claimId && existing.status === 'claimed') this.table.sendRecords.delete(key);
  }

  async finishStep(record: SendRecord, enrolment: Enrolment, advance: EnrolmentAdvance): Promise<void> {
    const stored = this.table.sendRecords.get(sendKey(record.leadId, record.sequenceId, record.stepId));
    if (stored?.claimId !== record.claimId) return; // someone else finished this claim
    const { status, finishedAt, messageId, sentAt, reason, variant } = record;
    // In place: an event noted between the send and this write stays.
    Object.assign(stored, defined({ status, finishedAt, messageId, sentAt, reason, variant }));
    advanceIfAt(this.table, record, enrolment, advance);
  }

  async recordEmailEvent(
    ...[leadId, sequenceId, stepId, event, at, count]: Parameters<SendRecordStore['recordEmailEvent']>
  ): Promise<boolean> {
    const stored = this.table.sendRecords.get(sendKey(leadId, sequenceId, stepId));
    if (!stored || stored[event] !== undefined) return false;
    stored[event] = at;
    if (count) this.table.count({ sequenceId, stepId, variant: count.variant, day: count.day }, count.counter);
    return true;
  }
}

export class MemoryCaptureEmailStore implements CaptureEmailStore {
  constructor(private readonly table: MemoryTable) {}

  async getCaptureEmail(leadId: string, submissionId: string, kind: string) {
    return copy(this.table.captureEmails.get(captureEmailKey(leadId, submissionId, kind))?.item);
  }

  async getSubmission(leadId: string, submissionId: string) {
    return copy(this.table.submissions.get(submissionKey(leadId, submissionId)));
  }

  async claimCaptureEmail(intent: CaptureEmailIntent, at: string, claimId: string): Promise<boolean> {
    const stored = this.table.captureEmails.get(captureEmailKey(intent.leadId, intent.submissionId, intent.kind));
    if (stored?.item.status !== 'pending') return false;
    Object.assign(stored.item, { status: 'sending', claimedAt: at, claimId });
    return true;
  }

  async finishCaptureEmail(intent: CaptureEmailIntent, result: CaptureEmailResult): Promise<void> {
    const stored = this.table.captureEmails.get(captureEmailKey(intent.leadId, intent.submissionId, intent.kind));
    if (stored?.item.status !== 'sending') return; // erased, or no longer this worker's claim
    const { item } = stored;
    if (result.status === 'pending') {
      const countAttempt = result.countAttempt ?? true;
      // Given back for the stream's next delivery of the record (it is not in the due index).
      Object.assign(item, { status: 'pending', lastError: result.reason ?? 'retry' });
      if (countAttempt) item.attempts += 1;
      return;
    }
    Object.assign(item, {
      status: result.status,
      finishedAt: result.at,
      ...(result.messageId ? { messageId: result.messageId, sentAt: result.at } : {}),
      ...(result.reason ? { lastError: result.reason } : {}),
    });
    item.attempts += 1;
  }
}

/**
 * Moves the enrolment on only if it is still active at the step it was read at; after a send
 * it remembers that step, for credits that come later.
 */
function advanceIfAt(
  table: MemoryTable,
  record: Pick<SendRecord, 'status' | 'stepId' | 'sentAt' | 'variant' | 'path'>,
  enrolment: Enrolment,
  advance: EnrolmentAdvance,
): boolean {
  const stored = table.enrolments.get(enrolmentKey(enrolment.leadId, enrolment.sequenceId));
  if (stored?.item.stepIndex !== enrolment.stepIndex || stored.item.status !== 'active') return false;
  const sent =
    record.status === 'sent'
      ? {
          lastSentAt: record.sentAt,
          lastStepId: record.stepId,
          lastVariant: record.variant ?? 'a',
          ...(record.path ? { lastPath: record.path } : {}),
        }
      : {};
  if (advance.kind === 'next') {
    Object.assign(stored.item, defined({ stepIndex: advance.stepIndex, nextSendAt: advance.nextSendAt, ...sent }));
    stored.dueAt = advance.nextSendAt;
    return true;
  }
  const ended =
    advance.kind === 'complete'
      ? { status: 'completed', completedAt: advance.at }
      : { status: 'exited', exitedAt: advance.at, exitReason: advance.reason };
  stored.item = withoutDue({ ...stored.item, ...defined({ ...ended, ...sent }) } as typeof stored.item);
  stored.dueAt = undefined;
  return true;
}

function withoutDue<T extends { nextSendAt?: string }>(item: T): T {
  const { nextSendAt: _next, ...rest } = item;
  return rest as T;
}

/** The sparse due index over the memory table: active enrolments (capture emails go by the stream). */
export class MemoryDueIndex implements DueIndex {
  constructor(
    private readonly table: MemoryTable,
    private readonly pageSize = 200,
  ) {}

  private entries(shard?: number): { key: string; stored: Due<Record<string, unknown>>; message: WorkMessage }[] {
    const steps = [...this.table.enrolments].map(([key, stored]) => ({
      key: `E#${key}`,
      stored,
      message: {
        kind: 'step' as const,
        leadId: stored.item.leadId,
        sequenceId: stored.item.sequenceId,
        stepIndex: stored.item.stepIndex,
        dueAt: stored.item.nextSendAt ?? stored.dueAt ?? '',
      },
    }));
    return steps
      .filter((entry) => entry.stored.dueAt !== undefined)
      .filter((entry) => shard === undefined || this.table.shardOf(entry.message.leadId) === shard)
      .sort((a, b) => (a.stored.dueAt! < b.stored.dueAt! ? -1 : a.stored.dueAt! > b.stored.dueAt! ? 1 : 0));
  }

  async duePage(shard: number, upTo: string, cursor?: string): Promise<{ entries: DueEntry[]; cursor?: string }> {
    const due = this.entries(shard).filter((entry) => entry.stored.dueAt! <= upTo);
    const start = cursor ? due.findIndex((entry) => entry.key === cursor) + 1 : 0;
    const page = due.slice(start, start + this.pageSize);
    const more = start + page.length < due.length;
    return {
      entries: page.map((entry) => ({ message: entry.message, dueAt: entry.stored.dueAt! })),
      ...(more ? { cursor: page.at(-1)!.key } : {}),
    };
  }

  async lease(entry: DueEntry, until: string): Promise<boolean> {
    const { message } = entry;
    const stored = this.table.enrolments.get(enrolmentKey(message.leadId, message.sequenceId));
    if (stored?.dueAt === undefined || stored.dueAt !== entry.dueAt) return false;
    stored.dueAt = until;
    return true;
  }

  async earliestDue(): Promise<string | undefined> {
    return this.entries()[0]?.stored.dueAt;
  }
}

/** Counts on the memory table's counters. */
export class MemoryStepStats implements StepStats {
  constructor(private readonly table: MemoryTable) {}

  async increment(at: { sequenceId: string; stepId: string; variant: string; day: string }, counter: StepCounter) {
    this.table.count(at, counter);
  }
}

/** Keyed by the address as given, lower-cased; the first reason is kept. */
/** Lead ids and suppression hashes keyed with the tests' key, on a stack with nothing to migrate. */
export const memoryAddressIds: AddressIds = {
  leadIdFor: async (address) => testLeadId(address),
  suppressionHashFor: async (address) => testSuppressionHash(address),
  suppressionHashesOf: async (address) => [testSuppressionHash(address)],
  currentLeadId: async (leadId) => leadId,
};

export class MemorySuppressionList implements SuppressionList {
  readonly reasons = new Map<string, SuppressionReason>();

  async reasonFor(address: string) {
    return this.reasons.get(address.trim().toLowerCase());
  }

  async suppress(address: string, reason: SuppressionReason, _at?: string) {
    const key = address.trim().toLowerCase();
    if (!this.reasons.has(key)) this.reasons.set(key, reason);
  }
}

/** Takes every message, or refuses those `refuse` picks (as a failed SQS batch entry). */
export class MemoryWorkQueue implements WorkQueue {
  readonly sent: WorkMessage[] = [];

  constructor(private readonly refuse: (message: WorkMessage) => boolean = () => false) {}

  async send(messages: WorkMessage[]): Promise<{ failed: WorkMessage[] }> {
    const failed = messages.filter(this.refuse);
    this.sent.push(...messages.filter((message) => !failed.includes(message)).map(copy));
    return { failed };
  }
}
