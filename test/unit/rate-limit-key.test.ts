import { createHash, randomBytes } from 'node:crypto';
import { windowKey } from '../../functions/abuse/rate-limit';

describe('the stored key of a rate-limit window', () => {
  const window = { kind: 'ip', subject: '203.0.113.7', limit: 20, windowSeconds: 60 };
  const now = new Date('2026-12-06T10:00:30Z');

  it('names the kind and the minute, and holds no address', () => {
    const { key, windowEnds } = windowKey(window, now, randomBytes(32));
    expect(key).toMatch(/^ip#[A-Za-z0-9_-]{22}#\d+$/);
    expect(key).not.toContain('203.0.113.7');
    expect(windowEnds.toISOString()).toBe('2026-12-06T10:01:00.000Z');
  });

  it('cannot be found again by hashing every IPv4 address: it depends on the identity key', () => {
    const key = randomBytes(32);
    const [first, again, otherKey] = [
      windowKey(window, now, key),
      windowKey(window, now, key),
      windowKey(window, now, randomBytes(32)),
    ];
    expect(again.key).toBe(first.key);
    expect(otherKey.key).not.toBe(first.key);
    const unkeyed = createHash('sha256').update(`ip:${window.subject}`).digest('base64url').slice(0, 22);
    expect(first.key).not.toContain(unkeyed);
  });
});
