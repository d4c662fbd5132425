import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { decodeKey, rawKey } from '../functions/adapters/signing-key';
import type { SigningKeyProvider } from '../functions/shared/signing-key';

/**
 * The local stack's HMAC key, in a git-ignored file (AWS keeps it in Secrets Manager).
 * Created on first start and kept, so unsubscribe links in old local emails keep working.
 */
export function fileSigningKey(path: string, encoding: 'decoded' | 'raw' = 'decoded'): SigningKeyProvider {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  const material = readFileSync(path, 'utf8').trim();
  const key = encoding === 'raw' ? rawKey(material) : decodeKey(material);
  return async () => key;
}
