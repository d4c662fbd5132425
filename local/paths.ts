import { resolve } from 'node:path';

/** The repository root, whichever folder a command is started from. */
export const ROOT = resolve(__dirname, '..');
