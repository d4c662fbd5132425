import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { logger } from '../../functions/observability/logger';
import { jsonPost, lambdaContext } from '../support/api-event';
import { captureHarness, validLead } from '../support/capture-harness';
import { uniqueEmail } from '../support/services';

/** Collects every line written to stdout/stderr or the console while `run` executes. */
async function captureLogs(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const record = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void record(args.map(String).join(' '))),
    ),
  ];
  logger.setLogLevel('DEBUG');
  try {
    await run();
  } finally {
    logger.setLogLevel('DEBUG');
    for (const spy of spies) spy.mockRestore();
  }
  return lines.join('\n');
}

describe('capture logs', () => {
  it('never contain the email, name, phone or unsubscribe link of a lead, even when sending fails', async () => {
    const harness = await captureHarness();
    const email = uniqueEmail('privacy');
    const lead = validLead(email, { firstName: 'Zebulonia', lastName: 'Quaxworth', phone: '+44 20 7946 0958' });
    const ses = mockClient(SESv2Client);
    let logs = '';
    try {
      logs = await captureLogs(async () => {
        await harness.handler(jsonPost('/leads', lead), lambdaContext);
        ses
          .on(SendEmailCommand)
          .rejects(Object.assign(new Error(`Email address is not verified: ${email}`), { name: 'MessageRejected' }));
        await harness.handler(jsonPost('/leads', lead), lambdaContext);
        await harness.handler(jsonPost('/leads', { ...lead, email: 'broken' }), lambdaContext);
      });
    } finally {
      ses.restore();
    }

    expect(logs).toMatch(/Lead captured/);
    for (const secret of [email, 'Zebulonia', 'Quaxworth', '7946', '/u/u1.', 'List-Unsubscribe']) {
      expect(logs).not.toContain(secret);
    }
  });
});
