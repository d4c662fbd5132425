import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OptInStore } from '../../consent/confirm-opt-in';
import type { OptInRecord } from '../../consent/opt-in-token';
import type { CaptureEmailIntent, Enrolment, Lead, Submission } from '../../lead/lead';
import type { LeadRepository, RecordedSubmission, SubmissionWrite } from '../../lead/ports';
import { dueShard, keys, leadListKeys } from './keys';
import type { Table } from './table';
import { TTL_ATTRIBUTE } from './table-schema';
import { cancellationCodes, isConditionFailure, transactionToken, withConflictRetry } from './transactions';

/**
 * Lower-case "first last email" on the lead item: the console's search matches it with one
 * `contains` filter, case-insensitively. Leads stored before it existed are matched on their
 * first name and email instead.
 */
export function leadSearchText(lead: Pick<Lead, 'firstName' | 'lastName' | 'email'>): string {
  return [lead.firstName, lead.lastName, lead.email].filter(Boolean).join(' ').toLowerCase();
}

type Put = { Put: { TableName: string; Item: Record<string, unknown>; ConditionExpression?: string } };

export function enrolmentItem(enrolment: Enrolment, dueShards: number): Record<string, unknown> {
  const due =
    enrolment.status === 'active' && enrolment.nextSendAt
      ? { duePk: dueShard(enrolment.leadId, dueShards), dueAt: enrolment.nextSendAt }
      : {};
  return { ...keys.enrolment(enrolment.leadId, enrolment.sequenceId), type: 'enrolment', ...enrolment, ...due };
}

/** Its INSERT on the table's stream is what delivers it (functions/lambdas/capture-mailer). */
export function captureEmailItem(intent: CaptureEmailIntent): Record<string, unknown> {
  return { ...keys.captureEmail(intent.leadId, intent.submissionId, intent.kind), type: 'capture-email', ...intent };
}

/** Expired tokens are refused by the checks in findOptInToken and confirmLead; TTL only tidies them away. */
export function optInItem(record: OptInRecord): Record<string, unknown> {
  return {
    ...keys.optIn(record.tokenHash),
    type: 'opt-in-token',
    leadId: record.leadId,
    submissionId: record.submissionId,
    validUntil: record.expiresAt,
    [TTL_ATTRIBUTE]: Math.ceil(Date.parse(record.expiresAt) / 1000),
  };
}

export class DynamoLeadRepository implements LeadRepository, OptInStore {
  constructor(private readonly table: Table) {}

  async recordSubmission(write: SubmissionWrite): Promise<RecordedSubmission> {
    return withConflictRetry(async () => {
      try {
        await this.writeNewLead(write);
        return { isNewLead: true, lead: write.lead, emails: write.emails };
      } catch (error) {
        if (cancellationCodes(error)?.[0] !== 'ConditionalCheckFailed') throw error;
      }
      return this.writeReturningLead(write);
    });
  }

  private async writeNewLead(write: SubmissionWrite): Promise<void> {
    const { lead, enrolment } = write;
    const items: Put[] = [
      this.put(
        {
          ...keys.lead(lead.leadId),
          type: 'lead',
          ...lead,
          searchText: leadSearchText(lead),
          ...leadListKeys(lead.createdAt, lead.leadId),
          ...(write.rateLimit ? { rateWindow: write.rateLimit.windowStart, rateCount: 1 } : {}),
          ...emailSlotsTaken(write.emails, lead.createdAt),
        },
        true,
      ),
      ...this.historyPuts(write),
      ...write.emails.map((intent) => this.put(captureEmailItem(intent))),
      ...(enrolment ? [this.put(enrolmentItem(enrolment, this.table.dueShards), true)] : []),
    ];
    await this.table.client.send(
      new TransactWriteCommand({
        TransactItems: items,
        ClientRequestToken: transactionToken('new', write.requestToken),
      }),
    );
  }

  /**
   * The per-email limit is checked on the lead item itself, in the same transaction, so it costs
   * no extra call: the count goes up within the current window, or restarts in a new one.
   */
  private async writeReturningLead(write: SubmissionWrite): Promise<RecordedSubmission> {
    const { lead, enrolment, rateLimit } = write;
    const attempts = rateLimit
      ? [
          {
            phase: 'returning-same-window',
            condition: 'attribute_exists(pk) AND rateWindow = :window AND rateCount < :limit',
            rate: 'rateCount = rateCount + :one',
            values: { ':window': rateLimit.windowStart, ':limit': rateLimit.limit },
          },
          {
            phase: 'returning-new-window',
            condition: 'attribute_exists(pk) AND (attribute_not_exists(rateWindow) OR rateWindow <> :window)',
            rate: 'rateWindow = :window, rateCount = :one',
            values: { ':window': rateLimit.windowStart },
          },
        ]
      : [{ phase: 'returning', condition: 'attribute_exists(pk)', rate: '', values: {} }];
    for (const attempt of attempts) {
      const update = returningLeadUpdate(lead, attempt.rate, write.returningProfile);
      try {
        await this.table.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.table.tableName,
                  Key: keys.lead(lead.leadId),
                  ConditionExpression: attempt.condition,
                  ...update,
                  ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...attempt.values },
                },
              },
              ...this.historyPuts(write),
            ],
            ClientRequestToken: transactionToken(attempt.phase, write.requestToken),
          }),
        );
      } catch (error) {
        if (cancellationCodes(error)?.[0] !== 'ConditionalCheckFailed') throw error;
        continue;
      }
      if (enrolment) await this.ensureEnrolment(enrolment);
      if (write.returningProfile === 'fill-empty') await this.completeSearchText(lead);
      const emails: CaptureEmailIntent[] = [];
      for (const intent of write.emails) {
        if (await this.storeIfDue(intent, write)) emails.push(intent);
      }
      const stored = await this.getLead(lead.leadId);
      if (!stored) throw new Error('The lead disappeared while its submission was stored');
      return { isNewLead: false, lead: stored, emails };
    }
    if (!rateLimit) throw new Error('The lead disappeared while its submission was stored');
    // Same window, limit reached (or the lead was erased a moment ago: refusing is harmless).
    return { rateLimited: true };
  }

  /**
   * searchText is set when the lead is created. A last name filled in later belongs in it too,
   * but only if the stored names are the ones this submission gave (it filled them).
   */
  private async completeSearchText(lead: Lead): Promise<void> {
    if (!lead.lastName) return;
    await this.table.client
      .send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.lead(lead.leadId),
          UpdateExpression: 'SET searchText = :search',
          ConditionExpression: 'firstName = :first AND lastName = :last AND searchText <> :search',
          ExpressionAttributeValues: {
            ':search': leadSearchText(lead),
            ':first': lead.firstName,
            ':last': lead.lastName,
          },
        }),
      )
      .catch((error) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  /**
   * A returning lead keeps the one enrolment it has, whatever its status; it gets one only if it
   * has none, and only while the lead exists (an erasure in between must not leave one behind).
   */
  private async ensureEnrolment(enrolment: Enrolment): Promise<void> {
    try {
      await this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            this.put(enrolmentItem(enrolment, this.table.dueShards), true),
            {
              ConditionCheck: {
                TableName: this.table.tableName,
                Key: keys.lead(enrolment.leadId),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!cancellationCodes(error)?.includes('ConditionalCheckFailed')) throw error;
    }
  }

  private historyPuts(write: SubmissionWrite): Put[] {
    const { submission, consent } = write;
    return [
      this.put({ ...keys.submission(submission.leadId, submission.submissionId), type: 'submission', ...submission }),
      this.put({ ...keys.consent(consent.leadId, consent.submissionId), type: 'consent', ...consent }),
    ];
  }

  /**
   * A returning lead's capture email is stored only if the lead's last one of that kind is old
   * enough: the slot on the lead item and the email go in one transaction, so however many
   * submissions race, one of them gets the slot. The opt-in token goes with the opt-in email.
   */
  private async storeIfDue(intent: CaptureEmailIntent, write: SubmissionWrite): Promise<boolean> {
    const { attribute, everyMs } = emailSlot(intent.kind, write.emailSpacing);
    const since = new Date(Date.parse(intent.createdAt) - everyMs).toISOString();
    try {
      await withConflictRetry(() =>
        this.table.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.table.tableName,
                  Key: keys.lead(intent.leadId),
                  UpdateExpression: 'SET #slot = :at',
                  ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#slot) OR #slot <= :since)',
                  ExpressionAttributeNames: { '#slot': attribute },
                  ExpressionAttributeValues: { ':at': intent.createdAt, ':since': since },
                },
              },
              this.put(captureEmailItem(intent)),
            ],
            ClientRequestToken: transactionToken('email', intent.kind, write.requestToken),
          }),
        ),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  private put(item: Record<string, unknown>, onlyIfNew = false): Put {
    return {
      Put: {
        TableName: this.table.tableName,
        Item: item,
        ...(onlyIfNew ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
      },
    };
  }

  async saveOptInToken(record: OptInRecord): Promise<void> {
    await this.table.client.send(new PutCommand({ TableName: this.table.tableName, Item: optInItem(record) }));
  }

  async findOptInToken(tokenHash: string, now: Date): Promise<OptInRecord | undefined> {
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: keys.optIn(tokenHash), ConsistentRead: true }),
    );
    const item = result.Item;
    if (!item || String(item.validUntil) <= now.toISOString()) return undefined;
    return {
      tokenHash,
      leadId: String(item.leadId),
      submissionId: String(item.submissionId),
      expiresAt: String(item.validUntil),
    };
  }

  async getLead(leadId: string): Promise<Lead | undefined> {
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: keys.lead(leadId), ConsistentRead: true }),
    );
    return result.Item as Lead | undefined;
  }

  /**
   * Uses up the token and confirms in one transaction: the lead becomes active (a lead already
   * active or booked stays as it is), the consent record is stamped, the enrolment is created if
   * there is none. A failure changes nothing, so the same link works again.
   */
  async confirmLead(
    record: OptInRecord,
    enrolment: Enrolment,
    at: string,
  ): Promise<'confirmed' | 'unknown-lead' | 'token-used'> {
    const { tableName } = this.table;
    for (let attempt = 1; ; attempt++) {
      const [lead, enrolled, submitted] = await Promise.all([
        this.getLead(record.leadId),
        this.table.client.send(
          new GetCommand({
            TableName: tableName,
            Key: keys.enrolment(enrolment.leadId, enrolment.sequenceId),
            ConsistentRead: true,
          }),
        ),
        this.table.client.send(
          new GetCommand({
            TableName: tableName,
            Key: keys.submission(record.leadId, record.submissionId),
            ConsistentRead: true,
          }),
        ),
      ]);
      if (!lead) return 'unknown-lead';
      const pending = lead.status === 'pending-confirmation';
      // The person confirmed this submission from their mailbox: what it says about them now holds.
      const profile = confirmedProfile(lead, submitted.Item as Submission | undefined);
      const items = [
        {
          Delete: {
            TableName: tableName,
            Key: keys.optIn(record.tokenHash),
            ConditionExpression: 'attribute_exists(pk) AND validUntil > :at',
            ExpressionAttributeValues: { ':at': at },
          },
        },
        {
          Update: {
            TableName: tableName,
            Key: keys.lead(record.leadId),
            // A pending lead becomes active; an active or booked one keeps its status.
            UpdateExpression: `SET ${pending ? '#status = :active, confirmedAt = :at, ' : ''}updatedAt = :at${profile.assignments}`,
            ConditionExpression: 'attribute_exists(pk) AND #status = :status',
            ExpressionAttributeNames: { '#status': 'status', ...profile.names },
            ExpressionAttributeValues: {
              ...(pending ? { ':active': 'active' } : {}),
              ':status': lead.status,
              ':at': at,
              ...profile.values,
            },
          },
        },
        {
          Update: {
            TableName: tableName,
            Key: keys.consent(record.leadId, record.submissionId),
            UpdateExpression: 'SET confirmedAt = if_not_exists(confirmedAt, :at)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': at },
          },
        },
        // A returning lead keeps the one enrolment it has, whatever its status.
        enrolled.Item
          ? {
              ConditionCheck: {
                TableName: tableName,
                Key: keys.enrolment(enrolment.leadId, enrolment.sequenceId),
                ConditionExpression: 'attribute_exists(pk)',
              },
            }
          : this.put(enrolmentItem(enrolment, this.table.dueShards), true),
      ];
      try {
        await withConflictRetry(() => this.table.client.send(new TransactWriteCommand({ TransactItems: items })));
        return 'confirmed';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[0] === 'ConditionalCheckFailed') return 'token-used';
        // The lead or its enrolment changed between the reads and the write: read them again.
        if (!codes?.includes('ConditionalCheckFailed') || attempt >= 3) throw error;
      }
    }
  }
}

/** Where a lead item notes when it was last written to, per kind of capture email. */
function slotAttribute(kind: CaptureEmailIntent['kind']): string {
  return kind === 'staff-notification' ? 'lastStaffEmailAt' : 'lastVisitorEmailAt';
}

function emailSlot(kind: CaptureEmailIntent['kind'], spacing: SubmissionWrite['emailSpacing']) {
  const everyMs = kind === 'staff-notification' ? spacing.staffEveryMs : spacing.visitorEveryMs;
  return { attribute: slotAttribute(kind), everyMs };
}

/** A new lead's emails take their slots with it. */
function emailSlotsTaken(emails: CaptureEmailIntent[], at: string): Record<string, string> {
  return Object.fromEntries(emails.map((intent) => [slotAttribute(intent.kind), at]));
}

/** The confirmed submission's profile fields over the stored ones (fields it left empty stay). */
function confirmedProfile(lead: Lead, submission: Submission | undefined) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (!submission) return { assignments: '', names, values };
  const fields: Record<string, unknown> = {
    firstName: submission.firstName,
    lastName: submission.lastName,
    phone: submission.phone,
    preferredContact: submission.preferredContact,
    interests: submission.interests,
    timeZone: submission.timeZone,
  };
  const merged = { ...lead, ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) };
  fields.searchText = leadSearchText(merged);
  const assignments = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value], index) => {
      names[`#p${index}`] = name;
      values[`:p${index}`] = value;
      return `, #p${index} = :p${index}`;
    })
    .join('');
  return { assignments, names, values };
}

/**
 * A returning submission: counted and noted (when, where from), but an anonymous post never
 * rewrites who the person is. With `fill-empty` it sets only fields still empty; with `none`
 * the profile waits for this submission's confirmation (double opt-in).
 */
function returningLeadUpdate(lead: Lead, rateAssignment: string, profile: 'fill-empty' | 'none') {
  const fillable: Record<string, unknown> =
    profile === 'fill-empty'
      ? {
          lastName: lead.lastName,
          phone: lead.phone,
          preferredContact: lead.preferredContact,
          interests: lead.interests,
          timeZone: lead.timeZone,
        }
      : {};
  const always: Record<string, unknown> = { updatedAt: lead.updatedAt, lastTouch: lead.lastTouch };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':one': 1 };
  const assign = (entries: [string, unknown][], fill: boolean, prefix: string) =>
    entries
      .filter(([, value]) => value !== undefined)
      .map(([name, value], index) => {
        names[`#${prefix}${index}`] = name;
        values[`:${prefix}${index}`] = value;
        return fill
          ? `#${prefix}${index} = if_not_exists(#${prefix}${index}, :${prefix}${index})`
          : `#${prefix}${index} = :${prefix}${index}`;
      });
  const assignments = [
    ...assign(Object.entries(always), false, 'a'),
    ...assign(Object.entries(fillable), true, 'f'),
    ...(rateAssignment ? [rateAssignment] : []),
  ];
  return {
    UpdateExpression: `SET ${assignments.join(', ')} ADD submissionCount :one`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
