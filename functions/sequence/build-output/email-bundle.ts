import { type EmailBundle, emailBundleSchema } from '../compiled';
import { readBuildOutput } from './read';

let parsed: EmailBundle | undefined;

/**
 * The compiled emails (`npm run emails:build`), inlined into each function bundle by esbuild.
 * Parsed once, so a stale or hand-edited bundle fails at start-up, not mid-send.
 */
export function bundledEmails(): EmailBundle {
  parsed ??= emailBundleSchema.parse(readBuildOutput('bundle.json', () => require('../../../emails/dist/bundle.json')));
  return parsed;
}
