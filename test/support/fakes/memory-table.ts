import { dueShard } from '../../../functions/adapters/dynamodb/keys';
import type { SendRecord } from '../../../functions/drip/ports';
import type { CaptureEmailIntent, Enrolment, Lead, Submission } from '../../../functions/lead/lead';

/**
 * What the one DynamoDB table holds, in memory, for the fakes of the narrow ports. The fakes
 * share it as the adapters share the table: a claim needs the lead, a finished step moves the
 * enrolment, a credit counts on the step's stats. Items are copied in and out, so a use case
 * holding an object it read sees no later write (as with DynamoDB).
 */
export class MemoryTable {
  readonly leads = new Map<string, Lead & LeadBookkeeping>();
  readonly enrolments = new Map<string, Due<Item<Enrolment>>>();
  readonly sendRecords = new Map<string, Item<SendRecord>>();
  readonly captureEmails = new Map<string, Due<Item<CaptureEmailIntent>>>();
  readonly submissions = new Map<string, Submission>();
  readonly consents = new Map<string, Record<string, unknown>>();
  readonly optIns = new Map<string, Record<string, unknown>>();
  /** Step counters, by `sequence#step#variant#day#counter`. */
  readonly counters = new Map<string, number>();

  constructor(readonly dueShards = 4) {}

  shardOf(leadId: string): number {
    return Number(dueShard(leadId, this.dueShards).slice('DUE#'.length));
  }

  count(at: { sequenceId: string; stepId: string; variant: string; day: string }, counter: string): void {
    const key = counterKey(at, counter);
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
  }

  counted(at: { sequenceId: string; stepId: string; variant: string; day: string }, counter: string): number {
    return this.counters.get(counterKey(at, counter)) ?? 0;
  }

  /** The lead as the adapters hand it out: without the rate window and the email slots. */
  leadOf(leadId: string): Lead | undefined {
    const stored = this.leads.get(leadId);
    if (!stored) return undefined;
    const { rateWindow: _w, rateCount: _c, lastVisitorEmailAt: _v, lastStaffEmailAt: _s, ...lead } = stored;
    return copy(lead);
  }

  enrolmentsOf(leadId: string): Due<Item<Enrolment>>[] {
    return [...this.enrolments.values()].filter((stored) => stored.item.leadId === leadId);
  }
}

/** An item that may sit in the sparse due index: `dueAt` is the index's sort key, leases move it. */
export interface Due<T> {
  item: T;
  dueAt?: string;
}

/** What the lead item carries besides the lead: the rate window and the capture email slots. */
export interface LeadBookkeeping {
  rateWindow?: number;
  rateCount?: number;
  lastVisitorEmailAt?: string;
  lastStaffEmailAt?: string;
}

export const enrolmentKey = (leadId: string, sequenceId: string) => `${leadId}#${sequenceId}`;
export const sendKey = (leadId: string, sequenceId: string, stepId: string) => `${leadId}#${sequenceId}#${stepId}`;
export const captureEmailKey = (leadId: string, submissionId: string, kind: string) =>
  `${leadId}#${submissionId}#${kind}`;
export const submissionKey = (leadId: string, submissionId: string) => `${leadId}#${submissionId}`;

function counterKey(at: { sequenceId: string; stepId: string; variant: string; day: string }, counter: string) {
  return `${at.sequenceId}#${at.stepId}#${at.variant}#${at.day}#${counter}`;
}

/** A deep copy, so what a fake hands out or takes in is not shared with what it stores. */
export function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

/** A stored item: its domain type, plus what the table adds (an event time, a credit mark...). */
export type Item<T> = T & Record<string, unknown>;

/** A copy to store, without its undefined fields (the document client drops them). */
export function item<T extends object>(value: T): Item<T> {
  return copy(defined(value)) as Item<T>;
}

/** Drops the fields that are undefined, as the document client does when it writes an item. */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
