import { randomUUID } from 'node:crypto';
import type { Mailer } from '../../functions/mail/outgoing-email';
import { freePort } from '../../local/ports';
import { LOCAL_CONTROL_HEADER } from '../../local/request-guard';
import { type LocalStack, startLocalStack } from '../../local/stack';
import { testIdentityKey } from './identity';
import { testEndpoints } from './services';

/**
 * The local stack as `npm start` runs it, on a free port, sharing the test run's DynamoDB and SES.
 * With `dataDir`, its keys are files there, as `npm start` keeps them (for `npm run drip`); with
 * `tableName`, it starts on a table an earlier stack used, as a restart does.
 */
export async function localStackForTest(
  extraEnv: Record<string, string> = {},
  options: { mailer?: Mailer; openToNetwork?: boolean; dataDir?: string; tableName?: string } = {},
): Promise<LocalStack & { base: string }> {
  const { dynamo, ses } = testEndpoints();
  const port = await freePort();
  const stack = await startLocalStack({
    port,
    sesPort: 0,
    dynamoPort: 0,
    dynamoEndpoint: dynamo,
    sesEndpoint: ses,
    tableName: `stack-${randomUUID().slice(0, 8)}`,
    extraEnv: { RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_EMAIL: '1000', ...extraEnv },
    identityKey: testIdentityKey,
    ...options,
  });
  return Object.assign(stack, { base: `http://localhost:${port}` });
}

export async function postLead(base: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${base}/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

export async function control(base: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [LOCAL_CONTROL_HEADER]: '1' },
    body: JSON.stringify(body ?? {}),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}
