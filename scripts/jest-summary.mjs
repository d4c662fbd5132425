// Prints the one line CI reports, taken from jest's own JSON results.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/jest.json';
if (!existsSync(file)) {
  // The failed step (type check, lint, email build) counts as one failure, never as a pass.
  console.log('0 passed, 1 failed (jest did not run: an earlier step of npm test failed, see above)');
  process.exit(0);
}
const results = JSON.parse(readFileSync(file, 'utf8'));
const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
console.log(`${results.numPassedTests} passed, ${failed} failed`);
