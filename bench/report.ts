import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** A goal on one figure: the value must be at least or at most the target. */
export interface Goal {
  op: '>=' | '<=';
  target: number;
}

/** One measured figure, named within its group (`throughput_ratio`, not `capture.throughput_ratio`). */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  goal?: Goal;
}

export interface ResultEntry {
  value: number;
  unit: string;
  goal: string;
  pass: boolean;
}

export type Results = Record<string, ResultEntry>;

export const atLeast = (target: number): Goal => ({ op: '>=', target });
export const atMost = (target: number): Goal => ({ op: '<=', target });

export function toEntry(figure: Figure): ResultEntry {
  const { goal } = figure;
  return {
    value: round(figure.value),
    unit: figure.unit,
    goal: goal ? `${goal.op} ${goal.target}` : '-',
    pass: goal ? (goal.op === '>=' ? figure.value >= goal.target : figure.value <= goal.target) : true,
  };
}

/** Enough digits to compare runs, few enough to read: 3 significant digits, at least 0 decimals. */
export function round(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(Math.min(digits, 6)));
}

/** The figures of the groups just run, as `<group>.<figure>` entries. */
export function entriesOf(group: string, figures: Figure[]): Results {
  return Object.fromEntries(figures.map((figure) => [`${group}.${figure.name}`, toEntry(figure)]));
}

/**
 * Merges into the existing file: a group that ran replaces all of its old figures (so a
 * renamed figure does not linger); groups that did not run keep their last figures.
 */
export function mergeResults(file: string, ranGroups: string[], fresh: Results): Results {
  let previous: Results = {};
  if (existsSync(file)) {
    try {
      previous = JSON.parse(readFileSync(file, 'utf8')) as Results;
    } catch {
      console.error(`bench: ${file} is not valid JSON; starting it afresh`);
    }
  }
  const kept = Object.entries(previous).filter(([key]) => !ranGroups.some((group) => key.startsWith(`${group}.`)));
  const merged = Object.fromEntries([...kept, ...Object.entries(fresh)].sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}

export function formatTable(results: Results): string {
  const header = ['figure', 'value', 'unit', 'goal', 'pass'];
  const rows = Object.entries(results).map(([key, entry]) => [
    key,
    String(entry.value),
    entry.unit,
    entry.goal,
    entry.goal === '-' ? '-' : entry.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 1 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}
