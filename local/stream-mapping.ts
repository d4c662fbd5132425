import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamsRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { matchesPattern } from './event-pattern';

/**
 * The local stand-in for Lambda's event source mapping on a DynamoDB stream, with the same
 * semantics the deployed mapping is configured with (infra/): records are read through the
 * DynamoDB Streams API shard by shard, parents before children, in order; records that match
 * none of the filters are dropped; the rest reach the handler in batches of at most
 * `batchSize`, as Lambda's event; a batch that throws is split in two (bisect on error) and
 * retried, up to `maximumRetryAttempts`, then handed to `onFailure` (the on-failure
 * destination) and passed over; a partial batch response retries from the first failed record.
 * Progress is checkpointed after each batch (in a file when `checkpointFile` is set), so a
 * restart resumes where it stopped and, as in AWS, a crash between a batch and its checkpoint
 * delivers that batch again.
 */
export interface StreamMappingOptions {
  streams: DynamoDBStreamsClient;
  streamArn: string;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  batchSize: number;
  /** Lambda's FilterCriteria patterns: a record is delivered when it matches any of them. */
  filters: Record<string, unknown>[];
  bisectBatchOnError: boolean;
  maximumRetryAttempts: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  onFailure: (failure: StreamBatchFailure) => void | Promise<void>;
  checkpointFile?: string;
  /** Wait between polls of a shard that had nothing new. */
  pollIntervalMs?: number;
  /** Wait before retrying a failed batch. */
  retryDelayMs?: number;
  region?: string;
}

/** What Lambda sends to an on-failure destination: where the batch was, never the records. */
export interface StreamBatchFailure {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  batchSize: number;
  attempts: number;
  reason: string;
}

export interface StreamMapping {
  /** Resolves once every record written so far has been handled (or handed to onFailure). */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

interface ShardState {
  shard: Shard;
  iterator?: string;
  done: boolean;
}

export function startStreamMapping(options: StreamMappingOptions): StreamMapping {
  const checkpoints = new Checkpoints(options.checkpointFile);
  const shards = new Map<string, ShardState>();
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  let running = true;
  let wake: (() => void) | undefined;
  /** When the last poll that found nothing new started: drain() waits for one after it was called. */
  let quietSince = 0;

  const loop = (async () => {
    while (running) {
      const started = Date.now();
      let delivered = true;
      try {
        delivered = await pollOnce();
      } catch {
        // DynamoDB Local restarting, say: read again from the checkpoints on the next poll.
        for (const state of shards.values()) state.iterator = undefined;
      }
      if (!delivered) quietSince = started;
      if (!running) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, delivered ? 0 : pollIntervalMs);
      });
    }
  })();

  async function pollOnce(): Promise<boolean> {
    await refreshShards();
    let delivered = false;
    for (const state of shards.values()) {
      if (state.done || !parentDone(state)) continue;
      delivered = (await readShard(state)) || delivered;
    }
    return delivered;
  }

  async function refreshShards(): Promise<void> {
    let start: string | undefined;
    do {
      const page = await options.streams.send(
        new DescribeStreamCommand({ StreamArn: options.streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of page.StreamDescription?.Shards ?? []) {
        if (shard.ShardId && !shards.has(shard.ShardId)) shards.set(shard.ShardId, { shard, done: false });
      }
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  function parentDone(state: ShardState): boolean {
    const parent = state.shard.ParentShardId ? shards.get(state.shard.ParentShardId) : undefined;
    return !parent || parent.done;
  }

  async function iteratorFor(state: ShardState): Promise<string | undefined> {
    const shardId = state.shard.ShardId!;
    const after = checkpoints.get(shardId);
    const started = await options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: options.streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : // A shard that appeared after the mapping started is read from its start, as Lambda does.
            { ShardIteratorType: checkpoints.started ? 'TRIM_HORIZON' : options.startingPosition }),
      }),
    );
    return started.ShardIterator;
  }

  /** Reads what the shard has now and delivers it; true if any record was read. */
  async function readShard(state: ShardState): Promise<boolean> {
    state.iterator ??= await iteratorFor(state);
    if (!state.iterator) {
      state.done = true;
      return false;
    }
    let page: { Records?: StreamsRecord[]; NextShardIterator?: string };
    try {
      page = await options.streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 1000 }));
    } catch (error) {
      if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
        state.iterator = undefined;
        return true;
      }
      throw error;
    }
    const records = page.Records ?? [];
    if (records.length > 0) await deliver(state.shard.ShardId!, records);
    state.iterator = page.NextShardIterator;
    if (!state.iterator) state.done = true;
    return records.length > 0;
  }

  async function deliver(shardId: string, records: StreamsRecord[]): Promise<void> {
    const events = records.map((record) => asLambdaRecord(record, options.streamArn, options.region));
    let pending: DynamoDBRecord[] = [];
    for (const [index, event] of events.entries()) {
      if (options.filters.length === 0 || options.filters.some((pattern) => matchesPattern(pattern, event))) {
        pending.push(event);
      }
      const last = index === events.length - 1;
      if (pending.length === options.batchSize || (last && pending.length > 0)) {
        await handleBatch(shardId, pending);
        pending = [];
      }
      if (pending.length === 0) checkpoints.set(shardId, sequenceOf(event));
    }
  }

  /** One batch to its end: handled, or retried (split on error) until it is handed to onFailure. */
  async function handleBatch(shardId: string, batch: DynamoDBRecord[], attemptsSoFar = 0): Promise<void> {
    let attempts = attemptsSoFar;
    let remaining = batch;
    while (remaining.length > 0) {
      let failedFrom: number | undefined;
      let reason = '';
      try {
        const response = await options.handler({ Records: remaining });
        const failed = (response?.batchItemFailures ?? []).map((item) => item.itemIdentifier);
        if (failed.length > 0) {
          const lowest = failed.sort(compareSequence)[0]!;
          failedFrom = Math.max(
            0,
            remaining.findIndex((record) => sequenceOf(record) === lowest),
          );
          reason = 'partial batch failure';
        }
      } catch (error) {
        failedFrom = 0;
        reason = (error as Error)?.name ?? 'Error';
      }
      if (failedFrom === undefined) return;
      const done = remaining.slice(0, failedFrom);
      if (done.length > 0) checkpoints.set(shardId, sequenceOf(done[done.length - 1]!));
      remaining = remaining.slice(failedFrom);
      attempts++;
      if (attempts > options.maximumRetryAttempts) {
        await options.onFailure({
          shardId,
          startSequenceNumber: sequenceOf(remaining[0]!),
          endSequenceNumber: sequenceOf(remaining[remaining.length - 1]!),
          batchSize: remaining.length,
          attempts,
          reason,
        });
        return;
      }
      if (options.retryDelayMs) await sleep(options.retryDelayMs);
      if (options.bisectBatchOnError && reason !== 'partial batch failure' && remaining.length > 1) {
        const half = Math.ceil(remaining.length / 2);
        await handleBatch(shardId, remaining.slice(0, half), attempts);
        await handleBatch(shardId, remaining.slice(half), attempts);
        return;
      }
    }
  }

  return {
    async drain(timeoutMs = 10_000) {
      const calledAt = Date.now();
      const deadline = calledAt + timeoutMs;
      while (quietSince < calledAt) {
        if (Date.now() > deadline) throw new Error(`The stream was not drained within ${timeoutMs} ms`);
        wake?.();
        await sleep(20);
      }
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}

/** The record as Lambda hands it to a function: the same fields, creation time in epoch seconds, binary as base64. */
export function asLambdaRecord(record: StreamsRecord, streamArn: string, region = 'us-east-1'): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(stream.ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(new Date(stream.ApproximateCreationDateTime).getTime() / 1000) }
        : {}),
      ...(stream.Keys ? { Keys: lambdaImage(stream.Keys) } : {}),
      ...(stream.NewImage ? { NewImage: lambdaImage(stream.NewImage) } : {}),
      ...(stream.OldImage ? { OldImage: lambdaImage(stream.OldImage) } : {}),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
  } as DynamoDBRecord;
}

type JsonAttribute = Record<string, unknown>;

/** An image as Lambda's JSON event carries it. */
function lambdaImage(image: Record<string, unknown>): Record<string, JsonAttribute> {
  return Object.fromEntries(
    Object.entries(image).map(([name, value]) => [name, lambdaAttribute(value as JsonAttribute)]),
  );
}

/**
 * One attribute value as Lambda's JSON carries it: binary (B, BS) as base64 strings. DynamoDB
 * Local's stream writes an empty map as `{}` where DynamoDB Streams writes `{"M": {}}`, and
 * unmarshall refuses `{}` ("No value defined"): a lead with no attribution stopped the consumer.
 */
function lambdaAttribute(attribute: JsonAttribute): JsonAttribute {
  if (Object.keys(attribute).length === 0) return { M: {} };
  if (attribute.M) return { M: lambdaImage(attribute.M as Record<string, unknown>) };
  if (Array.isArray(attribute.L)) return { L: (attribute.L as JsonAttribute[]).map(lambdaAttribute) };
  if (attribute.B instanceof Uint8Array) return { B: base64(attribute.B) };
  if (Array.isArray(attribute.BS)) return { BS: (attribute.BS as Uint8Array[]).map(base64) };
  return attribute;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

const sequenceOf = (record: DynamoDBRecord) => record.dynamodb?.SequenceNumber ?? '';

function compareSequence(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The last handled sequence number of each shard, kept in a file so a restart resumes after it. */
class Checkpoints {
  private readonly positions: Record<string, string>;
  /** True once the mapping has a position anywhere: later shards then start at their beginning. */
  started: boolean;

  constructor(private readonly file?: string) {
    this.positions = file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    this.started = Object.keys(this.positions).length > 0;
  }

  get(shardId: string): string | undefined {
    return this.positions[shardId];
  }

  set(shardId: string, sequenceNumber: string): void {
    if (!sequenceNumber || this.positions[shardId] === sequenceNumber) return;
    this.positions[shardId] = sequenceNumber;
    this.started = true;
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    // Written aside and renamed, so a crash mid-write never leaves half a file.
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.positions));
    renameSync(`${this.file}.tmp`, this.file);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
