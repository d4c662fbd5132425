import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../../bench/bundle';
import { dynamoTable } from '../../functions/adapters/clients/dynamodb';
import { DynamoEnrolmentStore } from '../../functions/adapters/dynamodb/enrolments';
import { baseEnvSchema, parseEnv } from '../../functions/config/env';
import { ROOT } from '../../local/paths';
import { freePort, PortInUseError } from '../../local/ports';
import { startLocalStack } from '../../local/stack';
import { validLead } from '../support/capture-harness';
import { testLeadId } from '../support/identity';
import { localStackForTest, postLead } from '../support/local-stack-harness';
import { testEndpoints, uniqueEmail } from '../support/services';

/** What a newcomer sees when `npm start` or `npm run drip` cannot do what was asked. */

const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const drip = (args: string[], port: number, env: Record<string, string> = {}) =>
  runNode([TSX, join(ROOT, 'local', 'drip-cli.ts'), ...args], {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...env,
  });

async function occupied(): Promise<{ port: number; server: Server }> {
  const port = await freePort();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, server };
}

describe('npm start', () => {
  it('names the setting to change when a port is taken', async () => {
    const { ses } = testEndpoints();
    for (const setting of ['PORT', 'SES_PORT'] as const) {
      const taken = await occupied();
      try {
        const ports = { port: await freePort(), sesPort: await freePort(), dynamoPort: await freePort() };
        const options = {
          ...ports,
          ...(setting === 'PORT' ? { port: taken.port } : { sesPort: taken.port }),
          dynamoEndpoint: testEndpoints().dynamo,
          ...(setting === 'PORT' ? { sesEndpoint: ses } : {}),
        };
        const started = startLocalStack(options);
        await expect(started).rejects.toBeInstanceOf(PortInUseError);
        await expect(started).rejects.toThrow(
          `Port ${taken.port} is already in use. Stop whatever is using it, or choose another port with ${setting}=<port>.`,
        );
      } finally {
        taken.server.close();
      }
    }
  });

  it('says how to install Java when DynamoDB Local cannot run', async () => {
    // In a child process: jest gives each test file its own copy of process.env, which Node's
    // child_process does not see, so PATH cannot be taken away in here.
    const script = `import(${JSON.stringify(join(ROOT, 'local', 'dynamodb-local.ts'))})
      .then((m) => (m.startDynamoDbLocal ?? m.default.startDynamoDbLocal)({ port: 1 }))
      .catch((error) => { console.error(error.name + ': ' + error.message); process.exit(3); })`;
    const run = await runNode([TSX, '-e', script], { PATH: '/nonexistent' });
    expect(run.code).toBe(3);
    expect(run.err).toContain('JavaMissingError: DynamoDB Local needs Java 17 or newer');
    expect(run.err).toContain('apt-get install -y openjdk-17-jre-headless');
  });
});

describe('npm run drip', () => {
  it('explains a missing or malformed argument, and an unknown command, before calling anything', async () => {
    const port = await freePort();
    const cases: [string[], RegExp][] = [
      [['advance'], /Say how far to move the clock, e\.g\. "npm run drip -- advance P3D"/],
      [['advance', 'three days'], /"three days" is not a duration this command takes: .*Try P3D or PT12H/],
      [['bounce'], /Say which address, e\.g\. "npm run drip -- bounce someone@example\.com"/],
      [['rewind'], /Unknown command "rewind"[\s\S]*Usage: npm run drip -- <command>/],
    ];
    for (const [args, message] of cases) {
      const run = await drip(args, port);
      expect({ args, code: run.code }).toEqual({ args, code: 1 });
      expect(run.err).toMatch(message);
    }
  });

  it('says when no local stack answers on PORT, and talks to the one that does', async () => {
    const nobody = await freePort();
    const missing = await drip(['status'], nobody);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`No local stack answers on http://localhost:${nobody}. Start it with "npm start"`);

    const stack = await localStackForTest();
    try {
      const port = Number(new URL(stack.base).port);
      const advanced = await drip(['advance', 'P3D'], port);
      expect(advanced.code).toBe(0);
      const status = await drip(['status'], port);
      expect(status.code).toBe(0);
      const reported = JSON.parse(status.out) as { now: string; queueDepth: number };
      expect(reported.queueDepth).toBe(0);
      // Three days ahead of the wall clock: the command moved the stack's clock and reads it back.
      expect(Date.parse(reported.now) - Date.now()).toBeGreaterThan(3 * 86_400_000 - 60_000);
      expect(Math.abs(Date.parse(reported.now) - stack.clock.now().getTime())).toBeLessThan(5_000);
      const unknown = await drip(['bounce', uniqueEmail('nobody')], port);
      expect(unknown.code).toBe(1);
      expect(unknown.err).toMatch(/^404: /);
    } finally {
      await stack.stop();
    }
  });

  it('books a lead after the clock was moved forward: the webhook is signed on the stack’s clock', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'drip-booked-'));
    const stack = await localStackForTest({ CONSENT_MODE: 'single' }, { dataDir });
    try {
      const port = Number(new URL(stack.base).port);
      const email = uniqueEmail('booked');
      expect((await postLead(stack.base, validLead(email))).status).toBe(202);
      expect((await drip(['advance', 'P3D'], port, { DATA_DIR: dataDir })).code).toBe(0);

      const booked = await drip(['booked', email], port, { DATA_DIR: dataDir });
      expect({ code: booked.code, err: booked.err }).toEqual({ code: 0, err: '' });
      expect(JSON.parse(booked.out)).toMatchObject({ status: 'booked' });
      const enrolment = await new DynamoEnrolmentStore(dynamoTable(parseEnv(baseEnvSchema, stack.env))).getEnrolment(
        testLeadId(email),
        stack.env.DEFAULT_SEQUENCE_ID!,
      );
      expect(enrolment).toMatchObject({ status: 'exited', exitReason: 'booked' });
    } finally {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
