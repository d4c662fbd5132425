// Key material as bytes, with no AWS SDK import: the capture function decodes a key it is given
// as a value (a deploy-time dynamic reference) and must not bundle Secrets Manager.

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
