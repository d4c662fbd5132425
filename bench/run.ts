import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { applyBenchEnv } from './env';
import type { GroupContext } from './group';
import { GROUPS } from './groups';
import { entriesOf, formatTable, mergeResults, type Results } from './report';
import type { Services } from './services';

const PROJECT_ROOT = join(__dirname, '..');
const RESULTS_FILE = join(__dirname, 'results.json');
const EMAIL_BUNDLE = join(PROJECT_ROOT, 'emails', 'dist', 'bundle.json');

/**
 * `npm run bench` runs every group; `npm run bench -- capture send` runs only those. Prints a
 * table and merges the figures into bench/results.json. A missed goal is a result, not a
 * failure: the exit code is non-zero only when the bench itself could not run.
 */
async function main(): Promise<number> {
  const requested = process.argv.slice(2).filter((arg) => arg !== '--');
  const unknown = requested.filter((name) => !(name in GROUPS));
  if (unknown.length > 0) {
    console.error(`Unknown bench group${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
    console.error(`Groups: ${listGroups()}`);
    console.error('Run all with `npm run bench`, or some with `npm run bench -- <group> [<group> ...]`.');
    return 2;
  }
  const selected = requested.length > 0 ? [...new Set(requested)] : Object.keys(GROUPS);

  applyBenchEnv();
  ensureEmailBundle();

  let services: Promise<Services> | undefined;
  const context: GroupContext = {
    services: () => {
      services ??= import('./services').then(({ startServices }) => {
        process.stderr.write('[bench] starting DynamoDB Local (in memory) and the local SES\n');
        return startServices();
      });
      return services;
    },
  };
  const stopServices = async () => {
    const running = services;
    services = undefined;
    if (running) await running.then((started) => started.stop()).catch(() => undefined);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`[bench] ${signal}: stopping services\n`);
    void stopServices().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const started = performance.now();
  const fresh: Results = {};
  const ran: string[] = [];
  const broken: string[] = [];
  try {
    for (const name of selected) {
      const groupStarted = performance.now();
      process.stderr.write(`[bench] group ${name}: ${GROUPS[name]!.description}\n`);
      try {
        const group = await GROUPS[name]!.load();
        Object.assign(fresh, entriesOf(name, await group.run(context)));
        ran.push(name);
      } catch (error) {
        broken.push(name);
        console.error(`[bench] group ${name} failed:`, error);
      }
      process.stderr.write(`[bench] group ${name} took ${((performance.now() - groupStarted) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    await stopServices();
  }

  const merged = mergeResults(RESULTS_FILE, ran, fresh);
  const shown = Object.fromEntries(Object.entries(merged).filter(([key]) => key in fresh));
  console.log(formatTable(shown));
  const missed = Object.entries(shown).filter(([, entry]) => !entry.pass);
  console.log(
    `\n${Object.keys(shown).length} figures from ${ran.join(', ') || 'no group'} in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `${missed.length === 0 ? 'every goal met' : `goal missed: ${missed.map(([key]) => key).join(', ')}`}; ` +
      `written to ${RESULTS_FILE}`,
  );
  if (broken.length > 0) {
    console.error(`The bench could not complete: ${broken.join(', ')} (see the errors above).`);
    return 1;
  }
  return 0;
}

function listGroups(): string {
  return Object.entries(GROUPS)
    .map(([name, entry]) => `\n  ${name.padEnd(10)} ${entry.description}`)
    .join('');
}

/** The handlers inline emails/dist/bundle.json; build it when a fresh checkout has none. */
function ensureEmailBundle(): void {
  if (existsSync(EMAIL_BUNDLE)) return;
  process.stderr.write('[bench] emails/dist/bundle.json is missing: running npm run emails:build\n');
  const build = spawnSync('npm', ['run', 'emails:build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run emails:build failed');
}

// Exit explicitly: a handler's SDK clients or a queue timer must not keep a finished bench alive.
main().then(
  (code) => process.exit(code),
  (error) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  },
);
