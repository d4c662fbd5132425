/** The practice as emails and pages present it. */
export interface PracticeDetails {
  name: string;
  surgeon: string;
  postalAddress: string;
  phone: string;
  timeZone: string;
}

import type { UnsubscribedFrom } from '../suppression/unsubscribe-token';

/** Absolute links that emails carry. Unsubscribe links are signed, so building one may be async. */
export interface LinkBuilder {
  siteUrl: string;
  bookingUrl: string;
  /** With `from` (a sequence email), the unsubscribe is counted on that email's step. */
  unsubscribeUrl(leadId: string, from?: UnsubscribedFrom): Promise<string>;
  consoleUrl(leadId: string): string;
  optInUrl(token: string): string;
}

/** The placeholders every email fills the same way: who the practice is and where to book. */
export function practicePlaceholders(practice: PracticeDetails, links: LinkBuilder) {
  return {
    practiceName: practice.name,
    practiceAddress: practice.postalAddress,
    practicePhone: practice.phone,
    surgeonName: practice.surgeon,
    siteUrl: links.siteUrl,
    bookingUrl: links.bookingUrl,
  };
}
