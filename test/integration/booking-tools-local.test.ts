import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../../bench/bundle';
import { dynamoTable } from '../../functions/adapters/clients/dynamodb';
import { DynamoEnrolmentStore } from '../../functions/adapters/dynamodb/enrolments';
import { baseEnvSchema, parseEnv } from '../../functions/config/env';
import { ROOT } from '../../local/paths';
import { validLead } from '../support/capture-harness';
import { testLeadId as leadIdFor } from '../support/identity';
import { localStackForTest, postLead } from '../support/local-stack-harness';
import { uniqueEmail } from '../support/services';

/** The done-means check of the booking tools, as a newcomer tries it: `npm start`, then `npm run drip -- ...`. */

jest.setTimeout(120_000);

const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const drip = (args: string[], port: number, dataDir: string) =>
  runNode([TSX, join(ROOT, 'local', 'drip-cli.ts'), ...args], {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    DATA_DIR: dataDir,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });

it('a signed Calendly invitee.canceled after an invitee.created puts the lead on the rebook path (local stack)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'drip-calendly-'));
  const stack = await localStackForTest({ CONSENT_MODE: 'single' }, { dataDir });
  try {
    const port = Number(new URL(stack.base).port);
    const email = uniqueEmail('calendly');
    expect((await postLead(stack.base, validLead(email))).status).toBe(202);

    const booked = await drip(['calendly', 'booked', email], port, dataDir);
    expect({ code: booked.code, err: booked.err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(booked.out)).toEqual({ status: 'booked' });
    const cancelled = await drip(['calendly', 'cancelled', email], port, dataDir);
    expect(JSON.parse(cancelled.out)).toEqual({ status: 'rebook' });

    const store = new DynamoEnrolmentStore(dynamoTable(parseEnv(baseEnvSchema, stack.env)));
    expect(await store.getEnrolment(leadIdFor(email), 'rebook-after-cancellation')).toMatchObject({
      status: 'active',
    });
    expect(await store.getLead(leadIdFor(email))).toMatchObject({ status: 'active' });

    // An Acuity booking of the same person, then its cancellation, through the local Acuity book.
    const scheduled = await drip(['acuity', 'scheduled', email], port, dataDir);
    const { appointmentId, status } = JSON.parse(scheduled.out) as { appointmentId: string; status: string };
    expect(status).toBe('booked');
    const canceled = await drip(['acuity', 'canceled', appointmentId], port, dataDir);
    expect(JSON.parse(canceled.out)).toMatchObject({ status: 'rebook' });

    // A booking for an address that is not a lead waits in the staff booking inbox.
    const stranger = uniqueEmail('stranger');
    const unknown = await drip(['calendly', 'booked', stranger], port, dataDir);
    expect(JSON.parse(unknown.out)).toEqual({ status: 'stored-for-staff' });
    const staff = stack.consoleUsers[0]!;
    const login = await fetch(`${stack.base}/admin/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: staff.username, password: staff.password }),
    });
    const { token } = (await login.json()) as { token: string };
    const inbox = await fetch(`${stack.base}/admin/api/bookings/inbox`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(inbox.status).toBe(200);
    expect(((await inbox.json()) as { entries: unknown[] }).entries).toContainEqual(
      expect.objectContaining({ kind: 'unmatched-booking', tool: 'calendly', email: stranger }),
    );
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
