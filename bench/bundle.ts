import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { LAMBDA_BUNDLE, PROJECT_ROOT } from '../infra/constructs/lambda';

/**
 * Build output lives under node_modules/.cache (git-ignored): a bundle placed there still
 * resolves the external `@aws-sdk/*` packages from the project's node_modules when loaded.
 */
export const BUNDLE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'clinic-bench');

export interface BuiltBundle {
  file: string;
  /** Size of the JavaScript file alone (the source map ships beside it but is not loaded). */
  bytes: number;
  /** Bytes in the output per package (node_modules) or top-level folder, largest first. */
  breakdown: [string, number][];
  /** What esbuild warned about (such as `import.meta` emptied in a CommonJS bundle). */
  warnings: string[];
  /** Every file the output holds code of, relative to the project (esbuild's metafile). */
  inputs: string[];
}

/** What a bench variant may change in LAMBDA_BUNDLE. */
export interface BundleOptions {
  format?: 'esm' | 'cjs';
  external?: readonly string[];
}

/**
 * Bundles a Lambda entry the way the CDK stack does: NodejsFunction runs esbuild with
 * `--bundle --platform=node` plus the options in LAMBDA_BUNDLE (target, format, minify,
 * source map without sources content, main fields, externals) and writes index.js, or
 * index.mjs for ESM. `overrides` builds a variant to compare with (the bench's alternatives).
 */
export async function bundleLambda(
  entry: string,
  name: string,
  { plugins = [], overrides = {} }: { plugins?: Plugin[]; overrides?: BundleOptions } = {},
): Promise<BuiltBundle> {
  const options = { ...LAMBDA_BUNDLE, ...overrides };
  const outDir = join(BUNDLE_DIR, name);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  // As in Lambda, where no package.json sits beside the handler: index.js is CommonJS.
  writeFileSync(join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
  const file = join(outDir, options.format === 'esm' ? 'index.mjs' : 'index.js');
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [join(PROJECT_ROOT, entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: options.target,
    format: options.format,
    minify: options.minify,
    sourcemap: options.sourcemap,
    sourcesContent: false,
    mainFields: [...options.mainFields],
    external: [...options.external],
    // An ES module bundle gives its CommonJS dependencies the `require` they expect.
    banner:
      options.format === 'esm'
        ? { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" }
        : undefined,
    logLevel: 'silent',
    metafile: true,
    plugins,
  });
  const output = Object.values(result.metafile.outputs).find((candidate) => candidate.entryPoint);
  const breakdown = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const owner = input.includes('node_modules/')
      ? input.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
      : input.split('/').slice(0, 2).join('/');
    breakdown.set(owner, (breakdown.get(owner) ?? 0) + bytesInOutput);
  }
  return {
    file,
    bytes: statSync(file).size,
    breakdown: [...breakdown].sort((a, b) => b[1] - a[1]),
    warnings: result.warnings.map((warning) => `${warning.location?.file ?? ''}: ${warning.text}`),
    inputs: Object.entries(output?.inputs ?? {})
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([input]) => input),
  };
}

/** "zod 61 KB, luxon 40 KB, …": the largest parts of a bundle, for the progress log. */
export function largestParts(bundle: BuiltBundle, count = 8): string {
  return bundle.breakdown
    .slice(0, count)
    .map(([owner, bytes]) => `${owner} ${kb(bytes).toFixed(0)} KB`)
    .join(', ');
}

export const kb = (bytes: number) => bytes / 1024;

export interface NodeRun {
  code: number | null;
  out: string;
  err: string;
  /** Spawn to exit, as the parent sees it. */
  wallMs: number;
}

/** Runs `node <nodeArgs>` in a fresh process with exactly `env`, and collects what it printed. */
export function runNode(nodeArgs: string[], env: NodeJS.ProcessEnv): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, nodeArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      err += String(chunk);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out, err, wallMs: performance.now() - started }));
  });
}
