import { readFile } from 'node:fs/promises';
import { isMap, isNode, LineCounter, parseDocument } from 'yaml';
import type * as z from 'zod';
import { type BuildProblem, displayPath, formatPath } from '../../functions/sequence/compile/problems';

export interface LoadedYaml<T> {
  value?: T;
  problems: BuildProblem[];
  /** Line of the node at a path in the file (or of its nearest existing parent). */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** Reads a YAML file and validates it, reporting each problem with its line and path in the file. */
export async function loadYamlFile<S extends z.ZodType>(file: string, schema: S): Promise<LoadedYaml<z.infer<S>>> {
  const shown = displayPath(file);
  const lineCounter = new LineCounter();
  const text = await readFile(file, 'utf8');
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const lineOf = (path: readonly PropertyKey[]) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = document.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  if (document.errors.length > 0) {
    const lines = text.split('\n');
    const problems = document.errors.map((error) => {
      const line = error.linePos?.[0].line;
      const hint = line !== undefined && /:\s*\{\{/.test(lines[line - 1] ?? '') ? QUOTE_HINT : '';
      return { file: shown, line, message: `invalid YAML: ${error.message.split('\n')[0]}${hint}` };
    });
    return { problems, lineOf };
  }
  const result = schema.safeParse(document.toJS());
  if (!result.success) {
    const problems = result.error.issues.map((issue) => ({
      file: shown,
      line: lineOf(issue.path),
      path: formatPath(issue.path) || '(top level)',
      message: issue.message + quotingHint(document.getIn(issue.path as unknown[], true)),
    }));
    return { problems, lineOf };
  }
  return { value: result.data, problems: [], lineOf };
}

// `subject: {{firstName}}, hello` is a YAML mapping, not a string: the most likely slip
// when editing a sequence, so say how to fix it.
const QUOTE_HINT = ' (a value that starts with "{{" must be in quotes)';

function quotingHint(node: unknown): string {
  return isMap(node) && node.flow ? QUOTE_HINT : '';
}
