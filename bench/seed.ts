import { randomBytes, randomUUID } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, leadListKeys } from '../functions/adapters/dynamodb/keys';
import { leadIdFor } from '../functions/lead/email-address';
import type { Enrolment, Lead } from '../functions/lead/lead';
import type { CompiledSequence } from '../functions/sequence/compiled';
import { forEachLimited } from './stats';

const BATCH = 25;

/** BatchWriteItem in parallel batches of 25, retrying what DynamoDB leaves unprocessed. */
export async function batchPut(
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: Record<string, unknown>[],
  concurrency = 8,
): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let start = 0; start < items.length; start += BATCH) batches.push(items.slice(start, start + BATCH));
  await forEachLimited(batches, concurrency, async (batch) => {
    let requests = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      if (attempt > 10) throw new Error(`BatchWriteItem left ${requests.length} items unprocessed after 10 attempts`);
      const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  });
}

/** The key of lead ids and suppression hashes every bench group gives the code it runs. */
export const BENCH_IDENTITY_KEY = randomBytes(32);
export const benchIdentityKey = async () => BENCH_IDENTITY_KEY;

/** A unique lead id, derived the way the capture path derives it (from a normalised email). */
export function benchLeadId(label: string): string {
  return leadIdFor(`${label}.${randomUUID()}@example.com`, BENCH_IDENTITY_KEY);
}

/** An active enrolment at `stepIndex` due at `dueAt`, as the capture path or the sender leaves it. */
export function enrolment(leadId: string, sequence: CompiledSequence, dueAt: Date, stepIndex = 0): Enrolment {
  return {
    leadId,
    sequenceId: sequence.id,
    sequenceVersion: sequence.version,
    status: 'active',
    stepIndex,
    nextSendAt: dueAt.toISOString(),
    timeZone: 'America/New_York',
    enrolledAt: new Date(dueAt.getTime() - 86_400_000).toISOString(),
  };
}

/** An active lead who signed up at `createdAt` (the benches' and the drip tests' one seeded lead). */
export function seededLead(leadId: string, email: string, createdAt: string): Lead {
  return {
    leadId,
    email,
    firstName: 'Robin',
    preferredContact: 'email',
    interests: ['fraxel-aftercare'],
    timeZone: 'America/New_York',
    status: 'active',
    createdAt,
    updatedAt: createdAt,
    submissionCount: 1,
    firstTouch: {},
    lastTouch: {},
  };
}

/** The lead item the sender reads before sending (as the capture path writes it). */
export function leadRow(leadId: string, email: string, createdAt: string): Record<string, unknown> {
  return {
    ...keys.lead(leadId),
    type: 'lead',
    ...seededLead(leadId, email, createdAt),
    ...leadListKeys(createdAt, leadId),
  };
}
