import { clinicConfig } from '../config/clinic';
import { linkShapes } from '../functions/mail/links';
import type { PlaceholderName } from '../functions/sequence/compiled';

// The links real emails carry, with sample tokens; the site stands in for the API, as locally.
const links = linkShapes(clinicConfig.practice.siteUrl, clinicConfig.practice.siteUrl);

/**
 * A value for every placeholder, for the preview gallery and the tests. Typed as a full
 * record so a new placeholder cannot be added without a sample.
 */
export const SAMPLE_VALUES: Readonly<Record<PlaceholderName, string>> = {
  firstName: 'Maria',
  interests: 'aftercare after Fraxel (non-ablative laser) and hair restoration',
  practiceName: clinicConfig.practice.name,
  practiceAddress: clinicConfig.practice.postalAddress,
  practicePhone: clinicConfig.practice.phone,
  surgeonName: clinicConfig.practice.surgeon,
  siteUrl: links.siteUrl,
  bookingUrl: links.bookingUrl,
  unsubscribeUrl: links.unsubscribeUrl('sample-signed-token'),
  signupDate: 'March 3, 2025',
  optInUrl: links.optInUrl('sample-token'),
  leadKind: 'New lead',
  leadName: 'Maria Lopez',
  leadEmail: 'maria@example.com',
  leadPhone: '+18135550100',
  leadPreferredContact: 'Phone call',
  leadInterests: 'aftercare after Fraxel (non-ablative laser) and hair restoration',
  leadMessage: 'Could we talk after 5 pm on weekdays?',
  leadTimeZone: 'America/New_York',
  leadSource: 'google / cpc / exosome-spring',
  leadLandingPath: '/exosomes',
  submittedAt: 'Mar 3, 2025, 10:42 AM EST',
  consoleUrl: links.consoleUrl('sample-lead'),
};

/** Values an attacker could type into the form, for the escaping tests. */
export const HOSTILE_VALUES = {
  firstName: '<script>alert("x")</script>',
  leadName: '"><img src=x onerror=alert(1)>',
  leadMessage: '{{unsubscribeUrl}} \' " <b>&amp;',
} as const;
