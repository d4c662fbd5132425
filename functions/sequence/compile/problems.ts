import { relative } from 'node:path';

/** One thing wrong with the email sources, located as precisely as we can. */
export interface BuildProblem {
  file: string;
  line?: number;
  /** Path inside a YAML file, e.g. `steps[2].subject`. */
  path?: string;
  message: string;
}

export class EmailBuildError extends Error {
  override name = 'EmailBuildError';
  constructor(readonly problems: BuildProblem[]) {
    super(`Email build failed with ${problems.length} problem(s):\n${problems.map(formatProblem).join('\n')}`);
  }
}

export function formatProblem(problem: BuildProblem): string {
  const location = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  return `  ${location}${problem.path ? ` (${problem.path})` : ''}: ${problem.message}`;
}

/** Paths in messages read best relative to where the command was run. */
export function displayPath(file: string): string {
  const relativePath = relative(process.cwd(), file);
  return relativePath.startsWith('..') ? file : relativePath;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
