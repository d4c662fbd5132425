import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { freePort } from '../../local/ports';
import { startLocalStack } from '../../local/stack';
import type { BenchGroup } from '../group';
import { atMost, type Figure } from '../report';
import { benchDocumentClient } from '../services';
import { progress } from '../stats';

const RATE = Number(process.env.BENCH_LOAD_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);

function lead(email: string): string {
  return JSON.stringify({
    firstName: 'Load',
    email,
    interests: ['skin-regeneration'],
    consent: true,
    consentVersion: '2026-11-01',
    timeZone: 'America/New_York',
  });
}

/**
 * The local stack (real gateway, handlers, DynamoDB Local, local SES) driven over HTTP by
 * autocannon at a fixed rate, every request a new person. A fixed number of requests (rate ×
 * seconds), each waited for, so none is cut off at the end: lost leads = emails posted − leads
 * stored. The per-address limit is off: every request comes from localhost, and it is the
 * capture path's capacity being measured, not the abuse guard.
 */
export const loadGroup: BenchGroup = {
  async run(context) {
    const services = await context.services();
    const tableName = await services.freshTable('load');
    const port = await freePort();
    const stack = await startLocalStack({
      port,
      sesPort: 0,
      dynamoPort: 0,
      dynamoEndpoint: services.dynamoEndpoint,
      sesEndpoint: services.sesEndpoint,
      tableName,
      extraEnv: { RATE_LIMIT_PER_ADDRESS: '0' },
    });
    const posted = new Set<string>();
    const accepted = new Set<string>();
    try {
      progress('load', `${RATE} requests/s for ${SECONDS} s to POST /leads`);
      const result = await autocannon({
        url: `http://localhost:${port}/leads`,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        connections: 16,
        overallRate: RATE,
        amount: RATE * SECONDS,
        timeout: 10,
        requests: [
          {
            setupRequest: (request, ctx) => {
              const email = `load.${randomUUID()}@example.com`;
              (ctx as { email?: string }).email = email;
              posted.add(email);
              return { ...request, body: lead(email) };
            },
            onResponse: (status, _body, ctx) => {
              if (status === 202) accepted.add(String((ctx as { email?: string }).email));
            },
          },
        ],
      });
      await stack.drip.queue.drain();
      const stored = await storedEmails(services, tableName);
      const lost = [...posted].filter((email) => !stored.has(email)).length;
      const acceptedNotStored = [...accepted].filter((email) => !stored.has(email)).length;
      const errors = result.errors + result.timeouts + result.non2xx;
      progress('load', `${result.requests.total} requests, ${errors} errors, ${accepted.size} accepted, ${lost} lost`);
      return [
        { name: 'requests', value: result.requests.total, unit: 'requests' },
        { name: 'rate', value: result.requests.total / SECONDS, unit: 'requests/s' },
        { name: 'errors', value: errors, unit: 'responses not 2xx, or failed', goal: atMost(0) },
        { name: 'p50_ms', value: result.latency.p50, unit: 'ms' },
        { name: 'p99_ms', value: result.latency.p99, unit: 'ms' },
        { name: 'posted', value: posted.size, unit: 'distinct emails' },
        { name: 'lost_leads', value: lost, unit: 'posted but not stored', goal: atMost(0) },
        { name: 'accepted_not_stored', value: acceptedNotStored, unit: 'answered 202 but not stored', goal: atMost(0) },
      ] satisfies Figure[];
    } finally {
      await stack.stop();
    }
  },
};

async function storedEmails(
  services: Awaited<ReturnType<Parameters<BenchGroup['run']>[0]['services']>>,
  tableName: string,
) {
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const doc = benchDocumentClient(services);
  const emails = new Set<string>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#type = :lead',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':lead': 'lead' },
        ProjectionExpression: 'email',
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) emails.add(String(item.email));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return emails;
}
