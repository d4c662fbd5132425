import { S3Client } from '@aws-sdk/client-s3';
import { endpointOption, oncePerContainer } from './container';

export function s3Client(options: { endpoint?: string } = {}): S3Client {
  return oncePerContainer('s3', options.endpoint, () => new S3Client(endpointOption(options.endpoint)));
}
