import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../../bench/bundle';
import { dynamoTable } from '../../functions/adapters/clients/dynamodb';
import { DynamoEnrolmentStore } from '../../functions/adapters/dynamodb/enrolments';
import { baseEnvSchema, parseEnv } from '../../functions/config/env';
import { leadIdFor } from '../../functions/lead/email-address';
import { ROOT } from '../../local/paths';
import { fileSigningKey } from '../../local/signing-key';
import { validLead } from '../support/capture-harness';
import { control, localStackForTest, postLead } from '../support/local-stack-harness';
import { uniqueEmail } from '../support/services';

/** The done-means check of replies, as a newcomer tries it: `npm start`, then `npm run drip -- reply`. */

jest.setTimeout(120_000);

const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

it('npm run drip -- reply sends a reply over SMTP that stops the lead’s sequence (local stack)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'drip-reply-'));
  // As npm start does: the ids are keyed with the data folder's identity key, which the command reads too.
  const identityKey = fileSigningKey(join(dataDir, 'identity.key'));
  const stack = await localStackForTest({ CONSENT_MODE: 'single' }, { dataDir, identityKey });
  try {
    const email = uniqueEmail('cli-reply');
    expect((await postLead(stack.base, validLead(email))).status).toBe(202);
    await control(stack.base, '/__local/drip/tick');

    const replied = await runNode([TSX, join(ROOT, 'local', 'drip-cli.ts'), 'reply', email, 'Please call me'], {
      PATH: process.env.PATH ?? '',
      PORT: new URL(stack.base).port,
      SMTP_PORT: String(stack.smtpPort),
      DATA_DIR: dataDir,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });

    expect({ code: replied.code, err: replied.err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(replied.out)).toMatchObject({ sent: true });
    const leadId = leadIdFor(email, await identityKey());
    const store = new DynamoEnrolmentStore(dynamoTable(parseEnv(baseEnvSchema, stack.env)));
    expect(await store.getEnrolment(leadId, stack.env.DEFAULT_SEQUENCE_ID!)).toMatchObject({ status: 'replied' });
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
