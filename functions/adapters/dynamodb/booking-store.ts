import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BookingInboxEntry, BookingStore, ReplayGuard } from '../../booking/ports';
import type { Enrolment } from '../../lead/lead';
import { entity, queryAll } from './items';
import { keys } from './keys';
import { enrolmentItem } from './lead-repository';
import { changeLeadStatus } from './lead-status';
import type { Table } from './table';
import { TTL_ATTRIBUTE } from './table-schema';
import { conditionalWrite, isConditionFailure } from './transactions';

const INBOX_PK = 'BOOKING-INBOX';
/** Unknown addresses are kept for staff this long, then DynamoDB's TTL removes them. */
const INBOX_DAYS = 180;

const hashed = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 32);

/** What the Calendly and Acuity webhooks write besides what a booking writes (functions/booking/). */
export class DynamoBookingStore implements BookingStore {
  constructor(private readonly table: Table) {}

  markCancelled(leadId: string, at: string): Promise<boolean> {
    return changeLeadStatus(this.table, leadId, {
      to: 'active',
      from: { is: 'booked' },
      stampedAs: 'cancelledAt',
      at,
      remove: ['bookedAt'],
    });
  }

  async bookedEnrolments(leadId: string): Promise<Enrolment[]> {
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.lead(leadId).pk, ':prefix': 'ENROLMENT#' },
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? [])
      .map((item) => entity<Enrolment>(item))
      .filter((enrolment) => enrolment.status === 'exited' && enrolment.exitReason === 'booked');
  }

  async enrol(enrolment: Enrolment): Promise<boolean> {
    return conditionalWrite(() =>
      this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: enrolmentItem(enrolment, this.table.dueShards),
          // Never over an active enrolment: a second cancellation does not restart the path.
          ConditionExpression: 'attribute_not_exists(pk) OR #status <> :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':active': 'active' },
        }),
      ),
    );
  }

  async addToInbox(entry: BookingInboxEntry): Promise<void> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            pk: INBOX_PK,
            // One entry per booking and kind: Calendly and Acuity retry a notification they think
            // failed, and the first entry (with its time) is the one staff should see.
            sk: `ENTRY#${entry.tool}#${entry.kind}#${hashed(entry.bookingId)}`,
            type: 'booking-inbox',
            ...entry,
            [TTL_ATTRIBUTE]: Math.ceil(Date.parse(entry.at) / 1000) + INBOX_DAYS * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async listInbox(limit: number): Promise<BookingInboxEntry[]> {
    const items = await this.allInboxItems();
    return items
      .map((item) => {
        const { [TTL_ATTRIBUTE]: _expires, ...rest } = entity<Record<string, unknown>>(item);
        return rest as unknown as BookingInboxEntry;
      })
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
      .slice(0, limit);
  }

  async forgetInboxEntries(person: { leadId: string; email?: string }): Promise<number> {
    const email = person.email?.toLowerCase();
    const about = (await this.allInboxItems()).filter(
      (item) => item.leadId === person.leadId || (email !== undefined && String(item.email).toLowerCase() === email),
    );
    for (const item of about) {
      await this.table.client.send(
        new DeleteCommand({ TableName: this.table.tableName, Key: { pk: item.pk, sk: item.sk } }),
      );
    }
    return about.length;
  }

  /** The whole inbox: one partition, kept small by its 180-day TTL. */
  private allInboxItems(): Promise<Record<string, unknown>[]> {
    return queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': INBOX_PK },
      // Erasure must see an entry written a moment ago.
      ConsistentRead: true,
    });
  }
}

/**
 * Lambda's longest possible run. A claim still `working` after it belongs to an invocation that
 * died between claiming and settling (a crash or a timeout): the next delivery takes it over,
 * instead of answering "in progress" until the claim expires.
 */
export const ABANDONED_CLAIM_MS = 15 * 60_000;

/** Deliveries already acted on, by a hash of their signature; DynamoDB's TTL forgets them. */
export class DynamoReplayGuard implements ReplayGuard {
  constructor(
    private readonly table: Table,
    private readonly now: () => Date,
  ) {}

  private key(key: string) {
    return { pk: `REPLAY#${hashed(key)}`, sk: 'REPLAY' };
  }

  async claim(key: string, expiresAt: Date): Promise<boolean> {
    const now = this.now();
    return conditionalWrite(() =>
      this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...this.key(key),
            type: 'replay',
            state: 'working',
            claimedAt: now.getTime(),
            [TTL_ATTRIBUTE]: Math.ceil(expiresAt.getTime() / 1000),
          },
          // TTL deletes lazily (within days): an expired claim that is still there does not count.
          ConditionExpression:
            'attribute_not_exists(pk) OR #expires < :now OR (#state = :working AND claimedAt < :abandoned)',
          ExpressionAttributeNames: { '#expires': TTL_ATTRIBUTE, '#state': 'state' },
          ExpressionAttributeValues: {
            ':now': Math.floor(now.getTime() / 1000),
            ':working': 'working',
            ':abandoned': now.getTime() - ABANDONED_CLAIM_MS,
          },
        }),
      ),
    );
  }

  async release(key: string): Promise<void> {
    await this.table.client.send(new DeleteCommand({ TableName: this.table.tableName, Key: this.key(key) }));
  }

  async settle(key: string): Promise<void> {
    await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: this.key(key),
        UpdateExpression: 'SET #state = :done',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': 'done' },
      }),
    );
  }

  async isSettled(key: string): Promise<boolean> {
    const { Item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: this.key(key), ConsistentRead: true }),
    );
    return Item !== undefined && Item.state !== 'working';
  }
}
