import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoTable } from '../../../functions/adapters/clients/dynamodb';
import { DynamoCaptureEmailStore } from '../../../functions/adapters/dynamodb/capture-emails';
import { DynamoDueIndex } from '../../../functions/adapters/dynamodb/due-index';
import { DynamoEnrolmentStore } from '../../../functions/adapters/dynamodb/enrolments';
import { keys } from '../../../functions/adapters/dynamodb/keys';
import { DynamoLeadRepository } from '../../../functions/adapters/dynamodb/lead-repository';
import { DynamoSendRecordStore } from '../../../functions/adapters/dynamodb/send-records';
import { DynamoStepStats } from '../../../functions/adapters/dynamodb/step-stats';
import type {
  CaptureEmailStore,
  DueIndex,
  EnrolmentStore,
  SendRecordStore,
  StepCounter,
} from '../../../functions/drip/ports';
import type { LeadRepository } from '../../../functions/lead/ports';
import { freshTable, testEndpoints } from '../services';
import { MemoryCaptureEmailStore, MemoryDueIndex, MemoryEnrolmentStore, MemorySendRecordStore } from './drip-stores';
import { MemoryLeadRepository } from './lead-repository';
import { MemoryTable } from './memory-table';

export const SHARDS = 4;

export type StepDay = { sequenceId: string; stepId: string; variant: string; day: string };

/** The ports the contract test drives, over one table: DynamoDB Local's or the memory one. */
export interface StoreWorld {
  leads: LeadRepository;
  enrolments: EnrolmentStore;
  sendRecords: SendRecordStore;
  captureEmails: CaptureEmailStore;
  due: DueIndex;
  /** What a step's counter says for one day. */
  counted(at: StepDay, counter: StepCounter): Promise<number>;
  /** Deletes the lead item only, as an erasure does first. */
  deleteLead(leadId: string): Promise<void>;
}

export async function dynamoWorld(): Promise<StoreWorld> {
  const { tableName } = await freshTable('contract');
  const table = dynamoTable({ TABLE_NAME: tableName, DUE_SHARDS: SHARDS, DYNAMODB_ENDPOINT: testEndpoints().dynamo });
  const stats = new DynamoStepStats(table);
  return {
    leads: new DynamoLeadRepository(table),
    enrolments: new DynamoEnrolmentStore(table),
    sendRecords: new DynamoSendRecordStore(table),
    captureEmails: new DynamoCaptureEmailStore(table),
    due: new DynamoDueIndex(table),
    async counted(at, counter) {
      const rows = await stats.between(at.sequenceId, at.day, at.day);
      const row = rows.find((candidate) => candidate.stepId === at.stepId && candidate.variant === at.variant);
      return row?.counts[counter] ?? 0;
    },
    async deleteLead(leadId) {
      await table.client.send(new DeleteCommand({ TableName: tableName, Key: keys.lead(leadId) }));
    },
  };
}

export function memoryWorld(): StoreWorld {
  const table = new MemoryTable(SHARDS);
  return {
    leads: new MemoryLeadRepository(table),
    enrolments: new MemoryEnrolmentStore(table),
    sendRecords: new MemorySendRecordStore(table),
    captureEmails: new MemoryCaptureEmailStore(table),
    due: new MemoryDueIndex(table),
    async counted(at, counter) {
      return table.counted(at, counter);
    },
    async deleteLead(leadId) {
      table.leads.delete(leadId);
    },
  };
}
