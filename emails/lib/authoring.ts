import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AuthoringSources, authoringSourcesSchema } from '../../functions/sequence/authoring';
import type { SequenceDefinition } from '../../functions/sequence/definition';
import type { SequenceDraft } from '../../functions/sequence/draft';

export type { AuthoringSources } from '../../functions/sequence/authoring';

/** Written beside bundle.json: what the admin function needs to compile a draft without the emails/ folder. */
export const AUTHORING_FILE = 'authoring.json';

/** Every layout partial (layout/*.mjml) by file name. */
export async function layoutSources(emailsDir: string): Promise<Record<string, string>> {
  const dir = join(emailsDir, 'layout');
  const names = (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.mjml')).sort();
  const entries = await Promise.all(names.map(async (name) => [name, await readFile(join(dir, name), 'utf8')]));
  return Object.fromEntries(entries);
}

/** A sequence as the console edits it: its definition and the MJML of each template it uses. */
export async function sequenceDraftFrom(definition: SequenceDefinition, sequenceDir: string): Promise<SequenceDraft> {
  const templates: Record<string, string> = {};
  for (const step of definition.steps) {
    templates[step.template] ??= await readFile(join(sequenceDir, `${step.template}.mjml`), 'utf8');
  }
  return { definition, templates };
}

export function authoringSources(
  layout: Record<string, string>,
  articles: string[],
  sequences: Record<string, SequenceDraft>,
): AuthoringSources {
  return authoringSourcesSchema.parse({ schemaVersion: 1, layout, articles, sequences });
}
