import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildEmails } from '../../emails/build';
import { RECORDING_VARIABLE } from '../../functions/adapters/aws-call-recorder';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { freePort } from '../../local/ports';
import { startSesLocal } from '../../local/ses-local';
import { RECORDING_DIR } from '../../rehearse/paths';
import { buildSite } from '../../web/build';

/**
 * One DynamoDB Local (in memory) and one local SES for the whole run. Each test file makes
 * its own table, so files stay independent while sharing the slow JVM start.
 */
export default async function globalSetup(): Promise<void> {
  // The pages the browser tests load, built once here: test files building the shared web/dist
  // in parallel could serve a half-written file. The email bundle too, when jest runs on its own.
  if (!existsSync(join(__dirname, '../../emails/dist/bundle.json'))) await buildEmails();
  // .ci/run's Node 24 pass reuses the site npm test built: the rehearsal beside it synthesizes
  // the stack from web/dist, which a rebuild would rewrite under it.
  if (!(process.env.TEST_SITE_PREBUILT && existsSync(join(__dirname, '../../web/dist/index.html')))) await buildSite();
  const [dynamoPort, sesPort] = [await freePort(), await freePort()];
  const dynamo = await startDynamoDbLocal({ port: dynamoPort });
  const ses = await startSesLocal({ port: sesPort, maxSendRate: 50 });
  process.env.TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TEST_SES_ENDPOINT = ses.endpoint;
  // Placeholders that satisfy the SDK's credential chain; nothing here talks to AWS.
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  process.env.AWS_REGION = 'us-east-1';
  // The tests run on whatever Node the machine has (20 still works; CI runs them on 24 too).
  // The SDK's reminder about Node 20 would repeat in every file.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Handlers log as in Lambda; test/support/log-privacy.ts captures every line and fails a
  // file whose logs contain personal data.
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  // Every AWS call the functions make is recorded for `npm run rehearse` (README, "Before the first deploy").
  // (.ci/run's second, Node 24 pass records elsewhere: the rehearsal reads this folder meanwhile.)
  process.env[RECORDING_VARIABLE] ||= RECORDING_DIR;
  (globalThis as Record<string, unknown>).__LOCAL_SERVICES__ = { dynamo, ses };
}
