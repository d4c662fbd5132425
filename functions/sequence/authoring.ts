import * as z from 'zod';
import { sequenceDraftSchema } from './draft';

/**
 * What a console publish compiles with, shipped beside the compiled bundle
 * (`emails/dist/authoring.json`, written by `npm run emails:build`): the shared MJML layout,
 * the source articles quotes are checked against, and each bundled sequence as an editable
 * draft (its definition and MJML), which is the initial published version's source.
 */
export const authoringSourcesSchema = z.strictObject({
  schemaVersion: z.literal(1),
  /** layout/<name>.mjml → MJML source. */
  layout: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*\.mjml$/), z.string()),
  articles: z.array(z.string()).min(1),
  sequences: z.record(z.string(), sequenceDraftSchema),
});
export type AuthoringSources = z.infer<typeof authoringSourcesSchema>;
