import { DeleteSuppressedDestinationCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { AccountSuppressionList } from '../drip/ports';

/**
 * SES's account-level suppression list, which SES fills by itself from bounces and complaints
 * and which holds the address in the clear. An erasure takes the address off it; our own
 * suppression entry (a keyed hash, reason "erased") keeps the person from being emailed again.
 */
export class SesAccountSuppressionList implements AccountSuppressionList {
  constructor(private readonly client: SESv2Client) {}

  async forget(address: string): Promise<void> {
    try {
      await this.client.send(new DeleteSuppressedDestinationCommand({ EmailAddress: address }));
    } catch (error) {
      // Not on the list: nothing to forget. (The local SES knows no such operation: also 404.)
      const { name, $metadata } = (error ?? {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (name === 'NotFoundException' || $metadata?.httpStatusCode === 404) return;
      throw error;
    }
  }
}
