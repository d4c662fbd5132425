import { mkdirSync, rmSync, statSync } from 'node:fs';
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
}

/**
 * Bundles a Lambda entry the way the CDK stack does: NodejsFunction runs esbuild with
 * `--bundle --platform=node` plus the options in LAMBDA_BUNDLE (target, format, minify,
 * source map without sources content, main fields, externals, banner) and writes index.mjs.
 */
export async function bundleLambda(entry: string, name: string, plugins: Plugin[] = []): Promise<BuiltBundle> {
  const outDir = join(BUNDLE_DIR, name);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'index.mjs');
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [join(PROJECT_ROOT, entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: LAMBDA_BUNDLE.target,
    format: LAMBDA_BUNDLE.format,
    minify: LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourcemap,
    sourcesContent: false,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    external: [...LAMBDA_BUNDLE.external],
    banner: { js: LAMBDA_BUNDLE.banner },
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
  return { file, bytes: statSync(file).size, breakdown: [...breakdown].sort((a, b) => b[1] - a[1]) };
}

/** "zod 61 KB, luxon 40 KB, …": the largest parts of a bundle, for the progress log. */
export function largestParts(bundle: BuiltBundle, count = 8): string {
  return bundle.breakdown
    .slice(0, count)
    .map(([owner, bytes]) => `${owner} ${kb(bytes).toFixed(0)} KB`)
    .join(', ');
}

export const kb = (bytes: number) => bytes / 1024;
