import { GetAccountCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { type Pacer, TokenBucket } from '../drip/pacing';

/** The account's SES MaxSendRate, which AWS raises over time: read it rather than hard-code it. */
export async function accountMaxSendRate(client: SESv2Client): Promise<number> {
  const account = await client.send(new GetAccountCommand({}));
  const rate = account.SendQuota?.MaxSendRate;
  if (!rate || rate <= 0) throw new Error('SES GetAccount returned no MaxSendRate');
  return rate;
}

/**
 * A pacer that learns its rate on first use. Each sender instance takes its share of the
 * account rate: with reserved concurrency N, N instances together stay under MaxSendRate.
 */
export function lazyPacer(rate: () => Promise<number>, instances: number): Pacer {
  let bucket: Promise<TokenBucket> | undefined;
  return {
    async take(options) {
      bucket ??= rate().then((perAccount) => new TokenBucket(perAccount / instances));
      bucket.catch(() => {
        bucket = undefined;
      });
      return (await bucket).take(options);
    },
  };
}
