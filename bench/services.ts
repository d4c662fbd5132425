import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../functions/adapters/clients/dynamodb';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { localEnvironment } from '../local/local-env';
import { freePort } from '../local/ports';
import { startSesLocal } from '../local/ses-local';
import { ensureTable } from '../local/table';

/** The MaxSendRate the local SES reports in GetAccount (what the sender's pacer reads). */
export const BENCH_MAX_SEND_RATE = 20;

export interface Services {
  dynamoEndpoint: string;
  sesEndpoint: string;
  /** A new, empty table on the shared DynamoDB Local. */
  freshTable(prefix: string): Promise<string>;
  /** The environment a Lambda gets, pointed at the local services and the given table. */
  lambdaEnv(tableName: string, extra?: Record<string, string>): Record<string, string>;
  /** CPU time DynamoDB Local (the Java child) has used so far, in ms; undefined where /proc is missing. */
  dynamoCpuMs(): number | undefined;
  /** Empties the local SES outbox (it keeps every message in memory). */
  clearOutbox(): Promise<void>;
  stop(): Promise<void>;
}

/** DynamoDB Local in memory (a Java child process) and aws-ses-v2-local in this process. */
export async function startServices(): Promise<Services> {
  const [dynamoPort, sesPort] = [await freePort(), await freePort()];
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    await Promise.allSettled(started.splice(0).map((service) => service.stop()));
  };
  try {
    const dynamo = await startDynamoDbLocal({ port: dynamoPort });
    started.push(dynamo);
    const ses = await startSesLocal({ port: sesPort, maxSendRate: BENCH_MAX_SEND_RATE });
    started.push(ses);
    const admin = new DynamoDBClient({ endpoint: dynamo.endpoint });
    return {
      dynamoEndpoint: dynamo.endpoint,
      sesEndpoint: ses.endpoint,
      async freshTable(prefix) {
        const tableName = `bench-${prefix}-${randomUUID().slice(0, 8)}`;
        await ensureTable(admin, tableName, { stream: false });
        return tableName;
      },
      lambdaEnv: (tableName, extra = {}) =>
        localEnvironment(
          { port: 3997, dynamoEndpoint: dynamo.endpoint, sesEndpoint: ses.endpoint, tableName },
          { CONSENT_MODE: 'single', ...extra },
        ),
      dynamoCpuMs: () => childCpuMs('java'),
      async clearOutbox() {
        const response = await fetch(`${ses.endpoint}/clear-store`, { method: 'POST' });
        if (!response.ok) throw new Error(`local SES /clear-store answered ${response.status}`);
      },
      async stop() {
        admin.destroy();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A document client built exactly as the handlers build theirs. */
export function benchDocumentClient(services: Services) {
  return documentClient({ endpoint: services.dynamoEndpoint });
}

/** utime + stime of this process's child named `command`, from /proc (Linux), in ms. */
function childCpuMs(command: string): number | undefined {
  try {
    for (const task of readdirSync('/proc/self/task')) {
      const children = readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      for (const pid of children) {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== command) continue;
        // Fields after the parenthesised name; utime and stime are the 14th and 15th fields.
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        const ticks = Number(fields[11]) + Number(fields[12]);
        return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** USER_HZ: 100 on every mainstream Linux build. */
const CLOCK_TICKS_PER_SECOND = 100;
