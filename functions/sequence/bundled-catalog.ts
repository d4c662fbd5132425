import type { PublishedSequenceRef, SequenceCatalog } from './ports';

/** Either bundle will do: only each sequence's version and time-zone fallback are read. */
type SequenceVersionsOf = { sequences: Record<string, { version: string; timeZoneFallback: string }> };

export class UnknownSequenceError extends Error {
  override name = 'UnknownSequenceError';
}

/** Sequences as built from emails/: the version a deploy ships is the one new leads start on. */
export class BundledSequenceCatalog implements SequenceCatalog {
  constructor(private readonly bundle: SequenceVersionsOf) {}

  async current(sequenceId: string): Promise<PublishedSequenceRef> {
    const sequence = this.bundle.sequences[sequenceId];
    if (!sequence) throw new UnknownSequenceError(`No sequence "${sequenceId}" in the email bundle`);
    return { sequenceId, version: sequence.version, timeZoneFallback: sequence.timeZoneFallback };
  }
}
