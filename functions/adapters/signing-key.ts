import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSecretsManagerClient } from './aws-clients';

export type SigningKeyProvider = () => Promise<Buffer>;

/** Accepts hex, base64 or a long random string; anything shorter than 32 bytes is refused. */
export function decodeKey(material: string): Buffer {
  const trimmed = material.trim();
  const key = /^[0-9a-f]{64,}$/i.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]{43,}={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64')
      : Buffer.from(trimmed, 'utf8');
  if (key.length < 32) throw new Error('The signing key must be at least 32 bytes');
  return key;
}

/**
 * The HMAC key lives in Secrets Manager, never in the template or the environment. It is
 * read once per container and kept in memory.
 */
export function secretsManagerKey(
  secretId: string,
  client: SecretsManagerClient = createSecretsManagerClient(),
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
