import { randomUUID } from 'node:crypto';
import type { Mailer } from '../../functions/mail/outgoing-email';
import type { SigningKeyProvider } from '../../functions/shared/signing-key';
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
  options: {
    mailer?: Mailer;
    openToNetwork?: boolean;
    dataDir?: string;
    tableName?: string;
    /** Default: the tests' key; `npm run drip` commands that derive ids need the data folder's. */
    identityKey?: SigningKeyProvider;
  } = {},
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
  const base = `http://localhost:${port}`;
  stacksByBase.set(base, stack);
  return Object.assign(stack, { base });
}

const stacksByBase = new Map<string, LocalStack>();

/**
 * Posts the form. On a stack this test run started, it answers once the capture mailer has
 * taken what the post stored from the table's stream (a visitor sees the emails a moment later).
 */
export async function postLead(base: string, body: Record<string, unknown>): Promise<Response> {
  const response = await fetch(`${base}/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  await stacksByBase.get(base)?.captureMailer.drain(20_000);
  return response;
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
