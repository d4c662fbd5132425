import { createHash, randomBytes } from 'node:crypto';
import { DynamoAddressIds } from '../../functions/adapters/dynamodb/address-ids';
import type { Table } from '../../functions/adapters/dynamodb/table';
import { checkEmailAddress, leadIdFor, suppressionHashFor } from '../../functions/lead/email-address';

/**
 * The key every test harness gives the code under test for lead ids and suppression hashes
 * (AWS keeps it in Secrets Manager, the local stack in .data/identity.key), so a test can find
 * a lead's items from its address.
 */
export const TEST_IDENTITY_KEY = randomBytes(32);
export const testIdentityKey = async () => TEST_IDENTITY_KEY;

/** The ids as the functions derive them with the test key, for adapters a test builds itself. */
export function testAddressIds(table: Table): DynamoAddressIds {
  return new DynamoAddressIds(table, testIdentityKey);
}

function normalised(email: string): string {
  const check = checkEmailAddress(email);
  if (!check.ok) throw new Error(check.reason);
  return check.normalised;
}

/** The lead id the code under test gives this address. */
export function testLeadId(email: string): string {
  return leadIdFor(normalised(email), TEST_IDENTITY_KEY);
}

export function testSuppressionHash(email: string): string {
  return suppressionHashFor(normalised(email), TEST_IDENTITY_KEY);
}

/**
 * What the code stored and logged before keyed ids: plain SHA-256 of the address, which anyone
 * can compute from a guessed address. Written out here, not imported, so a test of the keyed
 * ids does not lean on the code it checks.
 */
export function unkeyedLeadId(email: string): string {
  return createHash('sha256')
    .update(`lead:${normalised(email)}`)
    .digest('base64url')
    .slice(0, 26);
}

export function unkeyedSuppressionHash(email: string): string {
  return createHash('sha256')
    .update(`suppress:${normalised(email)}`)
    .digest('base64url');
}
