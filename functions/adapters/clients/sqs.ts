import { SQSClient } from '@aws-sdk/client-sqs';
import { endpointOption, oncePerContainer } from './container';

export function sqsClient(options: { endpoint?: string } = {}): SQSClient {
  return oncePerContainer('sqs', options.endpoint, () => new SQSClient(endpointOption(options.endpoint)));
}
