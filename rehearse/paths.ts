import { join } from 'node:path';
import { ROOT } from '../local/paths';

/** Where `npm test` records the functions' AWS calls (one JSON file per test process). */
export const RECORDING_DIR = join(ROOT, 'test-results', 'aws-calls');

/** `npm run synth`'s output: the template and the assets the rehearsal reads. */
export const CDK_OUT = join(ROOT, 'cdk.out');
