import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { Log } from '../../observability/logger';
import { errorFields } from '../../observability/redact';
import { leadEventsFromChange } from '../../webhooks/events';
import { type FanOutDeps, fanOut } from '../../webhooks/fan-out';

export interface WebhookEventsDeps extends FanOutDeps {
  log: Log;
}

type Image = Record<string, AttributeValue> | undefined;
const plain = (image: Image) => (image ? unmarshall(image) : undefined);

/**
 * The table's stream (lead profiles and enrolments only, by the mapping's filter) → lead
 * events → one queued delivery per subscribed endpoint. A record that fails is reported, so
 * Lambda retries from it; the records before it are not queued twice (fanOut dedupes).
 */
export function makeWebhookEventsHandler(deps: WebhookEventsDeps) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const record of event.Records) {
      try {
        const events = leadEventsFromChange(
          {
            eventName: record.eventName ?? 'MODIFY',
            ...(record.dynamodb?.SequenceNumber ? { sequenceNumber: record.dynamodb.SequenceNumber } : {}),
            oldImage: plain(record.dynamodb?.OldImage as Image),
            newImage: plain(record.dynamodb?.NewImage as Image),
          },
          deps.clock.now().toISOString(),
        );
        await fanOut(events, deps);
      } catch (error) {
        deps.log.error('Lead events not queued for webhooks', errorFields(error));
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  };
}
