import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type RateWindow, windowKey } from '../../functions/abuse/rate-limit';
import { keys, leadListKeys } from '../../functions/adapters/dynamodb/keys';
import { captureEmailItem, enrolmentItem, leadSearchText } from '../../functions/adapters/dynamodb/lead-repository';
import { TTL_ATTRIBUTE } from '../../functions/adapters/dynamodb/table-schema';
import { transactionToken } from '../../functions/adapters/dynamodb/transactions';
import { consentText } from '../../functions/consent/consent-text';
import { leadIdFor } from '../../functions/lead/email-address';
import type {
  Attribution,
  CaptureEmailIntent,
  ConsentRecord,
  Enrolment,
  Lead,
  Submission,
} from '../../functions/lead/lead';
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

/**
 * The baseline for `capture.throughput_ratio`: the DynamoDB writes the capture path makes for
 * a new lead (functions/adapters/dynamodb/lead-repository.ts, functions/lead/capture-lead.ts),
 * issued straight from the document client with no parsing, validation, middleware, email
 * composition or SES call (and, optionally, the per-address counter update the handler makes first). One TransactWriteItems (lead, submission, consent, two capture
 * emails, enrolment; the same conditions and idempotency token), then the two UpdateItem
 * calls that mark the capture emails sent, in parallel as the handler makes them.
 */
export function directCapture(options: DirectCaptureOptions) {
  const { doc, tableName, dueShards } = options;
  const put = (Item: Record<string, unknown>, onlyIfNew = false) => ({
    Put: { TableName: tableName, Item, ...(onlyIfNew ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}) },
  });

  const countHit = (window: RateWindow, at: Date) => {
    const { key, windowEnds } = windowKey(window, at);
    return doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `RATE#${key}`, sk: 'RATE' },
        UpdateExpression: 'ADD hits :one SET #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': 1, ':ttl': Math.ceil(windowEnds.getTime() / 1000) + 60 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
  };

  return async (email: string, sourceIp: string): Promise<void> => {
    const requestId = randomUUID();
    const receivedAt = new Date();
    const now = receivedAt.toISOString();
    if (options.withRateLimitWrites) {
      await countHit({ kind: 'ip', subject: sourceIp, limit: 20, windowSeconds: 60 }, receivedAt);
    }
    const leadId = leadIdFor(email, BENCH_IDENTITY_KEY);
    const submissionId = `${now}#${requestId}`;
    const attribution: Attribution = {
      utmSource: 'newsletter',
      utmMedium: 'email',
      utmCampaign: 'exosomes-nov',
      landingPath: '/',
    };
    const profile = {
      firstName: 'Dana',
      lastName: 'Whitfield',
      phone: '+18135550199',
      preferredContact: 'email' as const,
      interests: ['fraxel-aftercare' as const, 'hair-restoration' as const],
      timeZone: 'America/New_York',
    };
    const lead: Lead = {
      leadId,
      email,
      ...profile,
      status: 'active',
      createdAt: now,
      updatedAt: now,
      submissionCount: 1,
      firstTouch: attribution,
      lastTouch: attribution,
    };
    const submission: Submission = {
      leadId,
      submissionId,
      receivedAt: now,
      ...profile,
      message: 'Is this suitable after my second Fraxel session?',
      attribution,
    };
    const consent: ConsentRecord = {
      leadId,
      submissionId,
      givenAt: now,
      textVersion: '2026-11-01',
      text: consentText('2026-11-01', options.practiceName),
      mode: 'single',
      sourcePage: '/',
      attribution,
    };
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
    const intents = (['confirmation', 'staff-notification'] as const).map(
      (kind): CaptureEmailIntent => ({
        leadId,
        submissionId,
        kind,
        status: 'pending',
        createdAt: now,
        retryAt,
        attempts: 0,
      }),
    );

    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          put(
            {
              ...keys.lead(leadId),
              type: 'lead',
              ...lead,
              searchText: leadSearchText(lead),
              ...leadListKeys(now, leadId),
              rateWindow: Math.floor(receivedAt.getTime() / 60_000) * 60_000,
              rateCount: 1,
            },
            true,
          ),
          put({ ...keys.submission(leadId, submissionId), type: 'submission', ...submission }),
          put({ ...keys.consent(leadId, submissionId), type: 'consent', ...consent }),
          ...intents.map((intent) => put(captureEmailItem(intent, dueShards))),
          put(enrolmentItem(enrolment, dueShards), true),
        ],
        ClientRequestToken: transactionToken('new', requestId),
      }),
    );
    await Promise.all(
      intents.map((intent) =>
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.captureEmail(intent.leadId, intent.submissionId, intent.kind),
            UpdateExpression:
              'SET #status = :sent, messageId = :messageId, sentAt = :sentAt ADD attempts :one REMOVE duePk, dueAt',
            ConditionExpression: 'attribute_exists(pk) AND #status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':sent': 'sent',
              ':pending': 'pending',
              ':messageId': randomUUID(),
              ':sentAt': new Date().toISOString(),
              ':one': 1,
            },
          }),
        ),
      ),
    );
  };
}
