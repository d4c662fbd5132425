import { SESv2Client } from '@aws-sdk/client-sesv2';
import { endpointOption, oncePerContainer } from './container';

/**
 * Time to open a connection to SES. A connection not open by then never carried a byte of the
 * request, so giving up is as safe as a refusal (the send is retried).
 */
export const SES_CONNECTION_TIMEOUT_MS = 1_000;
/**
 * Time from the request to SES's answer (SES answers SendEmail in well under a second). With
 * the connection time this stays inside half the sender's reserve (SENDER_TIME_RESERVE_MS), so
 * a hung call ends, as `unknown`, with time left to record it.
 */
export const SES_REQUEST_TIMEOUT_MS = 4_000;

export function sesClient(options: { endpoint?: string; requestTimeoutMs?: number } = {}): SESv2Client {
  const requestTimeout = options.requestTimeoutMs ?? SES_REQUEST_TIMEOUT_MS;
  return oncePerContainer(
    'ses',
    options.endpoint,
    () =>
      new SESv2Client({
        ...endpointOption(options.endpoint),
        // No automatic retries. The SDK's standard retry resends after a reset, a timeout or a
        // 5xx, when SES may already have accepted the message; the sender itself retries, paced,
        // only what classifySesError calls certainly not sent (throttling, a connection never
        // opened).
        maxAttempts: 1,
        requestHandler: {
          connectionTimeout: SES_CONNECTION_TIMEOUT_MS,
          requestTimeout,
          socketTimeout: requestTimeout,
          // Without it the SDK only logs a warning when requestTimeout passes, and keeps waiting.
          throwOnRequestTimeout: true,
        },
      }),
    String(requestTimeout),
  );
}
