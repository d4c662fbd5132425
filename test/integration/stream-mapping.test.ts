import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { type StreamBatchFailure, type StreamMappingOptions, startStreamMapping } from '../../local/stream-mapping';
import { freshTable, testEndpoints } from '../support/services';

/**
 * The local event source mapping on DynamoDB Local's stream: the semantics the deployed
 * mapping is configured with, on the real Streams API.
 */

const ONLY_INTENTS = { dynamodb: { NewImage: { type: { S: ['intent'] } } }, eventName: ['INSERT'] };
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'stream-mapping-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function streamTable() {
  const { tableName, doc } = await freshTable('stream');
  const client = new DynamoDBClient({ endpoint: testEndpoints().dynamo });
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const put = (id: string, type = 'intent', more: Record<string, unknown> = {}) =>
    doc.send(new PutCommand({ TableName: tableName, Item: { pk: id, sk: 'X', type, ...more } }));
  return { streamArn: Table!.LatestStreamArn!, put };
}

function mapping(
  streamArn: string,
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>,
  overrides: Partial<StreamMappingOptions> = {},
) {
  const failures: StreamBatchFailure[] = [];
  const running = startStreamMapping({
    streams: new DynamoDBStreamsClient({ endpoint: testEndpoints().dynamo }),
    streamArn,
    handler,
    batchSize: 10,
    filters: [ONLY_INTENTS],
    bisectBatchOnError: true,
    maximumRetryAttempts: 3,
    startingPosition: 'TRIM_HORIZON',
    onFailure: (failure) => {
      failures.push(failure);
    },
    pollIntervalMs: 50,
    ...overrides,
  });
  return { running, failures };
}

const idsOf = (event: DynamoDBStreamEvent) => event.Records.map((record) => record.dynamodb?.Keys?.pk?.S);

describe('the local stream mapping', () => {
  it('delivers matching records in order, in batches of at most batchSize, and drops the rest', async () => {
    const { streamArn, put } = await streamTable();
    for (let i = 0; i < 7; i++) await put(`i${i}`, i % 3 === 0 ? 'other' : 'intent');
    const batches: (string | undefined)[][] = [];
    const { running } = mapping(
      streamArn,
      async (event) => {
        batches.push(idsOf(event));
        return undefined;
      },
      { batchSize: 2 },
    );
    await running.drain();
    await running.stop();
    expect(batches.flat()).toEqual(['i1', 'i2', 'i4', 'i5']);
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(2);
  });

  it('hands a Lambda-shaped event: source, event name, keys, new image and creation time in seconds', async () => {
    const { streamArn, put } = await streamTable();
    await put('shape');
    const events: DynamoDBStreamEvent[] = [];
    const { running } = mapping(streamArn, async (event) => {
      events.push(event);
      return undefined;
    });
    await running.drain();
    await running.stop();
    const record = events[0]!.Records[0]!;
    expect(record).toMatchObject({
      eventSource: 'aws:dynamodb',
      eventName: 'INSERT',
      eventSourceARN: streamArn,
      dynamodb: { Keys: { pk: { S: 'shape' }, sk: { S: 'X' } }, NewImage: { type: { S: 'intent' } } },
    });
    expect(record.dynamodb?.ApproximateCreationDateTime).toBeLessThan(Date.now() / 1000 + 1);
    expect(record.dynamodb?.ApproximateCreationDateTime).toBeGreaterThan(Date.now() / 1000 - 600);
  });

  it('hands empty maps and lists, binary and null as Lambda does, so unmarshall reads every attribute', async () => {
    const { streamArn, put } = await streamTable();
    await put('kinds', 'intent', {
      firstTouch: {},
      nested: { inner: {}, list: [] },
      empty: [],
      nothing: null,
      flag: false,
      bytes: new Uint8Array([1, 2, 3]),
    });
    const images: Record<string, unknown>[] = [];
    const { running } = mapping(streamArn, async (event) => {
      images.push(...event.Records.map((record) => unmarshall(record.dynamodb!.NewImage as never)));
      return undefined;
    });
    await running.drain();
    await running.stop();
    expect(images[0]).toMatchObject({
      firstTouch: {},
      nested: { inner: {}, list: [] },
      empty: [],
      nothing: null,
      flag: false,
      bytes: 'AQID',
    });
  });

  it('splits a failing batch until the poison record is alone, sends it to the failure destination, and delivers the rest', async () => {
    const { streamArn, put } = await streamTable();
    for (const id of ['a', 'b', 'poison', 'c']) await put(id);
    const handled = new Set<string>();
    const { running, failures } = mapping(
      streamArn,
      async (event) => {
        if (idsOf(event).includes('poison')) throw new Error('cannot handle it');
        for (const id of idsOf(event)) handled.add(id!);
        return undefined;
      },
      { maximumRetryAttempts: 2 },
    );
    await running.drain();
    await running.stop();
    expect([...handled].sort()).toEqual(['a', 'b', 'c']);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ batchSize: 1, attempts: 3 });
  });

  it('retries from the first record a partial batch response names, and not the ones before it', async () => {
    const { streamArn, put } = await streamTable();
    for (const id of ['p1', 'p2', 'p3']) await put(id);
    const seen: (string | undefined)[][] = [];
    let first = true;
    const { running } = mapping(streamArn, async (event) => {
      seen.push(idsOf(event));
      if (!first) return undefined;
      first = false;
      return { batchItemFailures: [{ itemIdentifier: event.Records[1]!.dynamodb!.SequenceNumber! }] };
    });
    await running.drain();
    await running.stop();
    expect(seen).toEqual([
      ['p1', 'p2', 'p3'],
      ['p2', 'p3'],
    ]);
  });

  it('resumes after a restart from its checkpoint: nothing handled twice, nothing missed', async () => {
    const { streamArn, put } = await streamTable();
    const checkpointFile = join(scratch, 'checkpoints.json');
    const handled: (string | undefined)[] = [];
    const handler = async (event: DynamoDBStreamEvent) => {
      handled.push(...idsOf(event));
      return undefined;
    };
    await put('before-1');
    const first = mapping(streamArn, handler, { checkpointFile });
    await first.running.drain();
    await first.running.stop();
    await put('while-stopped');
    const second = mapping(streamArn, handler, { checkpointFile });
    await second.running.drain();
    await put('after-restart');
    await second.running.drain();
    await second.running.stop();
    expect(handled).toEqual(['before-1', 'while-stopped', 'after-restart']);
  });

  it('starts at the end of the stream when told LATEST and it has no checkpoint', async () => {
    const { streamArn, put } = await streamTable();
    await put('old');
    const handled: (string | undefined)[] = [];
    const { running } = mapping(
      streamArn,
      async (event) => {
        handled.push(...idsOf(event));
        return undefined;
      },
      { startingPosition: 'LATEST' },
    );
    await running.drain();
    await put('new');
    await running.drain();
    await running.stop();
    expect(handled).toEqual(['new']);
  });
});
