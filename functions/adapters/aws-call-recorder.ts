import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DescribedCall, describeCall, RESOURCE_SETTINGS, type Settings } from './aws-call-description';

/**
 * The folder the test run records AWS calls into (set by test/support/global-setup.ts). Unset
 * in Lambda and in `npm start`: then no client gets the recorder and nothing is written.
 */
export const RECORDING_VARIABLE = 'AWS_CALL_RECORDING';

/** Calls of clients that no function's wiring built (a test's own client): kept apart, not checked. */
export const UNLABELLED = '<no function>';

export interface RecordedCall extends DescribedCall {
  function: string;
  /** How many times the tests made this call (counts of the last second of a process may be missing). */
  count: number;
}

let building: { fn: string | undefined; settings: Settings } | undefined;

/**
 * Names the Lambda function whose wiring builds AWS clients now, with the settings it reads
 * (so the recording can name resources by setting). Wiring is synchronous: the name holds
 * until the current job ends. `undefined` marks clients that belong to no Lambda function
 * (the local stack's own tools), whose calls are not recorded.
 */
export function recordAwsCallsAs(fn: string | undefined, env: object = {}): void {
  const values = env as Record<string, unknown>;
  const settings: Settings = {};
  for (const name of RESOURCE_SETTINGS) if (typeof values[name] === 'string') settings[name] = values[name];
  building = { fn, settings };
  queueMicrotask(() => {
    building = undefined;
  });
}

/** Which function's wiring is building clients now, while recording; empty otherwise. */
export function recordingScope(): string {
  if (!process.env[RECORDING_VARIABLE] || !building) return '';
  return JSON.stringify(building);
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: unknown }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: unknown }) => Promise<unknown>,
      options: { step: 'initialize'; name: string; override: boolean },
    ): void;
  };
}

/** Adds the recorder to a client when the test run asks for a recording; otherwise returns it untouched. */
export function withCallRecorder<Client>(client: Client, service: string): Client {
  const folder = process.env[RECORDING_VARIABLE];
  if (!folder) return client;
  const fn = building ? building.fn : UNLABELLED;
  if (fn === undefined) return client;
  const settings = building?.settings ?? {};
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      try {
        const calls = describeCall(
          service,
          context.commandName ?? 'Unknown',
          args.input as Record<string, unknown>,
          settings,
        );
        for (const call of calls) sink(folder).add(fn, call);
      } catch {
        // A recording problem must never change what the code under test does.
      }
      return next(args);
    },
    { step: 'initialize', name: 'awsCallRecorder', override: true },
  );
  return client;
}

class RecordingSink {
  private readonly calls = new Map<string, RecordedCall>();
  private readonly file: string;
  private writtenAt = 0;

  constructor(private readonly folder: string) {
    this.file = join(folder, `${Date.now()}-${process.pid}-${randomUUID().slice(0, 8)}.json`);
  }

  add(fn: string, call: DescribedCall): void {
    const key = JSON.stringify([fn, call]);
    const known = this.calls.get(key);
    if (known) known.count++;
    else this.calls.set(key, { function: fn, ...call, count: 1 });
    // A new call is written at once, so none is lost; counts at most once a second.
    if (!known || Date.now() - this.writtenAt > 1000) this.write();
  }

  private write(): void {
    mkdirSync(this.folder, { recursive: true });
    writeFileSync(this.file, JSON.stringify({ pid: process.pid, calls: [...this.calls.values()] }));
    this.writtenAt = Date.now();
  }
}

let current: RecordingSink | undefined;
function sink(folder: string): RecordingSink {
  current ??= new RecordingSink(folder);
  return current;
}
