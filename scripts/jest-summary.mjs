// Prints the one line CI reports, taken from jest's own JSON results plus the fresh-clone check
// and, when named, the unit and integration suites' second run on Node 24.
import { existsSync, readFileSync } from 'node:fs';

const [jestFile = 'test-results/jest.json', freshFile = 'test-results/fresh-clone.json', rehearseFile, node24File] =
  process.argv.slice(2);
let passed = 0;
let failed = 0;
const notes = [];

if (existsSync(jestFile)) {
  const results = JSON.parse(readFileSync(jestFile, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
} else {
  // The failed step (type check, lint, email build) counts as one failure, never as a pass.
  failed += 1;
  notes.push('jest did not run: an earlier step of npm test failed, see above');
}

if (existsSync(freshFile)) {
  const fresh = JSON.parse(readFileSync(freshFile, 'utf8'));
  passed += fresh.passed;
  failed += fresh.failed;
  if (fresh.failed) notes.push('the fresh-clone start check failed, see above');
} else if (process.argv.length > 3) {
  failed += 1;
  notes.push('the fresh-clone start check did not run');
}

// npm run rehearse: each row of its table counts (when CI asked for it).
if (rehearseFile && existsSync(rehearseFile)) {
  const rehearsal = JSON.parse(readFileSync(rehearseFile, 'utf8'));
  passed += rehearsal.passed;
  failed += rehearsal.failed;
  if (rehearsal.failed) notes.push('npm run rehearse failed, see above');
} else if (rehearseFile) {
  failed += 1;
  notes.push('npm run rehearse did not finish, see above');
}
if (node24File && existsSync(node24File)) {
  const results = JSON.parse(readFileSync(node24File, 'utf8'));
  passed += results.numPassedTests;
  const node24Failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
  failed += node24Failed;
  if (node24Failed) notes.push('the unit and integration suites failed on Node 24, see above');
} else if (node24File) {
  failed += 1;
  notes.push('the Node 24 run did not run');
}

console.log(`${passed} passed, ${failed} failed${notes.length ? ` (${notes.join('; ')})` : ''}`);
