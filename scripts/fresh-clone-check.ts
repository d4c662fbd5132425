/**
 * What a newcomer does first, as CI's guard: on a checkout where nothing is built, start the
 * README's first command on free ports, post the landing page's own form (hidden fields
 * included), wait for the visitor's confirmation in the local outbox, and stop the stack.
 *
 * In a checkout that already has build output, HEAD is cloned into a temporary folder first
 * (the installed packages are linked), so what is checked is what a fresh clone gets.
 *
 *   tsx scripts/fresh-clone-check.ts [--out test-results/fresh-clone.json]
 *
 * Writes `{ passed, failed, steps }` for scripts/jest-summary.mjs and exits 1 on failure,
 * printing the start log's first error.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { freePort } from '../local/ports';
import { formFields } from './lib/form-fields';

const ROOT = resolve(__dirname, '..');
const BUILD_OUTPUT = ['emails/dist', 'web/dist', 'web/preview'];
const START_TIMEOUT_MS = 150_000;
const OUTBOX_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 20_000;

interface Step {
  name: string;
  ok: boolean;
  detail?: string;
}

async function main(): Promise<void> {
  const outFile = argument('--out');
  const scratch = mkdtempSync(join(tmpdir(), 'fresh-clone-'));
  const steps: Step[] = [];
  const log = join(scratch, 'start.log');
  let stack: ChildProcess | undefined;
  try {
    const checkout = freshCheckout(scratch);
    steps.push({
      name: 'checkout has no build output',
      ok: BUILD_OUTPUT.every((dir) => !existsSync(join(checkout, dir))),
    });
    const [port, sesPort, dynamoPort] = [await freePort(), await freePort(), await freePort()];
    stack = startStack(checkout, { port, sesPort, dynamoPort, dataDir: join(scratch, 'data'), log });
    const site = `http://localhost:${port}`;

    const page = await waitForPage(`${site}/`, stack);
    steps.push({ name: 'npm start serves the landing page', ok: true });
    const consoleUrl = `${site}/console/`;
    const banner = readFileSync(log, 'utf8');
    const consoleAnswers = banner.includes(consoleUrl) && (await fetch(consoleUrl)).ok;
    steps.push({ name: 'the start banner names the console, and it answers', ok: consoleAnswers });

    const email = `fresh-clone.${randomUUID().slice(0, 8)}@example.com`;
    const form = formFields(page, 'lead-form', { email, firstName: 'Newcomer', interests: 'hair-restoration' });
    const response = await fetch(new URL(form.action, site), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: site },
      body: new URLSearchParams(form.fields).toString(),
      redirect: 'manual',
    });
    const accepted = response.status === 303 || response.status === 200 || response.status === 201;
    steps.push({ name: 'the landing page form is accepted', ok: accepted, detail: `HTTP ${response.status}` });
    if (!accepted) {
      const summary = /<section class="error-summary"[\s\S]*?<\/section>/.exec(await response.text())?.[0];
      throw new Error(
        `POST ${form.action} answered ${response.status}: ${summary?.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') ?? ''}`,
      );
    }

    const found = await waitForEmail(`http://127.0.0.1:${sesPort}`, email);
    steps.push({ name: 'the confirmation reaches the local outbox', ok: found });
    if (!found) throw new Error(`no email to the visitor in the outbox within ${OUTBOX_TIMEOUT_MS / 1000} s`);

    const stopped = await stop(stack);
    stack = undefined;
    const ok = stopped.clean && readFileSync(log, 'utf8').includes('Stopped.');
    steps.push({ name: 'Ctrl-C stops the stack cleanly', ok, detail: stopped.detail });
  } catch (error) {
    steps.push({ name: 'fresh clone', ok: false, detail: (error as Error).message });
  } finally {
    if (stack) await stop(stack);
  }

  const failed = steps.filter((step) => !step.ok);
  for (const step of steps)
    console.log(`${step.ok ? 'ok  ' : 'FAIL'} ${step.name}${step.detail ? ` (${step.detail})` : ''}`);
  if (failed.length > 0 && existsSync(log)) {
    console.log(`First error in the start log: ${firstError(readFileSync(log, 'utf8'))}`);
  }
  if (outFile) {
    mkdirSync(dirname(outFile), { recursive: true });
    // One check: the newcomer's path either works end to end or it does not.
    writeFileSync(outFile, JSON.stringify({ passed: failed.length ? 0 : 1, failed: failed.length ? 1 : 0, steps }));
  }
  rmSync(scratch, { recursive: true, force: true });
  process.exit(failed.length ? 1 : 0);
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function freshCheckout(scratch: string): string {
  if (BUILD_OUTPUT.every((dir) => !existsSync(join(ROOT, dir)))) return ROOT;
  const clone = join(scratch, 'clone');
  execFileSync('git', ['clone', '-q', ROOT, clone], { stdio: 'inherit' });
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
  return clone;
}

function startStack(
  cwd: string,
  options: { port: number; sesPort: number; dynamoPort: number; dataDir: string; log: string },
): ChildProcess {
  const out = openSync(options.log, 'w');
  // Its own process group, so stopping it also stops DynamoDB Local's JVM, as Ctrl-C would.
  return spawn('npm', ['start'], {
    cwd,
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      PORT: String(options.port),
      SES_PORT: String(options.sesPort),
      DYNAMODB_PORT: String(options.dynamoPort),
      DATA_DIR: options.dataDir,
    },
  });
}

async function waitForPage(url: string, stack: ChildProcess): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (stack.exitCode !== null) throw new Error(`npm start exited with code ${stack.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return await response.text();
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(`npm start did not serve ${url} within ${START_TIMEOUT_MS / 1000} s`);
}

async function waitForEmail(outbox: string, recipient: string): Promise<boolean> {
  const deadline = Date.now() + OUTBOX_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const response = await fetch(`${outbox}/store`);
    const { emails } = (await response.json()) as { emails: { destination: { to: string[] } }[] };
    if (emails.some((email) => email.destination.to.includes(recipient))) return true;
    await sleep(250);
  }
  return false;
}

/** Ctrl-C as a terminal sends it: SIGINT to the whole group. Clean means the group is gone. */
async function stop(stack: ChildProcess): Promise<{ clean: boolean; detail: string }> {
  const group = -stack.pid!;
  const exited =
    stack.exitCode !== null || stack.signalCode !== null
      ? Promise.resolve(`exit ${stack.exitCode ?? stack.signalCode}`)
      : new Promise<string>((done) => stack.once('exit', (code, signal) => done(`exit ${code ?? signal}`)));
  signal(group, 'SIGINT');
  const outcome = await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => 'timeout')]);
  // npm itself ends on the signal; what matters is that nothing it started is left running.
  for (let waited = 0; waited < 5_000 && signal(group, 0); waited += 250) await sleep(250);
  const leftovers = signal(group, 0);
  if (leftovers) signal(group, 'SIGKILL');
  return {
    clean: outcome !== 'timeout' && !leftovers,
    detail: leftovers ? `${outcome}, processes left running` : outcome,
  };
}

/** Sends a signal to a process group; false when the group no longer exists. */
function signal(group: number, name: NodeJS.Signals | 0): boolean {
  try {
    process.kill(group, name);
    return true;
  } catch {
    return false;
  }
}

function firstError(log: string): string {
  const lines = log.split('\n');
  const line = lines.find((text) => /^\w*Error\b|Error:/.test(text)) ?? lines.find((text) => /error/i.test(text));
  return line ? line.slice(0, 300) : `none; its last lines:\n${lines.slice(-15).join('\n')}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

void main();
