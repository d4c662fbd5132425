import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../local/paths';

/** Newest file under the given paths (folders walked, build output and dependencies skipped). */
export function newestFile(paths: string[], root = ROOT): { file: string; mtimeMs: number } {
  let newest = { file: '', mtimeMs: 0 };
  const skip = new Set(['node_modules', 'dist', 'cdk.out', 'preview', '.data', 'test-results']);
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (!skip.has(entry)) visit(join(path, entry));
    } else if (stat.mtimeMs > newest.mtimeMs) newest = { file: relative(root, path), mtimeMs: stat.mtimeMs };
  };
  for (const path of paths) visit(join(root, path));
  return newest;
}

/** What the synthesized template is built from. */
export const TEMPLATE_SOURCES = ['infra', 'functions', 'config', 'emails', 'web', 'cdk.json', 'package-lock.json'];
/** What decides which AWS calls the functions make. */
export const CALL_SOURCES = ['functions', 'local', 'config'];

export type Staleness = { state: 'fresh' } | { state: 'missing' } | { state: 'stale'; newer: string };

/** Whether cdk.out exists and was synthesized after the last change to its sources. */
export function templateState(cdkOut: string, root = ROOT): Staleness {
  const manifest = join(cdkOut, 'manifest.json');
  if (!existsSync(manifest)) return { state: 'missing' };
  const newest = newestFile(TEMPLATE_SOURCES, root);
  return newest.mtimeMs > statSync(manifest).mtimeMs ? { state: 'stale', newer: newest.file } : { state: 'fresh' };
}

/** Runs an npm script or npx command quietly; on failure, the first line that says why. */
export function runQuietly(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status === 0) return undefined;
  const output = `${result.stderr ?? ''}\n${result.stdout ?? ''}`;
  const line = output.split('\n').find((candidate) => /error|fail/i.test(candidate)) ?? output.trim().split('\n')[0];
  return (line ?? `exit ${result.status}`).trim().slice(0, 300);
}
