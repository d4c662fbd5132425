/** The practice as emails and pages present it. */
export interface PracticeDetails {
  name: string;
  surgeon: string;
  postalAddress: string;
  phone: string;
  timeZone: string;
}

/** Absolute links that emails carry. Unsubscribe links are signed, so building one may be async. */
export interface LinkBuilder {
  siteUrl: string;
  bookingUrl: string;
  unsubscribeUrl(leadId: string): Promise<string>;
  consoleUrl(leadId: string): string;
  optInUrl(token: string): string;
}
