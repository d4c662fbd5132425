import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { ROOT } from '../local/paths';
import { freePort } from '../local/ports';
import { startSesLocal } from '../local/ses-local';
import { ensureTable } from '../local/table';
import { checkActions } from './actions';
import { type CallToCheck, readRecording } from './calls';
import { checkRules } from './contracts';
import { SAMPLE_RAW_REPLY } from './fixtures/ses-receipt-event';
import { functionsToRun, type HandlerRun, runHandler, sampleEvents } from './handlers';
import { checkIam, type IamReport } from './iam';
import { CALL_SOURCES, newestFile, runQuietly, templateState } from './inputs';
import { checkLimits } from './limits';
import { CDK_OUT, RECORDING_DIR } from './paths';
import { ACCOUNT_ONLY, type Row, renderReport } from './report';
import { lambdaFunctions, RehearsalInputError, readAssembly, type SynthesizedStack } from './stack';
import { s3StandIn, secretsManagerStandIn, sqsStandIn } from './stand-ins';

export interface RehearsalOptions {
  cdkOut?: string;
  recordingDir?: string;
  /** Synthesize when cdk.out is missing or older than its sources (default), or refuse with a message. */
  synth?: boolean;
  /** Run the integration and end-to-end tests when the recording is missing or stale (default). */
  record?: boolean;
  /** Run every shipped handler against the local services (default). */
  handlers?: boolean;
  log?: (line: string) => void;
}

export interface Rehearsal {
  rows: Row[];
  iam: IamReport;
  failed: number;
}

/** The recording suites: every test that runs the functions' wiring against the local services. */
const RECORDING_SUITES = ['test/integration', 'test/e2e', 'test/infra/bundles.test.ts'];

function ensureTemplate(cdkOut: string, options: RehearsalOptions, log: (line: string) => void): void {
  const state = templateState(cdkOut);
  if (state.state === 'fresh') return;
  const why =
    state.state === 'missing'
      ? `${cdkOut} has no synthesized stack`
      : `${cdkOut} is older than ${state.newer} (changed after the last synth)`;
  if (options.synth === false) throw new RehearsalInputError(`${why}: run \`npm run synth\` first`);
  log(`${why}: running npm run synth ...`);
  const failure = runQuietly('npm', ['run', 'synth']);
  if (failure) throw new RehearsalInputError(`npm run synth failed: ${failure}`);
}

function ensureRecording(
  stack: SynthesizedStack,
  folder: string,
  options: RehearsalOptions,
  log: (line: string) => void,
) {
  const sources = newestFile(CALL_SOURCES);
  const labels = lambdaFunctions(stack)
    .filter((fn) => fn.runtime.startsWith('nodejs'))
    .map((fn) => fn.label);
  const missing = (calls: CallToCheck[]) => labels.filter((label) => !calls.some((call) => call.function === label));
  let recording = readRecording(folder, sources.mtimeMs);
  if (recording.files > 0 && missing(recording.calls).length === 0) return recording;
  const why =
    recording.files === 0
      ? `no recorded AWS calls newer than ${sources.file}`
      : `no recorded calls for ${missing(recording.calls).join(', ')} since ${sources.file} changed`;
  if (options.record === false) throw new RehearsalInputError(`${why}: run \`npm test\` first`);
  log(`${why}: running the integration and end-to-end tests to record them (several minutes) ...`);
  const failure = runQuietly('npx', ['jest', ...RECORDING_SUITES]);
  if (failure) log(`some of those tests failed (${failure}); what they recorded is used`);
  recording = readRecording(folder, sources.mtimeMs);
  if (recording.files === 0) throw new RehearsalInputError(`the tests recorded no AWS calls in ${folder}`);
  return recording;
}

export async function runHandlers(
  stack: SynthesizedStack,
  cdkOut: string,
  recordingDir: string,
): Promise<HandlerRun[]> {
  const [dynamoPort, sesPort] = [await freePort(), await freePort()];
  const dynamo = await startDynamoDbLocal({ port: dynamoPort });
  const ses = await startSesLocal({ port: sesPort });
  const secrets = await secretsManagerStandIn();
  const sqs = await sqsStandIn();
  const s3 = await s3StandIn(SAMPLE_RAW_REPLY);
  try {
    const tableName = `rehearsal-${randomUUID().slice(0, 8)}`;
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: stack.resolver.region,
      credentials: { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' },
    });
    await ensureTable(client, tableName);
    client.destroy();
    const services = {
      dynamoEndpoint: dynamo.endpoint,
      sesEndpoint: ses.endpoint,
      secretsEndpoint: secrets.endpoint,
      sqsEndpoint: sqs.endpoint,
      s3Endpoint: s3.endpoint,
      tableName,
      recordingDir,
    };
    const runs: HandlerRun[] = [];
    for (const fn of functionsToRun(stack)) {
      const samples = sampleEvents(stack, fn, { leadEmail: `rehearsal.${randomUUID().slice(0, 8)}@example.com` });
      runs.push(await runHandler(stack, cdkOut, fn, services, samples));
    }
    return runs;
  } finally {
    await Promise.all([s3.stop(), sqs.stop(), secrets.stop(), ses.stop(), dynamo.stop()]);
  }
}

/** The whole rehearsal: the rows of the table, and how many failed. */
export async function rehearse(options: RehearsalOptions = {}): Promise<Rehearsal> {
  const cdkOut = options.cdkOut ?? CDK_OUT;
  const folder = options.recordingDir ?? RECORDING_DIR;
  const log = options.log ?? (() => undefined);
  ensureTemplate(cdkOut, options, log);
  const stacks = readAssembly(cdkOut);
  const stack =
    stacks.find((candidate) => candidate.template.Resources && lambdaFunctions(candidate).length > 0) ?? stacks[0]!;
  const recording = ensureRecording(stack, folder, options, log);
  const rows: Row[] = [];

  let bundleCalls: CallToCheck[] = [];
  if (options.handlers !== false) {
    const bundleFolder = join(dirname(folder), 'aws-calls-shipped-bundles');
    rmSync(bundleFolder, { recursive: true, force: true });
    mkdirSync(bundleFolder, { recursive: true });
    for (const run of await runHandlers(stack, cdkOut, bundleFolder)) {
      rows.push({
        check: `Handler as Lambda loads it: ${run.function}`,
        ok: run.ok,
        detail: run.ok ? run.detail : run.problems.join('; '),
      });
    }
    bundleCalls = readRecording(bundleFolder).calls.map((call) => ({ ...call, origin: 'shipped bundle' }));
  }

  const iam = await checkIam(stack, [...recording.calls, ...bundleCalls]);
  const covered = Object.entries(iam.perFunction).filter(([, calls]) => calls > 0).length;
  rows.push({
    check: 'IAM: every recorded call allowed',
    ok: iam.denied.length === 0 && iam.problems.length === 0 && iam.uncovered.length === 0,
    detail:
      `${iam.distinctCalls} distinct calls checked (${iam.callsMade} made in the recorded test runs, ${iam.simulations} simulations), ` +
      `${covered} functions covered${iam.uncovered.length ? ` (none recorded for ${iam.uncovered.join(', ')})` : ''}, ` +
      `${iam.denied.length} denied${iam.problems.length ? `, ${iam.problems.length} not evaluable` : ''}`,
  });
  rows.push({
    check: 'IAM: grants not used by any call',
    ok: true,
    finding: iam.unused.length > 0,
    detail: iam.unused.length ? `${iam.unused.length} to remove or justify (listed below)` : 'none',
  });
  const actions = await checkActions(stack);
  rows.push({
    check: 'IAM: every action string is a real IAM action',
    ok: actions.unknown.length === 0,
    detail: actions.unknown.length
      ? actions.unknown.join('; ')
      : `${actions.checked} action strings, all known to iam-data`,
  });
  for (const rule of checkRules(stack)) {
    rows.push({
      check: `Event contract: rule ${rule.rule} → ${rule.target}`,
      ok: rule.ok,
      detail: rule.ok
        ? `delivers ${rule.delivered.join(', ')}; filters ${rule.filtered.join(', ')}; other configuration sets filtered`
        : rule.problems.join('; '),
    });
  }
  for (const limit of checkLimits(stack, cdkOut))
    rows.push({ check: `Limit: ${limit.name}`, ok: limit.ok, detail: limit.detail });
  return { rows, iam, failed: rows.filter((row) => !row.ok).length };
}

/**
 *   npm run rehearse [-- --no-synth] [--no-record] [--cdk-out DIR] [--recording DIR] [--out FILE]
 */
async function main(): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const args = process.argv.slice(2);
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
  const log = (line: string) => console.log(line);
  try {
    const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
    const cdkOut = option('--cdk-out');
    const recordingDir = option('--recording');
    const result = await rehearse({
      ...(cdkOut ? { cdkOut: resolve(cdkOut) } : {}),
      ...(recordingDir ? { recordingDir: resolve(recordingDir) } : {}),
      synth: !args.includes('--no-synth'),
      record: !args.includes('--no-record'),
      log,
    });
    console.log(renderReport(result.rows, result.iam));
    console.log(ACCOUNT_ONLY);
    if (out) {
      mkdirSync(dirname(join(ROOT, out)), { recursive: true });
      const passed = result.rows.filter((row) => row.ok).length;
      writeFileSync(join(ROOT, out), JSON.stringify({ passed, failed: result.failed, rows: result.rows }));
    }
    return result.failed === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof RehearsalInputError) {
      console.error(`rehearse: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`rehearse: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
