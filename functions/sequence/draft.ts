import * as z from 'zod';
import { sequenceDefinitionSchema } from './definition';

/** A sequence as staff edit it: the definition (YAML's fields) and each step's MJML body. */
export const sequenceDraftSchema = z.strictObject({
  definition: sequenceDefinitionSchema,
  /** template id → MJML source of that email (the layout is added on the server). */
  templates: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/), z.string().max(200_000)),
});

export type SequenceDraft = z.infer<typeof sequenceDraftSchema>;

export interface ContentProblem {
  /** e.g. "steps[2].subject" or "templates.welcome line 12" */
  where: string;
  message: string;
}
