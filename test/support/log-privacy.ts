import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { personalDataIn } from './personal-data';

/**
 * Runs around every test file (setupFilesAfterEnv): everything the code under test writes to
 * stdout/stderr (the Powertools logger writes there directly) is captured instead of printed,
 * kept in test-results/logs/ for debugging, and scanned. A file whose logs contain an email
 * address, a phone number, a test lead's name, an unsubscribe or opt-in token fails.
 */

const captured: string[] = [];
const streams = [process.stdout, process.stderr];
const originals = streams.map((stream) => stream.write);

beforeAll(() => {
  for (const stream of streams) {
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
});

afterAll(() => {
  streams.forEach((stream, index) => {
    stream.write = originals[index]!;
  });
  const file = basename(expect.getState().testPath ?? 'unknown');
  const text = captured.join('');
  if (text) {
    const dir = join(process.cwd(), 'test-results', 'logs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${file}.log`), text);
  }
  const leaks = personalDataIn(text);
  if (leaks.length > 0) {
    throw new Error(`Personal data or a secret link reached the logs of ${file}:\n${leaks.slice(0, 5).join('\n')}`);
  }
});
