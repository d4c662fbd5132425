import { createHash } from 'node:crypto';

/** A short content hash: the same content always gets the same version, any change a new one. */
export function contentVersion(content: unknown): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 12);
}
