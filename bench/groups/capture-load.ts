import { localEnvironment } from '../../local/local-env';
import { bundleLambda, kb, largestParts, runNode } from '../bundle';
import { BENCH_PROCESS_ENV } from '../env';
import { atMost, type Figure } from '../report';
import { median, progress } from '../stats';

/**
 * What Lambda gives a function at a cold start, with placeholder values: the settings the
 * capture and admin schemas parse at import (without the local endpoints, which a deployed
 * function does not have), and the NODE_OPTIONS the stack sets (infra/constructs/lambda.ts).
 */
function lambdaLikeEnv(service: string): NodeJS.ProcessEnv {
  const {
    DYNAMODB_ENDPOINT: _dynamo,
    SES_ENDPOINT: _ses,
    ...capture
  } = localEnvironment({
    port: 3000,
    dynamoEndpoint: 'http://127.0.0.1:1',
    sesEndpoint: 'http://127.0.0.1:1',
    tableName: 'bench-load',
  });
  return {
    PATH: process.env.PATH,
    ...BENCH_PROCESS_ENV,
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: service,
    POWERTOOLS_LOGGER_LOG_EVENT: 'false',
    // The stack passes the secrets' ARNs; the keys themselves are fetched on first use, not at import.
    SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-signing-key',
    IDENTITY_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-identity-key',
    // The capture function gets the identity key as a value (a deploy-time dynamic reference).
    IDENTITY_KEY: 'a-stand-in-identity-key-of-at-least-32-bytes',
    ...capture,
  };
}

// Loads the bundle given as the first argument as Lambda's runtime does (require for a
// CommonJS index.js, import for index.mjs), prints how long that took, exits.
const PROBE =
  "import { createRequire } from 'node:module';" +
  "import { pathToFileURL } from 'node:url';" +
  'const file = process.argv[1];' +
  'const started = performance.now();' +
  "if (file.endsWith('.mjs')) await import(pathToFileURL(file).href);" +
  'else createRequire(file)(file);' +
  'process.stdout.write(String(performance.now() - started));';

interface LoadSample {
  /** Spawn to exit, as the parent sees it: process start, module load and exit. */
  wallMs: number;
  /** The dynamic import alone, measured inside the child. */
  importMs: number;
}

async function loadOnce(file: string, env: NodeJS.ProcessEnv): Promise<LoadSample> {
  const run = await runNode(['--input-type=module', '-e', PROBE, file], env);
  if (run.code !== 0) throw new Error(`loading ${file} exited with ${run.code}:\n${run.err.slice(-2000)}`);
  return { wallMs: run.wallMs, importMs: Number(run.out) };
}

/**
 * Cold-start load of bundles built alike (the capture bundle, a bare handler, and so on).
 * Each sample is a fresh `node` process that imports the bundle and exits, which is what a
 * Lambda cold start pays before the first request (the runtime starts, then imports the
 * handler module and runs its top level: env parsing, SDK clients, the email bundle). The
 * bundles take turns, the one going first rotating each round, so drift on this noisy machine
 * hits all alike; the first rounds warm the file cache and are dropped; medians are taken.
 * Ratios use the whole process time: Node's own start-up is part of every cold start.
 */
export async function measureLoad<Name extends string>(
  bundles: Record<Name, string>,
  samples = 15,
  warmup = 2,
  /** The bench group and function measured, for the progress log and POWERTOOLS_SERVICE_NAME. */
  service = 'capture',
): Promise<Record<Name, { wallMs: number; importMs: number }>> {
  const env = lambdaLikeEnv(service);
  const names = Object.keys(bundles) as Name[];
  const seen = new Map<Name, LoadSample[]>(names.map((name) => [name, []]));
  for (let round = 0; round < warmup + samples; round++) {
    for (let turn = 0; turn < names.length; turn++) {
      const name = names[(turn + round) % names.length]!;
      const sample = await loadOnce(bundles[name], env);
      if (round >= warmup) seen.get(name)!.push(sample);
    }
  }
  const result = {} as Record<Name, { wallMs: number; importMs: number }>;
  for (const [name, list] of seen) {
    result[name] = { wallMs: median(list.map((s) => s.wallMs)), importMs: median(list.map((s) => s.importMs)) };
    progress(
      service,
      `load ${name}: ${result[name].wallMs.toFixed(1)} ms (import ${result[name].importMs.toFixed(1)} ms)`,
    );
  }
  return result;
}

/**
 * The AWS SDK's credential sources other than the environment, which Lambda uses. The SDK
 * loads them with dynamic import() only when needed, so a bundle can leave them out.
 */
const UNUSED_CREDENTIAL_SOURCES = [
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/nested-clients',
  '@aws-sdk/token-providers',
  '@smithy/credential-provider-imds',
];

/**
 * capture.bundle_kb and capture.load_ratio: the capture function bundled as the stack bundles
 * it, and its cold-start load against a bare handler built the same way. A bundle holding
 * only the AWS clients the capture path builds shows how much of the load is the SDK's. Two
 * alternatives that do not ship are measured alongside, so the choice stays checked: the same
 * bundle as an ES module, and an ES module with the SDK bundled in (fastest to load, but over
 * the size goal, and no longer the runtime's SDK).
 */
export async function bundleFigures(): Promise<Figure[]> {
  progress('capture', 'bundling functions/lambdas/capture/index.ts, two baselines and two alternatives');
  const capture = await bundleLambda('functions/lambdas/capture/index.ts', 'capture');
  const bare = await bundleLambda('bench/fixtures/bare-handler.ts', 'bare');
  const sdkOnly = await bundleLambda('bench/fixtures/sdk-only-handler.ts', 'sdk-only');
  const storeClient = await bundleLambda('bench/fixtures/store-client-handler.ts', 'store-client');
  const asEsm = await bundleLambda('functions/lambdas/capture/index.ts', 'capture-esm', {
    overrides: { format: 'esm' },
  });
  const withSdk = await bundleLambda('functions/lambdas/capture/index.ts', 'capture-with-sdk', {
    overrides: { format: 'esm', external: UNUSED_CREDENTIAL_SOURCES },
  });
  progress('capture', `capture bundle ${kb(capture.bytes).toFixed(0)} KB, largest parts: ${largestParts(capture)}`);

  const load = await measureLoad({
    capture: capture.file,
    bare: bare.file,
    sdkOnly: sdkOnly.file,
    storeClient: storeClient.file,
    asEsm: asEsm.file,
    withSdk: withSdk.file,
  });
  const ratio = (wallMs: number) => wallMs / load.bare.wallMs;
  return [
    { name: 'bundle_kb', value: kb(capture.bytes), unit: 'KB', goal: atMost(150) },
    {
      name: 'load_vs_store_client',
      value: load.capture.wallMs / load.storeClient.wallMs,
      unit: 'x',
      goal: atMost(1.25),
    },
    { name: 'load_ratio', value: ratio(load.capture.wallMs), unit: 'x' },
    { name: 'store_client_load_ms', value: load.storeClient.wallMs, unit: 'ms (node start to exit)' },
    { name: 'load_ms', value: load.capture.wallMs, unit: 'ms (node start to exit)' },
    { name: 'bare_load_ms', value: load.bare.wallMs, unit: 'ms (node start to exit)' },
    { name: 'sdk_only_load_ms', value: load.sdkOnly.wallMs, unit: 'ms (node start to exit)' },
    { name: 'sdk_only_load_ratio', value: ratio(load.sdkOnly.wallMs), unit: 'x' },
    { name: 'load_ratio_vs_sdk_only', value: load.capture.wallMs / load.sdkOnly.wallMs, unit: 'x' },
    { name: 'import_ms', value: load.capture.importMs, unit: 'ms (load alone)' },
    { name: 'esm_load_ratio', value: ratio(load.asEsm.wallMs), unit: 'x (not shipped)' },
    { name: 'sdk_bundled_kb', value: kb(withSdk.bytes), unit: 'KB (not shipped)' },
    { name: 'sdk_bundled_load_ratio', value: ratio(load.withSdk.wallMs), unit: 'x (not shipped)' },
  ];
}
