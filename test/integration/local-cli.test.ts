import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { runNode } from '../../bench/bundle';
import { ROOT } from '../../local/paths';
import { freePort, PortInUseError } from '../../local/ports';
import { startLocalStack } from '../../local/stack';
import { localStackForTest } from '../support/local-stack-harness';
import { testEndpoints, uniqueEmail } from '../support/services';

/** What a newcomer sees when `npm start` or `npm run drip` cannot do what was asked. */

const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const drip = (args: string[], port: number) =>
  runNode([TSX, join(ROOT, 'local', 'drip-cli.ts'), ...args], {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
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
});
