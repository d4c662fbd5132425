import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import { freePort } from '../../local/ports';
import { type LocalStack, startLocalStack } from '../../local/stack';
import { validLead } from '../support/capture-harness';
import { control, postLead } from '../support/local-stack-harness';
import { allItems, outbox, testEndpoints, uniqueEmail } from '../support/services';

jest.setTimeout(300_000);

const sequence = bundledEmails().sequences['exosome-aftercare']!;
const stepSubjects = new Set(sequence.steps.flatMap((step) => step.variants.map((variant) => variant.subject)));

describe('a crash and restart of the local stack in the middle of a run', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;
  afterAll(async () => {
    await stack?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('loses no accepted lead and sends no email twice', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'restart-'));
    const options = {
      port: await freePort(),
      sesPort: 0,
      dynamoPort: await freePort(),
      sesEndpoint: testEndpoints().ses,
      dataDir,
      tableName: 'restart-leads',
      extraEnv: { RATE_LIMIT_PER_ADDRESS: '0' },
    };
    const base = `http://localhost:${options.port}`;
    const emails = Array.from({ length: 40 }, (_, index) => uniqueEmail(`restart${index}`));
    const accepted = new Set<string>();
    let cutOff = 0;
    const send = async (email: string) => {
      try {
        if ((await postLead(base, validLead(email))).status === 202) accepted.add(email);
      } catch {
        // Cut off by the crash: the visitor sees an error and may simply send the form again.
        cutOff++;
      }
    };

    stack = await startLocalStack(options);
    await Promise.all(emails.slice(0, 20).map(send));
    await control(base, '/__local/drip/tick');
    // Crash while a second wave is in flight and steps are being sent.
    const inFlight = Promise.all(emails.slice(20, 30).map(send));
    const ticking = control(base, '/__local/drip/advance', { duration: 'P3D' }).then(
      () => 'finished',
      () => 'cut off',
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    await stack.crash();
    const [, advance] = await Promise.all([inFlight, ticking]);
    // The crash really cut work off; otherwise this test would prove nothing.
    expect({ cutOff, advance }).not.toEqual({ cutOff: 0, advance: 'finished' });

    stack = await startLocalStack(options);
    const retried = emails.slice(20).filter((email) => !accepted.has(email));
    await Promise.all(retried.map(send));
    await control(base, '/__local/drip/advance', { duration: 'P40D' });
    // The capture emails leave from the table's stream: the restarted mapping resumes from its checkpoint.
    await stack.captureMailer.drain(60_000);

    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.urls.dynamodb }));
    const stored = new Set(
      (await allItems(doc, options.tableName)).filter((item) => item.type === 'lead').map((item) => item.email),
    );
    expect(accepted.size).toBe(40);
    for (const email of accepted) expect(stored.has(email)).toBe(true);
    for (const email of emails) {
      const subjects = (await outbox(email)).map((mail) => mail.subject).filter((subject) => stepSubjects.has(subject));
      expect({ email, duplicates: subjects.length - new Set(subjects).size }).toEqual({ email, duplicates: 0 });
    }
    // Every capture email exactly once: one confirmation to each lead, one staff notification about each.
    const staff = await outbox('frontdesk@example.com');
    for (const email of emails) {
      const confirmations = (await outbox(email)).filter((mail) => !stepSubjects.has(mail.subject));
      const notifications = staff.filter((mail) => mail.body.text?.includes(email));
      expect({ email, confirmations: confirmations.length, notifications: notifications.length }).toEqual({
        email,
        confirmations: 1,
        notifications: 1,
      });
    }
  });
});
