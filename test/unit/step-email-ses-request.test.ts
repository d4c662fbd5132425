import { randomBytes } from 'node:crypto';
import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { clinicConfig } from '../../config/clinic';
import { parseEnv, senderEnvSchema } from '../../functions/config/env';
import { composeStepEmail } from '../../functions/drip/step-email';
import { linksFrom, mailerFrom, practiceFrom } from '../../functions/lambdas/wiring';
import type { Enrolment, Lead } from '../../functions/lead/lead';
import { bundledEmails } from '../../functions/sequence/build-output/email-bundle';
import type { CompiledSequence } from '../../functions/sequence/compiled';
import { verifyUnsubscribeToken } from '../../functions/suppression/unsubscribe-token';
import { localEnvironment } from '../../local/local-env';
import { testLeadId } from '../support/identity';

/**
 * What the sender asks SES v2 for when it sends one step of a sequence: the real composer and
 * the real SES adapter, wired from the environment as the sender Lambda is
 * (functions/lambdas/sender/wiring.ts), with only the SDK's `send` captured.
 */

const SITE_URL = 'https://www.clinic.example';
const API_URL = 'https://api.clinic.example';
const CONFIGURATION_SET = 'clinic-nurture-events';
const key = randomBytes(32);

const env = parseEnv(
  senderEnvSchema,
  localEnvironment(
    { port: 3000, dynamoEndpoint: 'http://127.0.0.1:9', sesEndpoint: 'http://127.0.0.1:9', tableName: 'unused' },
    { SITE_URL, PUBLIC_API_URL: API_URL, SES_CONFIGURATION_SET: CONFIGURATION_SET },
  ),
);
const overrides = { signingKey: async () => key };
const practice = practiceFrom(env);
const links = linksFrom(env, overrides);
const sequence = bundledEmails().sequences['exosome-aftercare']!;

const ses = mockClient(SESv2Client);
beforeEach(() => {
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'x' });
});
afterAll(() => ses.restore());

function leadNamed(firstName: string, email = 'step.reader@example.com'): { lead: Lead; enrolment: Enrolment } {
  const leadId = testLeadId(email);
  const at = '2026-12-01T15:00:00.000Z';
  return {
    lead: {
      leadId,
      email,
      firstName,
      preferredContact: 'email',
      interests: ['fraxel-aftercare'],
      timeZone: 'America/New_York',
      status: 'active',
      createdAt: at,
      updatedAt: at,
      submissionCount: 1,
      firstTouch: {},
      lastTouch: {},
    },
    enrolment: {
      leadId,
      sequenceId: sequence.id,
      sequenceVersion: sequence.version,
      status: 'active',
      stepIndex: 0,
      nextSendAt: at,
      timeZone: 'America/New_York',
      enrolledAt: at,
    },
  };
}

/** Composes one step for one lead and sends it through a fresh SES mailer; returns what SES was asked. */
async function sendStep(options: {
  firstName: string;
  stepIndex: number;
  variantId: string;
  sequence?: CompiledSequence;
}): Promise<{ input: SendEmailCommandInput; leadId: string; messageId: string }> {
  const compiled = options.sequence ?? sequence;
  const { lead, enrolment } = leadNamed(options.firstName);
  const email = await composeStepEmail({
    sequence: compiled,
    step: compiled.steps[options.stepIndex]!,
    variantId: options.variantId,
    lead,
    enrolment: { ...enrolment, stepIndex: options.stepIndex },
    practice,
    links,
  });
  const { messageId } = await mailerFrom(env, {}).send(email);
  const calls = ses.commandCalls(SendEmailCommand);
  expect(calls).toHaveLength(1);
  return { input: calls[0]!.args[0].input, leadId: lead.leadId, messageId };
}

/** Every value of the request that ends up in a header line of the message. */
function headerValues(input: SendEmailCommandInput): string[] {
  const simple = input.Content?.Simple;
  const values: (string | undefined)[] = [
    input.FromEmailAddress,
    ...(input.ReplyToAddresses ?? []),
    ...(input.Destination?.ToAddresses ?? []),
    ...(input.Destination?.CcAddresses ?? []),
    ...(input.Destination?.BccAddresses ?? []),
    simple?.Subject?.Data,
    ...(simple?.Headers ?? []).flatMap((header) => [header.Name, header.Value]),
    ...(input.EmailTags ?? []).flatMap((tag) => [tag.Name, tag.Value]),
  ];
  return values.filter((value): value is string => value !== undefined);
}

const HOSTILE_NAMES: [string, string][] = [
  ['CR/LF', 'Robin\r\nBcc: intruder@evil.example'],
  ['a bare LF', 'Robin\nX-Injected: yes'],
  ['a bare CR', 'Robin\rX-Injected: yes'],
  ['a Unicode line separator', 'Robin\u2028X-Injected: yes'],
];

const everyVariant = sequence.steps.flatMap((step, stepIndex) =>
  step.variants.map((variant) => [`${step.id}/${variant.id}`, stepIndex, variant.id] as const),
);

describe('the SES v2 request for a sequence step', () => {
  it.each(everyVariant)(
    '%s: Simple content with one-click unsubscribe headers, the configuration set, tags and the configured sender',
    async (_label, stepIndex, variantId) => {
      const step = sequence.steps[stepIndex]!;
      const variant = step.variants.find((candidate) => candidate.id === variantId)!;

      const { input, leadId, messageId } = await sendStep({ firstName: 'Robin', stepIndex, variantId });

      expect(messageId).toBe('x');
      expect(input.Content?.Raw).toBeUndefined();
      expect(input.Content?.Template).toBeUndefined();
      const simple = input.Content?.Simple;
      expect(simple?.Subject).toEqual({ Data: variant.subject, Charset: 'UTF-8' });
      expect(simple?.Body?.Html?.Data).toBeTruthy();
      expect(simple?.Body?.Text?.Data).toBeTruthy();

      const headers = simple?.Headers ?? [];
      expect(headers.map((header) => header.Name)).toEqual(['List-Unsubscribe', 'List-Unsubscribe-Post']);
      const listUnsubscribe = headers[0]!.Value!;
      const match = /^<(https:\/\/api\.clinic\.example\/u\/([^>\s]+))>$/.exec(listUnsubscribe);
      expect(match).not.toBeNull();
      const [, unsubscribeUrl, token] = match!;
      expect(verifyUnsubscribeToken(token!, key)).toEqual({
        leadId,
        from: { sequenceId: sequence.id, stepId: step.id, variant: variant.id },
      });
      expect(headers[1]).toEqual({ Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' });
      // The same link the reader sees in the footer.
      expect(simple?.Body?.Html?.Data).toContain(unsubscribeUrl);
      expect(simple?.Body?.Text?.Data).toContain(unsubscribeUrl);

      expect(input.ConfigurationSetName).toBe(CONFIGURATION_SET);
      expect(Object.fromEntries((input.EmailTags ?? []).map((tag) => [tag.Name, tag.Value]))).toEqual({
        kind: 'step',
        lead: leadId,
        sequence: 'exosome-aftercare',
        step: step.id,
        variant: variantId,
      });
      expect(input.FromEmailAddress).toBe(`"${clinicConfig.practice.name}" <${clinicConfig.mail.fromAddress}>`);
      expect(input.ReplyToAddresses).toEqual(
        clinicConfig.mail.replyToAddress ? [clinicConfig.mail.replyToAddress] : undefined,
      );
      expect(input.Destination).toEqual({ ToAddresses: ['step.reader@example.com'] });
    },
  );

  it.each(HOSTILE_NAMES)(
    'puts no line break in any header when the first name contains %s, and the name never reaches From',
    async (_label, firstName) => {
      const { input } = await sendStep({ firstName, stepIndex: 0, variantId: 'a' });

      // The name did reach the email (its greeting), but no header line.
      expect(input.Content?.Simple?.Body?.Text?.Data).toContain('Hi Robin');
      for (const value of headerValues(input)) expect(value).not.toMatch(/[\r\n\u2028\u2029]/);
      expect(headerValues(input).join(' ')).not.toMatch(/intruder|X-Injected/);
      expect(input.FromEmailAddress).toBe(`"${clinicConfig.practice.name}" <${clinicConfig.mail.fromAddress}>`);
      expect(input.Content?.Simple?.Headers?.map((header) => header.Name)).toEqual([
        'List-Unsubscribe',
        'List-Unsubscribe-Post',
      ]);
      expect(input.Destination).toEqual({ ToAddresses: ['step.reader@example.com'] });
    },
  );

  it.each(HOSTILE_NAMES)(
    'keeps the subject on one line when staff put the first name in it and the name contains %s',
    async (_label, firstName) => {
      // Subjects are data staff edit in the console: one may greet the reader by name.
      const personal: CompiledSequence = {
        ...sequence,
        steps: sequence.steps.map((step, index) =>
          index === 0
            ? { ...step, variants: [{ id: 'a', subject: '{{firstName|there}}, welcome to our emails', weight: 1 }] }
            : step,
        ),
      };

      const { input } = await sendStep({ firstName, stepIndex: 0, variantId: 'a', sequence: personal });

      const subject = input.Content?.Simple?.Subject?.Data ?? '';
      expect(subject).toMatch(/^Robin .+, welcome to our emails$/);
      for (const value of headerValues(input)) expect(value).not.toMatch(/[\r\n\u2028\u2029]/);
      expect(input.Content?.Simple?.Headers).toHaveLength(2);
    },
  );
});
