import { createHash } from 'node:crypto';

/** Key layout of the single table. Everything about one person shares the partition LEAD#<id>. */
export const keys = {
  lead: (leadId: string) => ({ pk: `LEAD#${leadId}`, sk: 'PROFILE' }),
  submission: (leadId: string, submissionId: string) => ({ pk: `LEAD#${leadId}`, sk: `SUBMISSION#${submissionId}` }),
  consent: (leadId: string, submissionId: string) => ({ pk: `LEAD#${leadId}`, sk: `CONSENT#${submissionId}` }),
  enrolment: (leadId: string, sequenceId: string) => ({ pk: `LEAD#${leadId}`, sk: `ENROLMENT#${sequenceId}` }),
  send: (leadId: string, sequenceId: string, stepId: string) => ({
    pk: `LEAD#${leadId}`,
    sk: `SEND#${sequenceId}#${stepId}`,
  }),
  captureEmail: (leadId: string, submissionId: string, kind: string) => ({
    pk: `LEAD#${leadId}`,
    sk: `EMAIL#${submissionId}#${kind}`,
  }),
  suppression: (addressHash: string) => ({ pk: `SUPPRESSION#${addressHash}`, sk: 'SUPPRESSION' }),
  optIn: (tokenHash: string) => ({ pk: `OPTIN#${tokenHash}`, sk: 'OPTIN' }),
  /** Written when the move from unkeyed to keyed lead ids is done (keyed-id-migration.ts). */
  keyedIdsMigration: () => ({ pk: `${MIGRATION_PREFIX}keyed-ids`, sk: 'MIGRATION' }),
} as const;

/** Partitions of one-off data migrations' markers. */
export const MIGRATION_PREFIX = 'MIGRATION#';

export const LEAD_PREFIX = 'LEAD#';

export function leadIdFromPk(pk: string): string {
  return pk.slice(LEAD_PREFIX.length);
}

/**
 * Partition of the due index for a lead: spreads due items over `shards` partitions so the
 * index never has one hot partition, and the dispatcher can query the shards in parallel.
 */
export function dueShard(leadId: string, shards: number): string {
  const bucket = createHash('sha256').update(leadId).digest().readUInt32BE(0) % shards;
  return `DUE#${bucket}`;
}

/** Leads listed by month of creation: a console page reads one or a few partitions, never a scan. */
export function leadListKeys(createdAt: string, leadId: string) {
  return { listPk: `LEADS#${createdAt.slice(0, 7)}`, listSk: `${createdAt}#${leadId}` };
}
