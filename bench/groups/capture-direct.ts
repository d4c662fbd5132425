import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoLeadRepository } from '../../functions/adapters/dynamodb/lead-repository';
import { DynamoRateLimiter } from '../../functions/adapters/dynamodb/rate-limiter';
import { CAPTURE_EMAIL_SPACING, captureRecords, claimedCaptureEmails } from '../../functions/lead/capture-lead';
import { leadIdFor } from '../../functions/lead/email-address';
import type { Enrolment } from '../../functions/lead/lead';
import { leadFormSchema } from '../../functions/lead/lead-form';
import { validLead } from '../../test/support/capture-harness';
import { BENCH_IDENTITY_KEY } from '../seed';

export interface DirectCaptureOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  dueShards: number;
  sequence: { id: string; version: string };
  practiceName: string;
  /**
   * Also make the handler's per-address rate-limit counter update
   * (functions/adapters/dynamodb/rate-limiter.ts) before the transaction, as it does. The
   * per-email limit rides on the lead write itself, so it costs no call of its own.
   */
  withRateLimitWrites: boolean;
}

/** What the bench posts to the real handler, parsed as the handler parses it. */
const BENCH_FORM = leadFormSchema.parse(validLead('bench@example.com'));

/**
 * The baseline for `capture.throughput_ratio`: the DynamoDB writes the capture path makes for
 * a new lead, made by the capture path's own adapter (functions/adapters/dynamodb/lead-repository.ts:
 * the same keys, items, conditions and idempotency token, so the baseline cannot drift from
 * it), with the records built by the capture path's own builder (captureRecords) from a form parsed
 * once, and no parsing, validation, middleware, email composition or SES call (and, optionally,
 * the per-address counter update the handler makes first, by its own adapter too). One
 * TransactWriteItems (lead, submission, consent, two capture emails, enrolment), then the two
 * UpdateItem calls that mark the capture emails sent, in parallel as the handler makes them.
 */
export function directCapture(options: DirectCaptureOptions) {
  const table = { client: options.doc, tableName: options.tableName, dueShards: options.dueShards };
  const leads = new DynamoLeadRepository(table);
  const rateLimiter = new DynamoRateLimiter(table, async () => BENCH_IDENTITY_KEY);

  return async (email: string, sourceIp: string): Promise<void> => {
    const requestId = randomUUID();
    const receivedAt = new Date();
    const now = receivedAt.toISOString();
    if (options.withRateLimitWrites) {
      await rateLimiter.hit({ kind: 'ip', subject: sourceIp, limit: 20, windowSeconds: 60 }, receivedAt);
    }
    const leadId = leadIdFor(email, BENCH_IDENTITY_KEY);
    const submissionId = `${now}#${requestId}`;
    const { lead, submission, consent } = captureRecords(
      { ...BENCH_FORM, email },
      { leadId, submissionId, now },
      { consentMode: 'single', practiceName: options.practiceName },
    );
    const enrolment: Enrolment = {
      leadId,
      sequenceId: options.sequence.id,
      sequenceVersion: options.sequence.version,
      status: 'active',
      stepIndex: 0,
      nextSendAt: now,
      timeZone: 'America/New_York',
      enrolledAt: now,
    };
    const retryAt = new Date(Date.now() + 600_000).toISOString();
    const intents = claimedCaptureEmails(['confirmation', 'staff-notification'], {
      leadId,
      submissionId,
      now,
      retryAt,
    });

    const windowMs = 60_000;
    await leads.recordSubmission({
      lead,
      returningProfile: 'fill-empty',
      submission,
      consent,
      enrolment,
      emails: intents,
      emailSpacing: CAPTURE_EMAIL_SPACING,
      requestToken: requestId,
      rateLimit: { limit: 5, windowStart: Math.floor(receivedAt.getTime() / windowMs) * windowMs, windowMs },
    });
    await Promise.all(
      intents.map((intent) => leads.markCaptureEmailSent(intent, randomUUID(), new Date().toISOString())),
    );
  };
}
