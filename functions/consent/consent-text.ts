/**
 * Every wording of the consent checkbox that has ever been shown, by version. A consent
 * record stores the version, so what a person agreed to can be shown word for word later.
 * Never edit a published wording: add a new version and make it current.
 */
export const CONSENT_TEXTS = {
  '2026-11-01': (practiceName: string) =>
    `I agree that ${practiceName} may email me about my consultation request and send me a short series of educational emails about exosome aftercare. I can unsubscribe at any time with one click.`,
} as const;

export type ConsentTextVersion = keyof typeof CONSENT_TEXTS;

export const CURRENT_CONSENT_VERSION: ConsentTextVersion = '2026-11-01';

export const CONSENT_VERSIONS = Object.keys(CONSENT_TEXTS) as [ConsentTextVersion, ...ConsentTextVersion[]];

export function consentText(version: ConsentTextVersion, practiceName: string): string {
  return CONSENT_TEXTS[version](practiceName);
}

export type ConsentMode = 'single' | 'double';
