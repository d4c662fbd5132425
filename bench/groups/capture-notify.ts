import { randomUUID } from 'node:crypto';
import { freePort } from '../../local/ports';
import { startLocalStack } from '../../local/stack';
import { validLead } from '../../test/support/capture-harness';
import { atMost, type Figure } from '../report';
import type { Services } from '../services';
import { percentile, progress } from '../stats';

const LEADS = 50;
const GIVE_UP_MS = 15_000;

/**
 * capture.notify_p95_ms: on the local stack as `npm start` runs it (gateway, capture handler,
 * and whatever carries the capture emails to the local SES, the table's stream included),
 * the time from a form POST to the staff notification for that lead in the local outbox,
 * one lead after another, p95 over 50 leads.
 */
export async function notifyFigures(services: Services): Promise<Figure[]> {
  const port = await freePort();
  const stack = await startLocalStack({
    port,
    sesPort: 0,
    dynamoPort: 0,
    dynamoEndpoint: services.dynamoEndpoint,
    sesEndpoint: services.sesEndpoint,
    tableName: `bench-notify-${randomUUID().slice(0, 8)}`,
    extraEnv: { RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_EMAIL: '1000' },
  });
  // The throughput runs filled the outbox; each poll below reads all of it.
  await services.clearOutbox();
  const run = randomUUID().slice(0, 8);
  const latencies: number[] = [];
  let missing = 0;
  try {
    for (let lead = 0; lead < LEADS; lead++) {
      const email = `notify${lead}.${run}@example.com`;
      const started = performance.now();
      const response = await fetch(`http://localhost:${port}/leads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(validLead(email)),
      });
      if (response.status !== 202) throw new Error(`POST /leads answered ${response.status}`);
      // A lead whose notification never came counts as the longest wait, and is counted.
      if (await staffNotified(services.sesEndpoint, email, started)) latencies.push(performance.now() - started);
      else {
        missing++;
        latencies.push(GIVE_UP_MS);
      }
    }
  } finally {
    await stack.stop();
  }
  progress('capture', `staff notified after ${percentile(latencies, 50).toFixed(0)} ms (p50)`);
  return [
    { name: 'notify_p95_ms', value: percentile(latencies, 95), unit: 'ms', goal: atMost(2000) },
    { name: 'notify_p50_ms', value: percentile(latencies, 50), unit: 'ms' },
    { name: 'notify_missing', value: missing, unit: `leads of ${LEADS} without one within ${GIVE_UP_MS} ms` },
  ];
}

async function staffNotified(sesEndpoint: string, leadEmail: string, started: number): Promise<boolean> {
  while (performance.now() - started < GIVE_UP_MS) {
    const response = await fetch(`${sesEndpoint}/store`);
    const { emails } = (await response.json()) as {
      emails: { destination: { to: string[] }; body: { text?: string } }[];
    };
    const found = emails.some(
      (email) => !email.destination.to.includes(leadEmail) && email.body.text?.includes(leadEmail),
    );
    if (found) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}
