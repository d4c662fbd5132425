/**
 * Runs in every test file (setupFilesAfterEnv): notes each table the file creates on the shared
 * DynamoDB Local, so test/support/test-environment.ts drops them once the file has ended. One
 * in-memory DynamoDB Local serves the whole run, and the tables a file leaves behind (with their
 * stream records) slowed every later file: the fuzz file took five times as long after the
 * 2,000-enrolment reliability file had run.
 */
import { CREATED_TABLES } from './test-environment-globals';

jest.mock('../../local/table', () => {
  const actual = jest.requireActual('../../local/table');
  return {
    ...actual,
    async ensureTable(...args: Parameters<typeof actual.ensureTable>) {
      const outcome = await actual.ensureTable(...args);
      if (outcome === 'created') {
        const context = globalThis as Record<string, unknown>;
        context[CREATED_TABLES] = [...((context[CREATED_TABLES] as string[] | undefined) ?? []), args[1]];
      }
      return outcome;
    },
  };
});
