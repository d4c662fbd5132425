import type { Enrolment, Lead } from '../lead/lead';
import type { MessageHeader } from './auto-reply';

/** An inbound email as the receiving side hands it over: parsed, nothing decided yet. */
export interface InboundMessage {
  /** Where the raw message is kept (the S3 object key, or the local server's id): for staff and the logs. */
  sourceId: string;
  /** The Message-ID header, if any: a retried delivery of the same message is recognised by it. */
  messageId?: string;
  /** The From address (never trusted for matching on its own). */
  from?: string;
  /** Envelope recipients, To and Cc: where a reply address is looked for. */
  recipients: string[];
  subject?: string;
  /** Message ids of In-Reply-To and References, without angle brackets. */
  references: string[];
  headers: MessageHeader[];
  text?: string;
  html?: string;
}

/** A reply as the lead's timeline keeps it. */
export interface StoredReply {
  leadId: string;
  replyId: string;
  receivedAt: string;
  /** Sanitised plain text with quoted history trimmed. */
  text: string;
  matchedBy: 'reply-address' | 'in-reply-to';
  /** Sent from an address other than the lead's (a valid reply token attached it): shown flagged. */
  fromOtherAddress: boolean;
  /** Set for an automatic reply (out-of-office and the like): noted, the sequence goes on. */
  automatic?: string;
  sourceId: string;
  notifiedAt?: string;
}

export type RecordReplyResult = 'stored' | 'duplicate-notified' | 'duplicate-unnotified' | 'unknown-lead';

export interface ReplyStore {
  getLead(leadId: string): Promise<Lead | undefined>;
  /** The lead a sent sequence email went to, by its SES message id (In-Reply-To / References). */
  leadForSentMessage(messageId: string): Promise<string | undefined>;
  /** Active or pending enrolments become `replied` (paused: off the due index); the ones paused now. */
  pauseEnrolments(leadId: string, at: string): Promise<Enrolment[]>;
  /**
   * Stores the reply once (keyed by `replyId`), only while the lead exists; a person's reply
   * also opens the lead's reply follow-up task in the same write.
   */
  recordReply(reply: StoredReply): Promise<RecordReplyResult>;
  markReplyNotified(leadId: string, replyId: string, at: string): Promise<void>;
}

/** Remembers which lead each sequence email went to, so a reply's In-Reply-To finds the lead. */
export interface SentMessageIndex {
  remember(messageId: string, leadId: string, sentAt: string): Promise<void>;
  /** Deletes these entries (an erasure). */
  forgetSentMessages(messageIds: string[]): Promise<number>;
}

/** Where received messages are kept raw (S3 in AWS, memory locally), by SES message id. */
export interface RawMessageStore {
  get(messageId: string): Promise<Buffer | undefined>;
}
