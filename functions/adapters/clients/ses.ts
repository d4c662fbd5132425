import { SESv2Client } from '@aws-sdk/client-sesv2';
import { endpointOption, oncePerContainer } from './container';

export function sesClient(options: { endpoint?: string } = {}): SESv2Client {
  return oncePerContainer(
    'ses',
    options.endpoint,
    () =>
      new SESv2Client({
        ...endpointOption(options.endpoint),
        // Throttling is paced and retried by the sender itself, so the SDK does not retry blindly.
        maxAttempts: 2,
      }),
  );
}
