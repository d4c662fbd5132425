import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The layout's rules, checked on the sources: the folders import each other one way only, and
 * AWS, middy and Lambda types stay at the edges (per-function folders, adapters, local/, infra/).
 */

const ROOT = resolve(__dirname, '..', '..');
const PRODUCT_FOLDERS = ['functions', 'emails', 'web', 'local', 'infra', 'config', 'scripts', 'rehearse'];
const AWS_EDGE_IMPORT = /^(@aws-sdk\/|@middy\/|aws-lambda$)/;
/** Where the AWS SDK, middy and aws-lambda types may be imported. */
const EDGES = ['functions/lambdas/', 'functions/adapters/', 'local/', 'infra/', 'scripts/', 'rehearse/'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === 'preview') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

interface Import {
  from: string;
  specifier: string;
}

function importsOf(file: string): Import[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = [
    ...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|require\('([^']+)'\)/g),
  ];
  return specifiers.map((match) => ({ from: relative(ROOT, file), specifier: (match[1] ?? match[2])! }));
}

const files = PRODUCT_FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)));
const imports = files.flatMap(importsOf);
const topFolder = (path: string) => path.split(sep)[0]!;

describe('the layout', () => {
  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(150);
    expect(imports.some((entry) => entry.specifier.startsWith('@aws-sdk/'))).toBe(true);
  });

  it('has no import cycle between top-level folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const { from, specifier } of imports) {
      // The email build's output (emails/dist/*.json) is data the functions bundle, not code.
      if (!specifier.startsWith('.') || /\/dist\/[^/]+\.json$/.test(specifier)) continue;
      const target = relative(ROOT, resolve(ROOT, dirname(from), specifier));
      const [a, b] = [topFolder(from), topFolder(target)];
      if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b));
    }
    const cycles: string[] = [];
    const visit = (folder: string, path: string[]) => {
      for (const next of edges.get(folder) ?? []) {
        if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
        else visit(next, [...path, next]);
      }
    };
    for (const folder of edges.keys()) visit(folder, [folder]);
    expect(cycles).toEqual([]);
  });

  it('keeps the AWS SDK, middy and aws-lambda types in the per-function folders, adapters, local/ and infra/', () => {
    const outside = imports
      .filter((entry) => AWS_EDGE_IMPORT.test(entry.specifier))
      .filter((entry) => !EDGES.some((edge) => entry.from.startsWith(edge)))
      .map((entry) => `${entry.from} imports ${entry.specifier}`);
    expect(outside).toEqual([]);
  });

  it('lets no domain module import an adapter or a function folder', () => {
    const domain = imports.filter(
      (entry) =>
        entry.from.startsWith('functions/') &&
        !entry.from.startsWith('functions/lambdas/') &&
        !entry.from.startsWith('functions/adapters/'),
    );
    const reaching = domain
      .filter((entry) => entry.specifier.startsWith('.'))
      .filter((entry) => {
        const target = relative(ROOT, resolve(ROOT, dirname(entry.from), entry.specifier));
        return target.startsWith('functions/adapters') || target.startsWith('functions/lambdas');
      })
      .map((entry) => `${entry.from} imports ${entry.specifier}`);
    expect(reaching).toEqual([]);
  });

  it('has one HTML escaper, in functions/render/escape.ts', () => {
    const escapers = files
      .filter((file) => /\b(?:function\s+escapeHtml|(?:const|let)\s+escapeHtml\s*=)/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(escapers).toEqual([join('functions', 'render', 'escape.ts')]);
  });
});
