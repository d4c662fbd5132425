import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { logger } from '../../functions/observability/logger';
import { fuzzPublicEndpoints } from '../../test/fuzz/fuzz-endpoints';
import { apiEvent, lambdaContext } from '../../test/support/api-event';
import { captureHarness, frozenMidMinute, validLead } from '../../test/support/capture-harness';
import { throttledSend } from '../../test/support/drip-scenarios';
import { personalDataIn } from '../../test/support/personal-data';
import { uniqueEmail } from '../../test/support/services';
import type { BenchGroup } from '../group';
import { atLeast, atMost, type Figure } from '../report';
import { progress } from '../stats';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

/**
 * Issue 6's figures in one table, measured by the same code the tests use: generated bad
 * requests against every public endpoint, the per-email rate limit, SES throttling in the
 * sender, personal data in the logs of this whole run, and npm audit of production packages.
 * (Load figures come from the `load` group: `npm run bench -- load proof`.)
 */
export const proofGroup: BenchGroup = {
  async run(context) {
    const services = await context.services();
    process.env.TEST_DYNAMODB_ENDPOINT = services.dynamoEndpoint;
    process.env.TEST_SES_ENDPOINT = services.sesEndpoint;
    const logs = captureLogs();
    const figures: Figure[] = [];
    try {
      progress('proof', `${RUNS} generated requests per public endpoint`);
      for (const endpoint of await fuzzPublicEndpoints(RUNS)) {
        const name = slug(endpoint.endpoint);
        const valid = endpoint.endpoint.includes('valid, hostile');
        figures.push(
          { name: `${name}.requests`, value: endpoint.requests, unit: 'requests' },
          { name: `${name}.responses_5xx`, value: endpoint.serverErrors, unit: 'responses', goal: atMost(0) },
          ...(valid
            ? [{ name: `${name}.crlf_in_headers`, value: endpoint.headerBreaks, unit: 'emails', goal: atMost(0) }]
            : [
                {
                  name: `${name}.invalid_accepted`,
                  value: endpoint.acceptedInvalid,
                  unit: 'responses',
                  goal: atMost(0),
                },
                { name: `${name}.rows_stored`, value: endpoint.rowsStored, unit: 'rows (cumulative)', goal: atMost(0) },
              ]),
        );
      }

      progress('proof', 'per-email rate limit');
      const limits = await sixthSubmission();
      figures.push(
        { name: 'rate_limit.sixth_refused', value: limits.sixthRefused ? 1 : 0, unit: '1 = 429', goal: atLeast(1) },
        { name: 'rate_limit.others_refused', value: limits.othersRefused, unit: 'responses', goal: atMost(0) },
      );

      progress('proof', 'sender with 30% of SES calls throttled');
      const throttle = await throttledSend(200, 0.3);
      figures.push(
        { name: 'ses_throttled.calls_throttled', value: throttle.throttled, unit: 'calls' },
        { name: 'ses_throttled.unsent', value: throttle.unsent, unit: 'steps', goal: atMost(0) },
        { name: 'ses_throttled.sent_twice', value: throttle.duplicates, unit: 'steps', goal: atMost(0) },
      );
    } finally {
      logs.stop();
    }
    const logText = logs.text();
    figures.push(
      { name: 'logs.lines_scanned', value: logText.split('\n').filter(Boolean).length, unit: 'log lines' },
      { name: 'logs.personal_data_lines', value: personalDataIn(logText).length, unit: 'lines', goal: atMost(0) },
    );

    progress('proof', 'npm audit --omit=dev');
    const audit = npmAudit();
    figures.push(
      { name: 'audit.high', value: audit.high, unit: 'advisories', goal: atMost(0) },
      { name: 'audit.critical', value: audit.critical, unit: 'advisories', goal: atMost(0) },
    );
    return figures;
  },
};

async function sixthSubmission() {
  const harness = await captureHarness({
    clock: frozenMidMinute(),
    extraEnv: { RATE_LIMIT_PER_EMAIL: '5', RATE_LIMIT_PER_ADDRESS: '0' },
  });
  const post = (email: string) =>
    harness.handler(
      apiEvent({
        path: '/leads',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(validLead(email)),
      }),
      lambdaContext,
    );
  const email = uniqueEmail('eager');
  const statuses = [];
  for (let attempt = 0; attempt < 6; attempt++) statuses.push((await post(email)).statusCode);
  const others = await Promise.all(Array.from({ length: 5 }, () => post(uniqueEmail('other'))));
  return {
    sixthRefused: statuses[5] === 429,
    othersRefused: others.filter((answer) => answer.statusCode !== 202).length,
  };
}

/** Everything written to stdout/stderr while the proof runs, with the handlers logging at DEBUG. */
function captureLogs() {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write.bind(stream));
  logger.setLogLevel('DEBUG');
  streams.forEach((stream, index) => {
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      chunks.push(text);
      // Progress lines still reach the terminal; handler logs are only scanned.
      if (text.startsWith('[')) return (originals[index] as (...args: unknown[]) => boolean)(chunk, ...rest);
      return true;
    }) as typeof stream.write;
  });
  return {
    text: () => chunks.join(''),
    stop: () => {
      streams.forEach((stream, index) => {
        stream.write = originals[index] as typeof stream.write;
      });
      logger.setLogLevel('SILENT');
    },
  };
}

function npmAudit(): { high: number; critical: number } {
  const result = spawnSync('npm', ['audit', '--omit=dev', '--json'], {
    cwd: join(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  try {
    const vulnerabilities = JSON.parse(result.stdout).metadata?.vulnerabilities ?? {};
    return { high: Number(vulnerabilities.high ?? 0), critical: Number(vulnerabilities.critical ?? 0) };
  } catch {
    throw new Error(`npm audit gave no JSON (is the registry reachable?): ${result.stderr.slice(0, 300)}`);
  }
}

function slug(endpoint: string): string {
  return endpoint
    .toLowerCase()
    .replace(/\{token\}/g, 'token')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}
