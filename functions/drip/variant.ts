import { createHash } from 'node:crypto';

export interface WeightedVariant {
  id: string;
  weight: number;
}

/**
 * Picks a subject variant by weight, deterministically from the lead and step: a retried or
 * redelivered step gets the same variant, and results per variant stay honest.
 */
export function chooseVariant<T extends WeightedVariant>(variants: readonly T[], seed: string): T {
  const first = variants[0];
  if (!first) throw new Error('A step needs at least one subject');
  const total = variants.reduce((sum, variant) => sum + Math.max(0, variant.weight), 0);
  if (total <= 0) return first;
  const point = (createHash('sha256').update(seed).digest().readUInt32BE(0) / 2 ** 32) * total;
  let cumulative = 0;
  for (const variant of variants) {
    cumulative += Math.max(0, variant.weight);
    if (point < cumulative) return variant;
  }
  return variants.at(-1)!;
}
