import type { CompiledSequence, CompiledStep } from '../sequence/compiled';
import { type PlaceholderValues, type RenderedEmail, renderEmail } from './render';

export interface RenderStepInput {
  sequence: Pick<CompiledSequence, 'id'>;
  step: CompiledStep;
  /** The A/B subject chosen for this send ("a" is the main subject). */
  variantId?: string;
  values: PlaceholderValues;
}

export interface RenderedStep extends RenderedEmail {
  variantId: string;
}

/** Renders a sequence step with campaign tags naming the sequence and the step. */
export function renderStep({ sequence, step, variantId = 'a', values }: RenderStepInput): RenderedStep {
  const variant = step.variants.find((candidate) => candidate.id === variantId) ?? step.variants[0]!;
  const rendered = renderEmail({
    template: step.template,
    subject: variant.subject,
    preheader: step.preheader,
    values,
    utm: { campaign: sequence.id, content: step.id },
  });
  return { ...rendered, variantId: variant.id };
}

/**
 * Picks a subject variant by weight. `random` is in [0, 1); pass a value derived from the
 * enrolment id for a choice that stays the same when a send is retried.
 */
export function chooseVariant(step: Pick<CompiledStep, 'variants'>, random: number): string {
  const total = step.variants.reduce((sum, variant) => sum + Math.max(0, variant.weight), 0);
  if (total <= 0) return step.variants[0]!.id;
  let remaining = Math.min(Math.max(random, 0), 0.999999999) * total;
  for (const variant of step.variants) {
    remaining -= Math.max(0, variant.weight);
    if (remaining < 0) return variant.id;
  }
  return step.variants.at(-1)!.id;
}
