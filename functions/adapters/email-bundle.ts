import raw from '../../emails/dist/bundle.json';
import { type EmailBundle, emailBundleSchema } from '../render/bundle';

let parsed: EmailBundle | undefined;

/**
 * The compiled emails (`npm run emails:build`), inlined into each function bundle by esbuild.
 * Parsed once, so a stale or hand-edited bundle fails at start-up, not mid-send.
 */
export function bundledEmails(): EmailBundle {
  parsed ??= emailBundleSchema.parse(raw);
  return parsed;
}
