import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedCall } from '../functions/adapters/aws-call-recorder';

/** A call to check: recorded in the tests, or made for the function by an AWS service (from the template). */
export interface CallToCheck extends Omit<RecordedCall, 'count'> {
  count: number;
  /** Who makes it: the function's code in the tests, or the Lambda service / a scheduler on its behalf. */
  origin: string;
}

export interface Recording {
  calls: CallToCheck[];
  files: number;
  /** Newest write of a recording file (ms), or 0 when there is none. */
  newest: number;
}

/** Every recording file newer than `since` (ms), merged: same call, counts added up. */
export function readRecording(folder: string, since = 0): Recording {
  if (!existsSync(folder)) return { calls: [], files: 0, newest: 0 };
  const merged = new Map<string, CallToCheck>();
  let files = 0;
  let newest = 0;
  for (const name of readdirSync(folder).filter((file) => file.endsWith('.json'))) {
    const file = join(folder, name);
    const modified = statSync(file).mtimeMs;
    if (modified < since) continue;
    let content: { calls?: RecordedCall[] };
    try {
      content = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue; // A process was writing it when it stopped: the rest still counts.
    }
    files++;
    newest = Math.max(newest, modified);
    for (const call of content.calls ?? []) {
      const { count, ...rest } = call;
      const key = JSON.stringify(rest);
      const known = merged.get(key);
      if (known) known.count += count;
      else merged.set(key, { ...rest, count, origin: 'tests' });
    }
  }
  return { calls: [...merged.values()], files, newest };
}
