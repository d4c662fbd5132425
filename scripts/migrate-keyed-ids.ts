/**
 * Moves a table written before keyed ids to them (functions/adapters/dynamodb/keyed-id-migration.ts).
 * Run once after the deploy that brings keyed ids, with credentials that may read the identity
 * key and scan and write the table; `--dry-run` only counts what would move.
 *
 *   npm run migrate-ids -- --table <TableName> --identity-secret <IdentityKeySecretArn> [--dry-run]
 *   npm run migrate-ids -- --table clinic-leads --endpoint http://127.0.0.1:8000 --identity-key-file .data/identity.key
 *
 * Prints counts only: never an id, an address or the key.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { documentClient } from '../functions/adapters/clients/dynamodb';
import { keyedIdsMigrated, migrateToKeyedIds } from '../functions/adapters/dynamodb/keyed-id-migration';
import { decodeKey, secretsManagerKey } from '../functions/adapters/signing-key';

const USAGE =
  'Usage: npm run migrate-ids -- --table <TableName output> (--identity-secret <IdentityKeySecretArn output> | --identity-key-file <path>) [--dry-run] [--due-shards <n>] [--endpoint <DynamoDB URL>]';

export async function migrateIdsCommand(argv: string[], print: (line: string) => void = console.log): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    print(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const secret = values['identity-secret'];
  const keyFile = values['identity-key-file'];
  if (!values.table || Boolean(secret) === Boolean(keyFile)) {
    print(`Give --table and exactly one of --identity-secret or --identity-key-file.\n${USAGE}`);
    return 2;
  }
  const dueShards = Number(values['due-shards'] ?? '8');
  if (!Number.isInteger(dueShards) || dueShards < 1 || dueShards > 64) {
    print(`--due-shards must be the stack's DUE_SHARDS (1 to 64, default 8).\n${USAGE}`);
    return 2;
  }
  const key = keyFile ? decodeKey(readFileSync(keyFile, 'utf8')) : await secretsManagerKey(secret!)();
  const table = { client: documentClient({ endpoint: values.endpoint }), tableName: values.table, dueShards };
  const before = await keyedIdsMigrated(table);
  const report = await migrateToKeyedIds(table, key, { dryRun: values['dry-run'] ?? false });
  const verb = report.dryRun ? 'Would move' : 'Moved';
  print(
    `${verb} to keyed ids: leads ${report.leads} (items ${report.items}), suppression entries ${report.suppressions}, opt-in tokens ${report.optInTokens}.`,
  );
  if (report.dryRun) print(before ? 'The marker is there already (migrated before).' : 'Nothing was written.');
  else print('Marker written: the functions now derive every id without a look-up.');
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      table: { type: 'string' },
      'identity-secret': { type: 'string' },
      'identity-key-file': { type: 'string' },
      endpoint: { type: 'string' },
      'due-shards': { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
}

if (require.main === module) {
  migrateIdsCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`Migration stopped: ${(error as Error).message}. It is safe to run again.`);
      process.exit(1);
    },
  );
}
