import { type AuthoringSources, authoringSourcesSchema } from '../authoring';
import { readBuildOutput } from './read';

let parsed: AuthoringSources | undefined;

/**
 * The email layout, the source article and the bundled sequences' MJML (`npm run emails:build`
 * writes them beside the bundle), inlined into the admin function by esbuild like the bundle.
 */
export function authoringSources(): AuthoringSources {
  parsed ??= authoringSourcesSchema.parse(
    readBuildOutput('authoring.json', () => require('../../../emails/dist/authoring.json')),
  );
  return parsed;
}
