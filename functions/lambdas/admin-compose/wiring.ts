import { recordAwsCallsAs } from '../../adapters/aws-call-recorder';
import { dynamoTable } from '../../adapters/clients/dynamodb';
import type { AdminComposeEnv } from '../../config/env';
import { logger } from '../../observability/logger';
import { compileSequenceDraft } from '../../sequence/compile/compile-draft';
import { sequenceStores } from '../admin/sequences-wiring';
import { clockFrom, mailerFrom, type Overrides } from '../wiring';
import type { AdminComposeDeps } from './handler';

/** What the draft routes need, built from the parsed environment (AWS and local alike). */
export function adminComposeDeps(env: AdminComposeEnv, overrides: Overrides = {}): AdminComposeDeps {
  recordAwsCallsAs('admin-compose', env);
  const table = dynamoTable(env);
  const clock = clockFrom(overrides);
  const { sources, versions, sequences, enrolments, bundled, sampleValues } = sequenceStores(env, table, clock);
  return {
    sequences,
    enrolments,
    versions,
    // Strict MJML, the same compiler the email build uses: the console shows its errors as they are.
    compiler: { compile: (draft, options) => compileSequenceDraft(draft, { sources, ...options }) },
    bundled,
    // Test sends of a draft go to the signed-in user, from the practice's address.
    mailer: mailerFrom(env, overrides),
    sampleValues,
    clock,
    log: logger,
  };
}
