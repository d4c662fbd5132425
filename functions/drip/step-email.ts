import { formatDate } from '../lead/capture-emails';
import type { Enrolment, Lead } from '../lead/lead';
import { listUnsubscribeHeaders, type OutgoingEmail } from '../mail/outgoing-email';
import { type LinkBuilder, type PracticeDetails, practicePlaceholders } from '../mail/practice';
import { formatInterests } from '../render/interests-text';
import { renderEmail } from '../render/render';
import type { CompiledSequence, CompiledStep } from '../sequence/compiled';

export interface StepEmailInput {
  sequence: CompiledSequence;
  step: CompiledStep;
  variantId: string;
  lead: Lead;
  enrolment: Enrolment;
  /** The send's path key: tagged, so SES's events are counted on the same path's row. */
  path?: string | undefined;
  practice: PracticeDetails;
  links: LinkBuilder;
}

/** Renders one step of a sequence for one lead, from the version the lead is pinned to. */
export async function composeStepEmail(input: StepEmailInput): Promise<OutgoingEmail> {
  const { sequence, step, lead, practice, links } = input;
  const variant = step.variants.find((candidate) => candidate.id === input.variantId) ?? step.variants[0]!;
  const unsubscribeUrl = await links.unsubscribeUrl(lead.leadId, {
    sequenceId: sequence.id,
    stepId: step.id,
    variant: variant.id,
  });
  const rendered = renderEmail({
    template: step.template,
    subject: variant.subject,
    preheader: step.preheader,
    values: {
      firstName: lead.firstName,
      interests: formatInterests(lead.interests),
      ...practicePlaceholders(practice, links),
      unsubscribeUrl,
      signupDate: formatDate(input.enrolment.enrolledAt, input.enrolment.timeZone),
    },
    utm: { campaign: sequence.id, content: step.id },
  });
  return {
    to: [lead.email],
    ...rendered,
    headers: listUnsubscribeHeaders(unsubscribeUrl),
    tags: {
      kind: 'step',
      lead: lead.leadId,
      sequence: sequence.id,
      step: step.id,
      variant: variant.id,
      ...(input.path ? { path: input.path } : {}),
    },
  };
}
