import type { RunningDynamoDb } from '../../local/dynamodb-local';
import type { RunningSes } from '../../local/ses-local';

export default async function globalTeardown(): Promise<void> {
  const services = (globalThis as Record<string, unknown>).__LOCAL_SERVICES__ as
    | { dynamo: RunningDynamoDb; ses: RunningSes }
    | undefined;
  await Promise.all([services?.dynamo.stop(), services?.ses.stop()]);
}
