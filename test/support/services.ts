import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../local/table';
import { registerTestAddress } from './personal-data';

export function testEndpoints() {
  const dynamo = process.env.TEST_DYNAMODB_ENDPOINT;
  const ses = process.env.TEST_SES_ENDPOINT;
  if (!dynamo || !ses) throw new Error('Integration tests need jest globalSetup (test/support/global-setup.ts)');
  return { dynamo, ses };
}

/** A fresh table per test file on the shared DynamoDB Local, so files never see each other's data. */
export async function freshTable(prefix = 'test'): Promise<{ tableName: string; doc: DynamoDBDocumentClient }> {
  const { dynamo } = testEndpoints();
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  const client = new DynamoDBClient({ endpoint: dynamo });
  await ensureTable(client, tableName);
  return { tableName, doc: DynamoDBDocumentClient.from(client) };
}

export async function itemsOfLead(doc: DynamoDBDocumentClient, tableName: string, leadId: string) {
  const result = await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `LEAD#${leadId}` },
      ConsistentRead: true,
    }),
  );
  return result.Items ?? [];
}

export async function allItems(doc: DynamoDBDocumentClient, tableName: string) {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

/**
 * When this test file started (SES Local stamps mail in epoch seconds, on the real clock). The
 * outbox is shared by the whole run and grows with it: reading all of it on every poll made each
 * later file slower than the one before.
 */
const FILE_STARTED_SECONDS = Math.floor(Date.now() / 1000) - 5;

/** What the local SES has "sent" (its GET /store) since this file started, optionally only to one recipient. */
export async function outbox(recipient?: string, sesEndpoint = testEndpoints().ses): Promise<StoredEmail[]> {
  const response = await fetch(`${sesEndpoint}/store?since=${FILE_STARTED_SECONDS}`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return recipient ? emails.filter((email) => email.destination.to.includes(recipient)) : emails;
}

/** Unique per test, so assertions on the shared outbox never see another test's mail. */
export function uniqueEmail(label = 'visitor'): string {
  const email = `${label}.${randomUUID().slice(0, 8)}@example.com`;
  registerTestAddress(email);
  return email;
}
