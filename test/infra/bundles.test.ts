import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleLambda, runNode } from '../../bench/bundle';
import { clinicConfig } from '../../config/clinic';
import { RECORDING_VARIABLE } from '../../functions/adapters/aws-call-recorder';
import { decodeKey } from '../../functions/adapters/signing-key';
import { leadIdFor } from '../../functions/lead/email-address';
import { PROJECT_ROOT } from '../../infra/constructs/lambda';
import { localEnvironment } from '../../local/local-env';
import { STAND_IN_SECRET, type StandIn, secretsManagerStandIn } from '../../rehearse/stand-ins';
import { apiEvent } from '../support/api-event';
import { validLead } from '../support/capture-harness';
import { freshTable, itemsOfLead, outbox, testEndpoints, uniqueEmail } from '../support/services';

/**
 * The bundles the stack ships, built with the stack's esbuild options (LAMBDA_BUNDLE) and
 * loaded the way Lambda's Node.js runtime loads index.js. Synth in the other infra tests
 * skips bundling, so this is what catches a dependency that breaks in the shipped format
 * (import.meta, top-level await) or a handler that is no longer exported.
 */

// One folder per function, each with its entry in index.ts.
const ENTRIES = readdirSync(join(PROJECT_ROOT, 'functions', 'lambdas'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(entry.parentPath, entry.name, 'index.ts')))
  .map((entry) => entry.name);

const PROCESS_ENV = {
  PATH: process.env.PATH ?? '',
  // The shipped bundles record their AWS calls too (npm run rehearse reads them).
  ...(process.env[RECORDING_VARIABLE] ? { [RECORDING_VARIABLE]: process.env[RECORDING_VARIABLE] } : {}),
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

/** What the stack sets (placeholders); no local endpoints, as in AWS. */
function deployedEnv(): Record<string, string> {
  const {
    DYNAMODB_ENDPOINT: _dynamo,
    SES_ENDPOINT: _ses,
    ...settings
  } = localEnvironment({
    port: 3000,
    dynamoEndpoint: 'http://127.0.0.1:1',
    sesEndpoint: 'http://127.0.0.1:1',
    tableName: 'bundle-test',
  });
  return {
    ...PROCESS_ENV,
    ...settings,
    WORK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/work',
    SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:signing',
    IDENTITY_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:identity',
    WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:webhook',
    CALENDLY_SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:calendly',
    ACUITY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:acuity',
    WEBHOOK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/webhooks',
    WEBHOOK_DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/webhooks-dlq',
  };
}

// As the runtime does for a CommonJS index.js: require it, then read `handler`.
const LOAD = 'const loaded = require(process.argv[1]); process.stdout.write(typeof loaded.handler);';

// Requires the bundle, invokes its handler once with the event in argv[2], prints the result.
const INVOKE =
  'const { handler } = require(process.argv[1]);' +
  "const context = { awsRequestId: 'bundle-test', functionName: 'capture', getRemainingTimeInMillis: () => 10000 };" +
  'Promise.resolve(handler(JSON.parse(process.argv[2]), context))' +
  '.then((result) => process.stdout.write(JSON.stringify(result)), (error) => { console.error(error); process.exit(1); });';

function load(file: string, env: Record<string, string>, script = LOAD, extraArgs: string[] = []) {
  return runNode(['-e', script, file, ...extraArgs], env);
}

describe('the Lambda bundles as shipped', () => {
  const files = new Map<string, string>();
  const warnings = new Map<string, string[]>();

  beforeAll(async () => {
    for (const entry of ENTRIES) {
      const built = await bundleLambda(`functions/lambdas/${entry}/index.ts`, `test-bundle-${entry}`);
      files.set(entry, built.file);
      warnings.set(entry, built.warnings);
    }
  }, 120_000);

  it.each(ENTRIES)('%s bundles without a warning (import.meta or top-level await would warn in CommonJS)', (entry) => {
    expect(warnings.get(entry)).toEqual([]);
  });

  it('covers every entry under functions/lambdas', () => {
    expect(ENTRIES).toEqual(expect.arrayContaining(['capture', 'dispatcher', 'sender', 'admin', 'unsubscribe']));
    expect(ENTRIES.length).toBeGreaterThanOrEqual(9);
  });

  it.each(ENTRIES)('%s loads as CommonJS and exports a handler', async (entry) => {
    const file = files.get(entry)!;
    expect(file.endsWith('index.js')).toBe(true);
    const result = await load(file, deployedEnv());
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toBe('function');
  });

  it.each(ENTRIES)('%s refuses to start without its settings, naming the first one missing', async (entry) => {
    const result = await load(files.get(entry)!, PROCESS_ENV);
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/ConfigurationError: Invalid configuration: TABLE_NAME is not set/);
  });

  it('the dispatcher bundle runs on the local services and reports its run as EMF metrics', async () => {
    const { tableName } = await freshTable('bundle-dispatch');
    const result = await load(
      files.get('dispatcher')!,
      {
        ...deployedEnv(),
        TABLE_NAME: tableName,
        DYNAMODB_ENDPOINT: testEndpoints().dynamo,
        POWERTOOLS_SERVICE_NAME: 'dispatcher',
      },
      INVOKE,
      [JSON.stringify({})],
    );
    expect(result.err).toBe('');
    const lines = result.out.split('\n').filter(Boolean);
    const emf = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => '_aws' in entry);
    expect(emf).toMatchObject({ WorkQueued: 0, DispatchFailed: 0, service: 'dispatcher' });
    // The run's own answer follows the metrics: nothing was due in the empty table.
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ found: 0, enqueued: 0, failed: 0 });
  });

  describe('the capture bundle on the local services', () => {
    let secrets: StandIn;

    // Stands in for Secrets Manager's GetSecretValue (the only call the bundle makes there).
    beforeAll(async () => {
      secrets = await secretsManagerStandIn();
    });

    afterAll(() => secrets.stop());

    it('stores the lead and sends both emails, exactly as the shipped bundle', async () => {
      const { tableName, doc } = await freshTable('bundle');
      const endpoints = testEndpoints();
      const email = uniqueEmail('bundled');
      const event = apiEvent({
        path: '/leads',
        headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
        body: JSON.stringify(validLead(email)),
      });
      const result = await load(
        files.get('capture')!,
        {
          ...deployedEnv(),
          TABLE_NAME: tableName,
          DYNAMODB_ENDPOINT: endpoints.dynamo,
          SES_ENDPOINT: endpoints.ses,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
        },
        INVOKE,
        [JSON.stringify(event)],
      );
      expect(result.err).toBe('');
      expect(JSON.parse(result.out)).toMatchObject({ statusCode: 202 });
      expect(secrets.requests).toContain('secretsmanager.GetSecretValue');

      // The stand-in Secrets Manager answers every secret with the same value: the identity key too.
      const items = await itemsOfLead(doc, tableName, leadIdFor(email, decodeKey(STAND_IN_SECRET)));
      expect(items.map((item) => String(item.sk).split('#')[0])).toEqual(
        expect.arrayContaining(['PROFILE', 'SUBMISSION', 'CONSENT', 'ENROLMENT', 'EMAIL']),
      );
      expect(await outbox(email)).toHaveLength(1);
      const staff = (await outbox(clinicConfig.mail.staffAddresses[0])).filter((mail) =>
        mail.body.text?.includes(email),
      );
      expect(staff.map((mail) => mail.subject).join('\n')).toMatch(/New lead/);
    });
  });
});
