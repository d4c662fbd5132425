import { join } from 'node:path';
import { buildEmails } from '../emails/build';
import { writePreview } from '../emails/preview';
import { buildSite } from '../web/build';
import { JavaMissingError } from './dynamodb-local';
import { ROOT } from './paths';
import { PortInUseError } from './ports';
import { startLocalStack } from './stack';

function portSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`${name} must be a port number between 1 and 65535 (got "${raw}").`);
    process.exit(2);
  }
  return port;
}

function switchSetting(name: string): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  console.error(`${name} must be 1 (on) or 0 (off), got "${raw}".`);
  process.exit(2);
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const port = portSetting('PORT', 3000);
  const sesPort = portSetting('SES_PORT', 8005);
  const dynamoPort = portSetting('DYNAMODB_PORT', 8000);
  const smtpPort = portSetting('SMTP_PORT', 2525);
  const dataDir = process.env.DATA_DIR ?? join(ROOT, '.data');
  const openToNetwork = switchSetting('OPEN_TO_NETWORK');

  console.log('Building emails and the landing page...');
  await buildEmails();
  await Promise.all([writePreview(), buildSite()]);

  const stack = await startLocalStack({
    port,
    sesPort,
    dynamoPort,
    smtpPort,
    dataDir,
    dispatchIntervalMs: 5000,
    openToNetwork,
  });
  console.log(`
Local stack is running (data in ${dataDir}; Ctrl-C stops it).

  Landing page   ${stack.urls.site}
  Email outbox   ${stack.urls.outbox}/
  Email preview  ${stack.urls.preview}
  Console        ${stack.urls.console}
  DynamoDB Local ${stack.urls.dynamodb}
  Replies (SMTP) localhost:${stack.smtpPort}  (to r+…@${stack.env.REPLY_DOMAIN})

The outbox lives in memory: it starts empty after a restart, while leads and emails' records
stay in ${dataDir}. The console's lead timelines show the schedule on the stack's clock.

Console users (passwords kept in ${dataDir}, or set LOCAL_CONSOLE_USERS):
${stack.consoleUsers.map((user) => `  ${user.username.padEnd(22)} ${user.password}   (${user.groups.join(', ')})`).join('\n')}

${
  openToNetwork
    ? 'OPEN_TO_NETWORK=1: other machines on the network can reach the pages, the console, the outbox and the /__local controls.\n\n'
    : ''
}The dispatcher runs every 5 s. Fast-forward the clock to watch the whole sequence arrive:
  npm run drip -- advance P3D      (or P35D for the whole sequence)
  npm run drip -- bounce EMAIL     npm run drip -- complain EMAIL     npm run drip -- status
Reply as a lead would (over SMTP, to their reply address; the sequence pauses):
  npm run drip -- reply EMAIL "Please call me"
`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, stopping...`);
    await stack.stop();
    console.log('Stopped. Leads are kept for next time.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof PortInUseError || error instanceof JavaMissingError) {
    console.error(`\n${error.message}`);
  } else {
    console.error('\nThe local stack could not start:', error);
  }
  process.exit(1);
});
