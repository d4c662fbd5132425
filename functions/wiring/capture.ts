import { bundledEmails } from '../adapters/email-bundle';
import { BundledSequenceCatalog } from '../adapters/bundled-sequence-catalog';
import { DynamoLeadRepository } from '../adapters/dynamodb/lead-repository';
import type { CaptureEnv } from '../config/env';
import type { CaptureHandlerDeps } from '../handlers/capture';
import { createCaptureEmailComposer } from '../lead/capture-emails';
import { createLinkBuilder } from '../mail/links';
import { logger } from '../observability/logger';
import { renderLandingPage } from '../../web/pages/landing';
import { clockFrom, mailerFrom, type Overrides, practiceFrom, signingKeyFrom, tableFrom } from './common';

/** Everything POST /leads needs, built from the parsed environment. */
export function captureDeps(env: CaptureEnv, overrides: Overrides = {}): CaptureHandlerDeps {
  const bundle = bundledEmails();
  const practice = practiceFrom(env);
  const links = createLinkBuilder({
    siteUrl: env.SITE_URL,
    publicApiUrl: env.PUBLIC_API_URL,
    signingKey: signingKeyFrom(env, overrides),
  });
  return {
    leads: new DynamoLeadRepository(tableFrom(env)),
    sequences: new BundledSequenceCatalog(bundle),
    composer: createCaptureEmailComposer({
      templates: bundle.transactional,
      practice,
      staffAddresses: env.STAFF_EMAILS,
      links,
    }),
    mailer: mailerFrom(env, overrides),
    clock: clockFrom(overrides),
    log: logger,
    settings: {
      defaultSequenceId: env.DEFAULT_SEQUENCE_ID,
      consentMode: env.CONSENT_MODE,
      practiceName: practice.name,
      practiceTimeZone: practice.timeZone,
      captureEmailRetryAfterMs: 10 * 60 * 1000,
    },
    thankYouUrl: new URL('/thank-you/', env.SITE_URL).toString(),
    renderFormPage: (values, errors) =>
      renderLandingPage({ practice, values: values as Record<string, string | string[] | undefined>, errors }),
  };
}
