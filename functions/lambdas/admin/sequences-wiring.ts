import { DynamoEnrolmentIndex } from '../../adapters/dynamodb/enrolment-index';
import { DynamoSequenceStore } from '../../adapters/dynamodb/sequence-store';
import { DynamoSequenceVersions } from '../../adapters/dynamodb/sequence-versions';
import type { Table } from '../../adapters/dynamodb/table';
import type { MailEnv } from '../../config/env';
import { linkShapes } from '../../mail/links';
import type { PlaceholderValues } from '../../render/render';
import { authoringSources } from '../../sequence/build-output/authoring-sources';
import { bundledEmails } from '../../sequence/build-output/email-bundle';
import type { BundledSequence } from '../../sequence/ports';
import type { Clock } from '../../shared/clock';
import { practiceFrom } from '../wiring';

/**
 * What both admin functions build for the sequence routes: the shipped sequences with their
 * editable source, the stores of drafts and versions, and the sample values previews and test
 * sends fill in. The MJML compiler is not here: only admin-compose adds it.
 */
export function sequenceStores(env: MailEnv, table: Table, clock: Clock) {
  const bundle = bundledEmails();
  const sources = authoringSources();
  const versions = new DynamoSequenceVersions(table, Object.values(bundle.sequences));
  const sequences = new DynamoSequenceStore(table, versions);
  const practice = practiceFrom(env);
  const links = linkShapes(env.SITE_URL, env.PUBLIC_API_URL);

  const bundled: Record<string, BundledSequence> = Object.fromEntries(
    Object.values(bundle.sequences).map((compiled) => {
      const source = sources.sequences[compiled.id];
      if (!source)
        throw new Error(`emails/dist/authoring.json has no source for "${compiled.id}"; run the email build`);
      return [compiled.id, { compiled, source }];
    }),
  );
  const sampleValues: PlaceholderValues = {
    firstName: 'Maria',
    interests: 'aftercare after Fraxel (non-ablative laser) and hair restoration',
    practiceName: practice.name,
    practiceAddress: practice.postalAddress,
    practicePhone: practice.phone,
    surgeonName: practice.surgeon,
    siteUrl: links.siteUrl,
    bookingUrl: links.bookingUrl,
    // A preview's link has the real shape but goes nowhere: no lead is behind it.
    unsubscribeUrl: links.unsubscribeUrl('preview'),
    signupDate: new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: practice.timeZone }).format(
      clock.now(),
    ),
  };
  return {
    bundle,
    sources,
    versions,
    sequences,
    enrolments: new DynamoEnrolmentIndex(table),
    bundled,
    sampleValues,
  };
}
