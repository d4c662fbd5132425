/** Reasons to consult, each taken from the practice's exosome aftercare article. */
export const INTERESTS = {
  'fraxel-aftercare': 'Aftercare after Fraxel (non-ablative laser)',
  'rf-microneedling-aftercare': 'Aftercare after RF microneedling',
  'hair-restoration': 'Hair restoration',
  'small-joint-injections': 'Small-joint injections',
  'skin-regeneration': 'General skin regeneration',
} as const;

export type Interest = keyof typeof INTERESTS;

export const INTEREST_IDS = Object.keys(INTERESTS) as [Interest, ...Interest[]];

export const CONTACT_METHODS = {
  email: 'Email',
  phone: 'Phone call',
  text: 'Text message',
} as const;

export type ContactMethod = keyof typeof CONTACT_METHODS;

export const CONTACT_METHOD_IDS = Object.keys(CONTACT_METHODS) as [ContactMethod, ...ContactMethod[]];
