import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { endpointOption, oncePerContainer } from './container';

export function secretsManagerClient(options: { endpoint?: string } = {}): SecretsManagerClient {
  return oncePerContainer(
    'secretsmanager',
    options.endpoint,
    () => new SecretsManagerClient(endpointOption(options.endpoint)),
  );
}
