/**
 * The single table's physical schema, shared by the CDK stack, the local runtime (which
 * creates the table when missing) and the DynamoDB adapters, so the three never drift.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/**
 * Sparse, sharded index of work that is due: only items that carry `duePk` appear in it
 * (active enrolments, unsent capture emails). The partition is `DUE#<shard>` so writes
 * spread over several partitions; the sort key is the ISO-8601 UTC time the item is due.
 */
export const DUE_INDEX = {
  name: 'due',
  partitionKey: 'duePk',
  sortKey: 'dueAt',
  /**
   * What the dispatcher reads from the index, and the version an enrolment is pinned to (the
   * daily review check counts versions in use); nothing more is copied into it.
   */
  projectedAttributes: [
    'type',
    'leadId',
    'sequenceId',
    'sequenceVersion',
    'stepIndex',
    'nextSendAt',
    'submissionId',
    'kind',
    'retryAt',
  ],
} as const;

/**
 * Lists entities of one kind in time order (leads by creation time, for the console)
 * without a scan. Only items that carry `listPk` appear in it.
 */
export const LIST_INDEX = { name: 'list', partitionKey: 'listPk', sortKey: 'listSk' } as const;

/** Attribute DynamoDB's TTL deletes by (epoch seconds): rate-limit windows, expired opt-in tokens. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** The table's stream, read by the outbox consumer: the new image of each changed item. */
export const TABLE_STREAM_VIEW = 'NEW_AND_OLD_IMAGES' as const;

export const GLOBAL_INDEXES = [DUE_INDEX, LIST_INDEX] as const;
