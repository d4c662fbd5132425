/**
 * Lead ids and suppression hashes of addresses (keyed HMACs, see email-address.ts leadIdFor),
 * as a port: the adapter knows the key and whether the table still holds items under the
 * unkeyed ids of a stack deployed before keyed ids (functions/adapters/dynamodb/address-ids.ts).
 */
export interface AddressIds {
  /** The id of the lead with this address: where it is stored, or will be for a new lead. */
  leadIdFor(address: string): Promise<string>;
  /** The keyed suppression hash of the address: where a new suppression entry is written. */
  suppressionHashFor(address: string): Promise<string>;
  /**
   * Every hash an entry of this address may be stored under: the keyed one first, and until
   * the migration to keyed ids has run, the unkeyed one as well.
   */
  suppressionHashesOf(address: string): Promise<string[]>;
  /**
   * A lead id that came from outside (an unsubscribe link, an SES event's tag, a webhook, a
   * console URL): the id the lead has now. Emails sent before keyed ids carry unkeyed ids.
   */
  currentLeadId(leadId: string): Promise<string>;
}

/**
 * The attribute the migration to keyed ids sets on the items it copies: a copy is the same lead
 * under its new id, not a new lead (functions/webhooks/events.ts ignores it).
 */
export const KEYED_ID_COPY = 'keyedIdCopy';
