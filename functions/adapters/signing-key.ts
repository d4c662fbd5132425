import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SigningKeyProvider } from '../shared/signing-key';
import { decodeKey } from './key-material';

export { decodeKey };

import { secretsManagerClient } from './clients/secrets-manager';

/**
 * The HMAC key lives in Secrets Manager, never in the template or the environment. It is
 * read once per container and kept in memory.
 */
export function secretsManagerKey(
  secretId: string,
  client: SecretsManagerClient = secretsManagerClient(),
  /**
   * `decoded`: our own HMAC keys (hex or base64 become their bytes). `raw`: a secret shared
   * with another system (a scheduling tool signs with the string exactly as it was pasted).
   */
  encoding: 'decoded' | 'raw' = 'decoded',
): SigningKeyProvider {
  let cached: Promise<Buffer> | undefined;
  return () => {
    cached ??= client.send(new GetSecretValueCommand({ SecretId: secretId })).then((secret) => {
      if (!secret.SecretString) throw new Error('The signing key secret has no string value');
      return encoding === 'raw' ? rawKey(secret.SecretString) : decodeKey(secret.SecretString);
    });
    cached.catch(() => {
      cached = undefined;
    });
    return cached;
  };
}

/** A shared secret used as its UTF-8 bytes, as the other side will use it. */
export function rawKey(material: string): Buffer {
  const key = Buffer.from(material, 'utf8');
  if (key.length < 32) throw new Error('The shared secret must be at least 32 characters');
  return key;
}
