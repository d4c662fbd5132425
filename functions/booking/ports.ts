import type { Enrolment } from '../lead/lead';
import type { BookingTool } from './booking-change';

/** Remembers deliveries already acted on, so a captured request sent again is refused. */
export interface ReplayGuard {
  /**
   * True the first time `key` is claimed; the claim is kept until `expiresAt`. A claim never
   * settled nor released within Lambda's longest run was abandoned, and can be claimed again.
   */
  claim(key: string, expiresAt: Date): Promise<boolean>;
  /** Gives a claim back when acting on the delivery failed, so the tool's own retry goes through. */
  release(key: string): Promise<void>;
  /** Marks a claim as acted on: from now on a repeat is a duplicate, not one still in progress. */
  settle(key: string): Promise<void>;
  /** Whether the claim on `key` was acted on (a claim from before settling existed counts as acted on). */
  isSettled(key: string): Promise<boolean>;
}

export type BookingInboxKind = 'unmatched-booking' | 'unmatched-cancellation' | 'cancellation-to-decide';

/** Something staff must look at: a booking for an address we do not know, or a cancellation to decide on. */
export interface BookingInboxEntry {
  kind: BookingInboxKind;
  tool: BookingTool;
  bookingId: string;
  at: string;
  leadId?: string;
  /** Only for unknown addresses: staff need it to find the person. */
  email?: string;
}

export interface BookingStore {
  /** booked → active again, noting when; false if the lead was not booked. */
  markCancelled(leadId: string, at: string): Promise<boolean>;
  /** The enrolments a booking ended: the cancellation is counted on their last steps. */
  bookedEnrolments(leadId: string): Promise<Enrolment[]>;
  /** Writes the enrolment unless one in that sequence is active; true if written. */
  enrol(enrolment: Enrolment): Promise<boolean>;
  /** Kept once per booking and kind: a retried notification adds nothing. */
  addToInbox(entry: BookingInboxEntry): Promise<void>;
  /** The newest entries first. */
  listInbox(limit: number): Promise<BookingInboxEntry[]>;
  /** Erasure: every entry about this person (by lead id, or by the address an unknown booking gave). */
  forgetInboxEntries(person: { leadId: string; email?: string }): Promise<number>;
}
